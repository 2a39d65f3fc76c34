"""`pyhexo config [key] [value]`: read a config value, or set one in `_config.yml` keeping the
file's comments, key order, quoting and indentation (ruamel.yaml round trip).

Keys are dotted paths (`deploy.branch`, `theme_config.profile.name`); setting a key whose parents
do not exist creates them. Values: `true`/`false`, `null` and numbers are typed as in Hexo, a flow
list/mapping (`[a, b]`) is read as YAML, anything else is a string; quote a value to force a
string (`'10'`). JSON config files are rewritten as JSON.
"""
from __future__ import annotations

import io
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import yaml

from engine.errors import ConfigError

_MISSING = object()


def split_key(key: str) -> list[str]:
    parts = [p for p in str(key).strip().split(".")]
    if not key or any(p == "" for p in parts):
        raise ConfigError(f"invalid key '{key}'", hint="keys look like `title` or `deploy.branch`")
    return parts


def lookup(data: Any, key: str, default: Any = _MISSING) -> Any:
    """`data['a']['b']` for 'a.b'; list items by index ('menu.0')."""
    cur = data
    for part in split_key(key):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            if default is _MISSING:
                raise KeyError(key)
            return default
    return cur


def parse_value(text: str) -> Any:
    """A command-line value, cast as Hexo's `config` command does: `true`/`false`, `null`, and
    numbers become those types, anything else stays a string (`New: Title` included). pyhexo
    also reads a flow list or mapping (`[a, b]`, `{k: v}`) as YAML, and a quoted value
    (`'10'`, `"true"`) as the string inside the quotes."""
    stripped = text.strip()
    low = stripped.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "~"):
        return None
    if re.fullmatch(r"[-+]?\d+", stripped):
        return int(stripped)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", stripped):
        return float(stripped)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"" or \
            (stripped[:1], stripped[-1:]) in (("[", "]"), ("{", "}")):
        try:
            value = yaml.safe_load(stripped)
        except yaml.YAMLError:
            return text
        if isinstance(value, (str, list, dict)):
            return value
    return text


def format_value(value: Any) -> str:
    """How `pyhexo config key` prints a value: scalars plainly, mappings and lists as YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(_plain(value), allow_unicode=True, sort_keys=False,
                              default_flow_style=False).rstrip("\n")
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, sequence dash offset) the file mostly uses."""
    maps: Counter[int] = Counter()
    seqs: Counter[int] = Counter()
    prev_indent: int | None = None
    prev_opens = False
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if prev_opens and prev_indent is not None and indent >= prev_indent:
            step = indent - prev_indent
            if stripped.startswith("- "):
                seqs[step] += 1
            elif step > 0:
                maps[step] += 1
        prev_indent = indent
        prev_opens = bool(re.search(r":\s*(#.*)?$", stripped)) and not stripped.startswith("- ")
    mapping = maps.most_common(1)[0][0] if maps else 2
    offset = seqs.most_common(1)[0][0] if seqs else 0
    return mapping, offset + 2, offset


def _yaml(text: str):
    from ruamel.yaml import YAML
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    mapping, sequence, offset = _detect_indent(text)
    y.indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)
    return y


def config_file_for(site_dir: Path, config_files: list[str] | None = None) -> Path:
    """The file `config key value` writes: the first `--config` file, else `_config.yml`."""
    site_dir = Path(site_dir)
    if config_files:
        p = Path(config_files[0])
        return p if p.is_absolute() else site_dir / p
    yml = site_dir / "_config.yml"
    if not yml.exists() and (site_dir / "_config.yaml").exists():
        return site_dir / "_config.yaml"
    return yml


def set_value(path: Path, key: str, value: Any, *,
              check: Callable[[], object] | None = None) -> tuple[Any, Any]:
    """Set `key` to `value` in the file at `path` (created if missing); returns (old, new).
    Everything else in the file is kept as written. `check` runs after writing (e.g. loading the
    config); if it raises, the file is put back as it was and the error propagates."""
    path = Path(path)
    existed = path.exists()
    before = path.read_bytes() if existed else None
    result = _set_value(path, key, value)
    if check is not None:
        try:
            check()
        except BaseException:
            if before is not None:
                _atomic_write_bytes(path, before)
            else:
                path.unlink(missing_ok=True)
            raise
    return result


