"""`pyhexo new` and `pyhexo publish`: new posts, pages and drafts from scaffolds (SPEC §4).

A scaffold is `scaffolds/<layout>.md` in the site, else pyhexo's bundled one. Its front-matter is a
template (`{{ title }}`, `{{ date }}`, `{{ layout }}`; strings that YAML would misread arrive
quoted), rendered, parsed, and written back the way Hexo writes it: plain keys first, then dates
as `YYYY-MM-DD HH:mm:ss`, then empty keys (`tags:`). A layout without a scaffold uses the post
scaffold with `layout: <name>` as its first key.

File names: `new_post_name` (`:title` is the slug of the title or of `--slug`, cased by
`filename_case`; `:year :month :day :i_month :i_day :hour :minute :second` are the date), or
`--path`. Posts go to `_posts/`, drafts to `_drafts/<slug>.md` (no date in the name: `publish`
gives it one), pages to `<slug>/index.md`. A file is
never overwritten unless `replace=True`: the name gets `-1`, `-2`... and the file appears whole in
one step (a hidden temp file hard-linked to the name, which fails like O_EXCL when it is taken), so
neither a concurrent `new` nor a crash can clobber a file or leave a half-written post.
"""
from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import date as date_type, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

import jinja2
import yaml

from engine.errors import EngineError
from engine.frontmatter import load_yaml, parse_front_matter
from engine.resources import bundled
from engine.text import slugize

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"          # moment's 'YYYY-MM-DD HH:mm:ss'
# Keys that only feed the scaffold placeholders; everything else a caller passes (the front-matter
# of a draft being published) is merged into the result.
_PRESERVED = frozenset({"title", "slug", "path", "layout", "date", "content"})
FALLBACK_SCAFFOLDS = {
    "post": "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n",
    "page": "---\ntitle: {{ title }}\ndate: {{ date }}\n---\n",
    "draft": "---\ntitle: {{ title }}\ntags:\n---\n",
}
_FM = re.compile(r"\A(?:(?P<pre>-{3,}|;{3,})[ \t]*\r?\n)?(?P<data>.*?)(?:\r?\n)?"
                 r"^(?P<sep>-{3,}|;{3,})[ \t]*(?:\r?\n|\Z)(?P<body>.*)\Z", re.S | re.M)


class ScaffoldError(EngineError):
    """`new`/`publish` cannot do what was asked (bad title or path, missing draft...)."""


@dataclass
class Created:
    path: Path                 # the file written
    content: str
    asset_dir: Path | None = None


# ---------------------------------------------------------------------------------------------
# scaffolds

def find_scaffold(site_dir: Path, layout: str) -> tuple[str, bool]:
    """(scaffold text, found for this layout). Site `scaffolds/` first, then the bundled ones;
    when neither has `layout`, the post scaffold (found=False)."""
    for name in (layout, "post"):
        for base in (Path(site_dir) / "scaffolds", bundled("scaffolds")):
            if base is None or not base.is_dir():
                continue
            hit = _scaffold_file(base, name)
            if hit is not None:
                return hit.read_text("utf-8-sig"), name == layout
        if name in FALLBACK_SCAFFOLDS:
            return FALLBACK_SCAFFOLDS[name], name == layout
    return FALLBACK_SCAFFOLDS["post"], False


def _scaffold_file(base: Path, name: str) -> Path | None:
    exact = base / f"{name}.md"
    if exact.is_file():
        return exact
    for p in sorted(base.glob(f"{glob_escape(name)}.*")):
        if p.is_file() and not p.name.endswith("~"):
            return p
    return None


def glob_escape(s: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", s)


def _split_scaffold(text: str) -> tuple[str | None, str, str, bool]:
    """(front-matter template or None, body, separator, separator also opens the block)."""
    m = _FM.match(text)
    if not m or (m.group("pre") and m.group("pre")[0] != m.group("sep")[0]):
        return None, text, "---", True
    return m.group("data"), m.group("body"), m.group("sep"), bool(m.group("pre"))


# ---------------------------------------------------------------------------------------------
# front-matter values

def _needs_quotes(value: str) -> bool:
    if value == "" or value != value.strip() or "\n" in value:
        return True
    try:
        loaded = load_yaml(f"k: {value}\n")
    except yaml.YAMLError:
        return True
    return not (isinstance(loaded, dict) and loaded.get("k") == value)


def _placeholder(value: Any, json_mode: bool) -> Any:
    """A value as the scaffold template sees it: dates formatted, strings quoted when needed."""
    if isinstance(value, date_type):
        return json.dumps(_format_date(value)) if json_mode else _format_date(value)
    if isinstance(value, str):
        if json_mode:
            return json.dumps(value, ensure_ascii=False)
        return json.dumps(value, ensure_ascii=False) if _needs_quotes(value) else value
    return value


def _format_date(value: date_type) -> str:
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    return value.strftime("%Y-%m-%d") + " 00:00:00"


def stringify_front_matter(data: Mapping[str, Any], json_mode: bool = False) -> str:
    """Hexo's layout: other keys (YAML), then dates, then keys without a value (`tags:`)."""
    if json_mode:
        plain = {k: (_format_date(v) if isinstance(v, date_type) else v) for k, v in data.items()}
        inner = json.dumps(plain, ensure_ascii=False, indent=2, default=str)
        return inner[1:-1].strip("\n") + "\n" if plain else ""
    plain = {k: v for k, v in data.items() if v is not None and not isinstance(v, date_type)}
    dates = [(k, v) for k, v in data.items() if isinstance(v, date_type)]
    nulls = [k for k, v in data.items() if v is None]
    out = yaml.dump(plain, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                    default_flow_style=False, width=10**9) if plain else ""
    out += "".join(f"{_key(k)}: {_format_date(v)}\n" for k, v in dates)
    out += "".join(f"{_key(k)}:\n" for k in nulls)
    return out


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key (`tags:\n  - a`), as js-yaml writes them; a string that
    Hexo's YAML (js-yaml typing: `0E0`, `.5`, `0o17` are numbers) would read as something else is
    quoted even where PyYAML's YAML 1.1 rules would leave it plain."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if _needs_quotes(data) and "\n" not in data:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


_Dumper.add_representer(str, _Dumper.represent_str)


def _key(k: Any) -> str:
    text = str(k)
    return text if not _needs_quotes(text) else json.dumps(text, ensure_ascii=False)


def render_scaffold(scaffold: str, data: Mapping[str, Any], *, layout_key: bool = False) -> str:
    """The new file's text: the scaffold's front-matter rendered with `data` and merged with
    the non-placeholder keys of `data`; then the scaffold body, then `data['content']`."""
    fm_tpl, body, sep, prefixed = _split_scaffold(scaffold)
    json_mode = sep.startswith(";")
    if fm_tpl is None:
        fm_tpl = ""
    if layout_key and not re.search(r"^\s*\"?layout\"?\s*:", fm_tpl, re.M):
        fm_tpl = ('"layout": {{ layout }}' + ("," if fm_tpl.strip() else "") if json_mode
                  else "layout: {{ layout }}") + ("\n" + fm_tpl if fm_tpl else "")
    env = jinja2.Environment(autoescape=False, keep_trailing_newline=True,
                             undefined=jinja2.Undefined)
    context = {k: _placeholder(v, json_mode) for k, v in data.items()}
    try:
        rendered = env.from_string(fm_tpl).render(context)
    except jinja2.TemplateError as err:
        raise ScaffoldError(f"scaffold template error: {err}", path="scaffolds/",
                            hint="scaffolds use {{ title }}, {{ date }} and {{ layout }}") from None
    try:
        if json_mode:
            loaded = json.loads("{" + rendered + "}") if rendered.strip() else {}
        else:
            loaded = load_yaml(rendered) if rendered.strip() else {}
    except (ValueError, yaml.YAMLError) as err:
        raise ScaffoldError(f"the scaffold's front-matter is not valid after filling it in: {err}",
                            path="scaffolds/") from None
    obj: dict[str, Any] = dict(loaded) if isinstance(loaded, dict) else {}
    for key, value in data.items():
        if key not in _PRESERVED and value is not None:
            obj[key] = _merge(obj.get(key), value)
    text = (f"{sep}\n" if prefixed else "") + stringify_front_matter(obj, json_mode) + f"{sep}\n"
    text += body
    content = data.get("content")
    if content:
        text += "\n" + str(content)
    return text


def _merge(base: Any, value: Any) -> Any:
    if isinstance(base, dict) and isinstance(value, dict):
        out = dict(base)
        for k, v in value.items():
            out[k] = _merge(out.get(k), v)
        return out
    return value


# ---------------------------------------------------------------------------------------------
# file names

def layout_folder(layout: str) -> str:
    return {"draft": "_drafts", "page": ""}.get(layout, "_posts")


def _filename_tokens(slug: str, when: datetime) -> dict[str, str]:
    return {
        "title": slug, "year": f"{when.year:04d}", "month": f"{when.month:02d}",
        "day": f"{when.day:02d}", "i_month": str(when.month), "i_day": str(when.day),
        "hour": f"{when.hour:02d}", "minute": f"{when.minute:02d}",
        "second": f"{when.second:02d}", "timestamp": str(int(when.timestamp())),
    }


def _expand_name(rule: str, tokens: Mapping[str, str]) -> str:
    return re.sub(r":(\w+)", lambda m: tokens.get(m.group(1), m.group(0)), rule)


def target_path(source_dir: Path, layout: str, slug: str, when: datetime, *,
                path: str | None = None, new_post_name: str = ":title.md") -> Path:
    """Where `new` writes (before collision suffixes)."""
    rule = str(new_post_name or ":title.md")
    ext = PurePosixPath(rule).suffix or ".md"
    folder = layout_folder(layout)
    if path:
        rel = PurePosixPath(path.replace("\\", "/").strip("/"))
        name = str(rel) if rel.suffix else str(rel) + ext
        if layout == "page" and not rel.suffix:
            name = f"{rel}/index{ext}"
    elif layout == "page":
        name = f"{slug}/index{ext}"
    elif layout == "draft":
        name = slug + ext       # no date yet: `publish` names the post with `new_post_name`
    else:
        name = _expand_name(rule, _filename_tokens(slug, when))
        if not PurePosixPath(name).suffix:
            name += ext
    base = Path(source_dir) / folder if folder else Path(source_dir)
    target = base / name
    _check_inside(target, Path(source_dir), path or name)
    return target


def _check_inside(target: Path, source_dir: Path, shown: str) -> None:
    parts = PurePosixPath(shown.replace("\\", "/")).parts
    if PurePosixPath(shown).is_absolute() or ".." in parts:
        raise ScaffoldError(f"the path '{shown}' leaves the source folder",
                            hint="give a path relative to the layout's folder, e.g. notes/idea")
    if not os.path.abspath(target).startswith(os.path.abspath(source_dir) + os.sep):
        raise ScaffoldError(f"the path '{shown}' leaves the source folder")


def with_suffix_number(path: Path, n: int) -> Path:
    """'x.md' → 'x-1.md' (Hexo's collision names)."""
    if n == 0:
        return path
    return path.with_name(f"{path.stem}-{n}{path.suffix}")


def write_new_file(path: Path, text: str, *, replace: bool = False, limit: int = 1000) -> Path:
    """Create `path` (or path-1, path-2... if taken) without ever overwriting, unless `replace`.

    The bytes go to a hidden temp file first (the source scan skips dot-files), then appear
    under their name in one step: `os.link` (fails if the name is taken, like O_EXCL) or, with
    `replace`, `os.replace`. A crash never leaves a half-written post under a post's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    tmp = _write_temp(path.parent, data)
    try:
        if replace:
            try:
                if path.is_file() and not path.is_symlink():
                    os.chmod(tmp, path.stat().st_mode & 0o7777)     # keep the file's mode
                os.replace(tmp, path)
            except IsADirectoryError:
                raise ScaffoldError(f"cannot replace {path.name}: it is a folder") from None
            return path
        for n in range(limit):
            candidate = with_suffix_number(path, n)
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                continue
            except OSError as err:
                if err.errno not in _NO_HARD_LINKS:
                    raise
                made = _create_exclusive(candidate, data)      # no hard links on this filesystem
                if made is None:
                    continue
            return candidate
    finally:
        tmp.unlink(missing_ok=True)
    raise ScaffoldError(f"too many files named like {path.name}", hint="use --slug or --replace")


_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV,
                            errno.EMLINK, errno.ENOSYS, errno.EACCES})


def _write_temp(folder: Path, data: bytes) -> Path:
    """`data` in a new `.pyhexo-new-XXXXXXXX.tmp` in `folder`, mode 0o644 minus the umask."""
    for _ in range(100):
        tmp = folder / f".pyhexo-new-{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp
    raise ScaffoldError(f"cannot create a temporary file in {folder}")


def _create_exclusive(path: Path, data: bytes) -> Path | None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except (FileExistsError, IsADirectoryError):
        return None
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


# ---------------------------------------------------------------------------------------------
# new

def _now(tz) -> datetime:
    now = datetime.now(tz) if tz is not None else datetime.now().astimezone()
    return now.replace(microsecond=0, tzinfo=None)


def _slug(text: str, config: Mapping[str, Any]) -> str:
    case = config.get("filename_case")
    slug = slugize(str(text), transform=case if case in (1, 2) else None)
    if not slug:
        raise ScaffoldError(f"'{text}' gives an empty file name",
                            hint="choose the file name with --slug")
    return slug


def new_post(config, title: str, layout: str | None = None, *, slug: str | None = None,
             path: str | None = None, replace: bool = False, now: datetime | None = None,
             extra: Mapping[str, Any] | None = None, content: str | None = None) -> Created:
    """Create a post, page or draft from its scaffold. `config` is an `engine.config.Config`."""
    raw = config.raw
    title = str(title)
    layout = str(layout or raw.get("default_layout") or "post").strip()
    if not layout or "/" in layout or "\\" in layout:
        raise ScaffoldError(f"invalid layout name '{layout}'")
    when = now or _now(config.tz)
    the_slug = _slug(slug if slug else title, raw)
    target = target_path(config.source_dir, layout, the_slug, when, path=path,
                         new_post_name=str(raw.get("new_post_name") or ":title.md"))
    scaffold, found = find_scaffold(config.site_dir, layout)
    data: dict[str, Any] = {}
    for key, value in (extra or {}).items():
        data[key] = value
    data.update({"title": title, "slug": the_slug, "layout": layout, "date": when})
    if path:
        data["path"] = path
    if content:
        data["content"] = content
    text = render_scaffold(scaffold, data, layout_key=not found and layout not in ("post",))
    written = write_new_file(target, text, replace=replace)
    asset_dir = None
    if raw.get("post_asset_folder") and layout != "page":
        asset_dir = written.with_suffix("")
        asset_dir.mkdir(parents=True, exist_ok=True)
    return Created(written, text, asset_dir)


# ---------------------------------------------------------------------------------------------
# publish

def find_draft(source_dir: Path, name: str) -> Path:
    drafts = Path(source_dir) / "_drafts"
    rel = name.replace("\\", "/").strip("/")
    _check_inside(drafts / (rel or "x"), Path(source_dir), rel)
    direct = drafts / rel
    if rel and direct.is_file():
        return direct
    parent = direct.parent
    if parent.is_dir():
        hits = sorted(p for p in parent.glob(f"{glob_escape(direct.name)}.*") if p.is_file()
                      and not p.name.endswith(("~", "%")))
        hits.sort(key=lambda p: (p.suffix not in (".md", ".markdown"), p.name))
        if hits:
            return hits[0]
        # `publish idea` for `Idea.md`: accept a case-insensitive match when it is the only one
        folded = direct.name.casefold()
        loose = [p for p in parent.iterdir() if p.is_file() and p.suffix in (".md", ".markdown")
                 and (p.stem.casefold() == folded or p.name.casefold() == folded)]
        if len(loose) == 1:
            return loose[0]
    available = sorted(p.relative_to(drafts).with_suffix("").as_posix()
                       for p in drafts.rglob("*") if p.is_file() and p.suffix in (".md", ".markdown")
                       and not any(part.startswith(".") for part in p.relative_to(drafts).parts)) \
        if drafts.is_dir() else []
    hint = ("drafts: " + ", ".join(available[:10]) + (" ..." if len(available) > 10 else "")) \
        if available else "there are no drafts in source/_drafts/"
    raise ScaffoldError(f"draft '{name}' not found in source/_drafts/", hint=hint)


def publish_draft(config, name: str, layout: str | None = None, *, replace: bool = False,
                  now: datetime | None = None) -> Created:
    """Turn `_drafts/<name>.md` into a post (through the post scaffold), then remove the draft
    and move its asset folder next to the post. A `date:` already in the draft is kept."""
    src = find_draft(config.source_dir, name)
    shown = src.relative_to(config.site_dir).as_posix() if src.is_relative_to(config.site_dir) \
        else str(src)
    text = src.read_text("utf-8-sig")
    fm = parse_front_matter(text, shown)
    data = dict(fm.data or {})
    body = fm.body
    when = data.pop("date", None)
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            when = (when.astimezone(config.tz) if config.tz else when.astimezone())
        when = when.replace(tzinfo=None)
    elif isinstance(when, date_type):
        when = datetime(when.year, when.month, when.day)
    else:
        when = now or _now(config.tz)
    title = data.pop("title", None)
    fm_layout = data.pop("layout", None)
    the_layout = layout or (fm_layout if isinstance(fm_layout, str) and fm_layout else None) \
        or str(config.raw.get("default_layout") or "post")
    if the_layout == "draft":
        the_layout = "post"
    stem = src.relative_to(Path(config.source_dir) / "_drafts").with_suffix("").as_posix()
    *folders, base = stem.split("/")
    # A draft in a sub-folder of _drafts/ keeps that sub-folder under _posts/.
    sub_path = "/".join([*folders, _slug(base, config.raw)]) if folders else None
    created = new_post(config, "" if title is None else str(title), the_layout, slug=base,
                       path=sub_path, replace=replace, now=when, extra=data, content=body)
    # The draft goes last: until it is gone, an interrupted publish can simply be run again,
    # and the post (written whole) and its assets never end up apart.
    asset_src = src.with_suffix("")
    if asset_src.is_dir():
        dest = created.path.with_suffix("")
        _move_tree(asset_src, dest)
        created.asset_dir = dest
    src.unlink()
    return created


def _move_tree(src: Path, dest: Path) -> None:
    """Move `src` into `dest`; a name already in `dest` stays in `src` (nothing is lost)."""
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), str(dest))
        return
    for child in list(src.iterdir()):
        target = dest / child.name
        if child.is_dir() and not child.is_symlink() and target.is_dir():
            _move_tree(child, target)
        elif not target.exists() and not target.is_symlink():
            shutil.move(str(child), str(target))
    try:
        src.rmdir()
    except OSError:
        pass