def _set_value(path: Path, key: str, value: Any) -> tuple[Any, Any]:
    parts = split_key(key)
    text = path.read_text("utf-8-sig") if path.exists() else ""
    if path.suffix.lower() == ".json":
        data = json.loads(text) if text.strip() else {}
        old = _assign(data, parts, value, key)
        _atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return old, value
    from ruamel.yaml.error import YAMLError
    y = _yaml(text)
    try:
        data = y.load(text) if text.strip() else None
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(f"cannot edit {path.name}: invalid YAML ({getattr(err, 'problem', err)})",
                          path=path.name, line=mark.line + 1 if mark else None) from None
    if data is None:
        from ruamel.yaml.comments import CommentedMap
        data = CommentedMap()
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} is not a mapping of keys to values", path=path.name)
    old = _assign(data, parts, _styled(value), key)
    buf = io.StringIO()
    y.dump(data, buf)
    new_text = _keep_cosmetics(text, buf.getvalue())
    _check_reads_back(new_text, key, value, path)
    _atomic_write(path, new_text)
    return old, value


# YAML line breaks besides \n and \r: in a plain or single-quoted scalar they fold into spaces
# when read back, so such strings are written double-quoted (escaped as \N, \L, \P).
_LINE_BREAKS = ("\x85", "\u2028", "\u2029")


def _styled(value: Any) -> Any:
    if isinstance(value, str) and any(c in value for c in _LINE_BREAKS):
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString
        return DoubleQuotedScalarString(value)
    if isinstance(value, list):
        return [_styled(v) for v in value]
    if isinstance(value, dict):
        return {k: _styled(v) for k, v in value.items()}
    return value


def _check_reads_back(text: str, key: str, value: Any, path: Path) -> None:
    """Refuse to write a file in which `key` would not read back (with the loader the config
    uses) as `value`: the file on disk is left as it was."""
    from engine.frontmatter import load_yaml

    def canon(v: Any) -> str:
        return json.dumps(_plain(v), sort_keys=True, default=str)
    try:
        got = lookup(load_yaml(text), key)
    except (yaml.YAMLError, KeyError, TypeError, ValueError):
        got = _MISSING
    if got is _MISSING or canon(got) != canon(value):
        raise ConfigError(f"cannot write {key} = {value!r} to {path.name} so that it reads back "
                          "the same; the file is unchanged", path=path.name,
                          hint="quote the value, or edit the file by hand")


_FLOW_SPACE = re.compile(r"\s*([{}\[\],])\s*")


def _keep_cosmetics(before: str, after: str) -> str:
    """ruamel re-spaces flow collections (`{ a: 1 }` -> `{a: 1}`): keep the original line where
    the only difference is that spacing, provided the result still reads the same."""
    import difflib
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1 and all(
                _FLOW_SPACE.sub(r"\1", a).rstrip() == _FLOW_SPACE.sub(r"\1", b).rstrip()
                for a, b in zip(old[i1:i2], new[j1:j2])):
            out.extend(old[i1:i2])
        else:
            out.extend(new[j1:j2])
    merged = "".join(out)
    if merged != after:
        try:
            if _plain(yaml.safe_load(merged)) != _plain(yaml.safe_load(after)):
                return after
        except yaml.YAMLError:
            return after
    return merged


def _assign(data: dict, parts: list[str], value: Any, key: str) -> Any:
    cur = data
    for i, part in enumerate(parts[:-1]):
        nxt = cur.get(part) if isinstance(cur, dict) else None
        if nxt is None:
            nxt = type(cur)() if isinstance(cur, dict) else {}
            cur[part] = nxt
        elif not isinstance(nxt, dict):
            raise ConfigError(f"cannot set '{key}': '{'.'.join(parts[:i + 1])}' is "
                              f"{type(nxt).__name__}, not a mapping")
        cur = nxt
    last = parts[-1]
    old = cur.get(last, None)
    cur[last] = value
    return old


def _atomic_write(path: Path, text: str) -> None:
    _atomic_write_bytes(path, text.encode("utf-8"))


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    # A symlinked config (dotfiles) is written where it points; the link itself stays.
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
