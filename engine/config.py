"""Load the site configuration: Hexo 8's defaults, deep-merged with `_config.yml` (or the files of
`--config a.yml,b.yml`), plus the theme configuration.

What it does: read and merge the YAML/JSON files, normalise `url`/`root`, fill the defaults that
Hexo's bundled plugins add (index/archive/tag/category generators, feed, sitemap, server, marked),
validate `url` and `timezone`, and build the theme config (theme `_config.yml` <
`_config.<theme>.yml` < site `theme_config:`). What it does not do: pick a bundled theme, load
plugins, or read anything under `source/`.

Null values: Hexo merges a null from the user file over the default (`skip_render:` with nothing
becomes null) and its code then treats null as "not set". We turn that into data consumers can use
without checks: a null never replaces a default dict or list (the default stays), becomes `''`
where the default is a string and `False` where it is a boolean; other keys keep `None`.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from engine.errors import ConfigError
from engine.frontmatter import load_yaml

__all__ = ["Config", "load_config", "config_fingerprint", "DEFAULT_CONFIG", "deep_merge",
           "normalize_site_config"]

# Hexo 8.1.2's default_config (SPEC §2). Plugin defaults that depend on other keys (per_page...)
# are added by `_plugin_defaults` after the user's values are known.
DEFAULT_CONFIG: dict[str, Any] = {
    # Site
    "title": "Hexo",
    "subtitle": "",
    "description": "",
    "author": "John Doe",
    "language": "en",
    "timezone": "",
    # URL
    "url": "http://example.com",
    "root": "/",
    "permalink": ":year/:month/:day/:title/",
    "permalink_defaults": {},
    "pretty_urls": {"trailing_index": True, "trailing_html": True},
    # Directories
    "source_dir": "source",
    "public_dir": "public",
    "tag_dir": "tags",
    "archive_dir": "archives",
    "category_dir": "categories",
    "code_dir": "downloads/code",
    "i18n_dir": ":lang",
    "skip_render": [],
    # Writing
    "new_post_name": ":title.md",
    "default_layout": "post",
    "titlecase": False,
    "external_link": {"enable": True, "field": "site", "exclude": ""},
    "filename_case": 0,
    "render_drafts": False,
    "post_asset_folder": False,
    "relative_link": False,
    "future": True,
    "syntax_highlighter": "highlight.js",
    "highlight": {
        "line_number": True,
        "auto_detect": False,
        "tab_replace": "",
        "wrap": True,
        "exclude_languages": [],
        "language_attr": False,
        "hljs": False,
        "line_threshold": 0,
        "first_line_number": "always1",
        "strip_indent": True,
    },
    "prismjs": {
        "preprocess": True,
        "line_number": True,
        "tab_replace": "",
        "exclude_languages": [],
        "strip_indent": True,
    },
    # In the defaults, but Hexo's post processor reads `use_slug_as_post_title` (SPEC §2).
    "use_filename_as_post_title": False,
    # Category & tag
    "default_category": "uncategorized",
    "category_map": {},
    "tag_map": {},
    # Date / time (moment.js tokens)
    "date_format": "YYYY-MM-DD",
    "time_format": "HH:mm:ss",
    "updated_option": "mtime",
    # Pagination
    "per_page": 10,
    "pagination_dir": "page",
    # Files
    "include": [],
    "exclude": [],
    "ignore": [],
    # Extensions
    "theme": "landscape",
    "deploy": {},
    "meta_generator": True,
}

# Defaults of the plugins a `hexo init` site depends on (SPEC §0/§2). Each plugin applies them
# with a shallow Object.assign under its own key, so a user's list replaces the default list.
_STATIC_PLUGIN_DEFAULTS: dict[str, dict[str, Any]] = {
    "marked": {
        "gfm": True,
        "pedantic": False,
        "breaks": True,
        "smartLists": True,
        "smartypants": True,
        "modifyAnchors": 0,
        "autolink": True,
        "mangle": True,
        "sanitizeUrl": False,
        "dompurify": False,
        "headerIds": True,
        "anchorAlias": False,
        "lazyload": False,
        "prependRoot": True,
        "postAsset": False,
        "external_link": {"enable": False, "exclude": [], "nofollow": False},
        "descriptionLists": True,
    },
    "feed": {
        "type": "atom",
        "path": "atom.xml",
        "limit": 20,
        "hub": "",
        "content": True,
        "content_limit": 140,
        "content_limit_delim": "",
        "order_by": "-date",
        "autodiscovery": True,
        "template": "",
    },
    "sitemap": {
        "path": ["sitemap.xml", "sitemap.txt"],
        "rel": False,
        "tags": True,
        "categories": True,
    },
    # hexo-server 3: '::' listens on every interface (IPv4 too on dual-stack hosts).
    "server": {
        "port": 4000,
        "log": False,
        "ip": "::",
        "compress": False,
        "header": True,
        "cache": False,
    },
}


def _plugin_defaults(cfg: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    per_page = cfg.get("per_page", 10)
    return {
        "index_generator": {
            "path": "",
            "per_page": per_page,
            "order_by": "-date",
            "layout": ["index", "archive"],
            "pagination_dir": cfg.get("pagination_dir", "page"),
        },
        "archive_generator": {
            "enabled": True,
            # legacy `archive: 1` meant "one page per archive"
            "per_page": 0 if cfg.get("archive") == 1 else per_page,
            "yearly": True,
            "monthly": True,
            "daily": False,
            "order_by": "-date",
        },
        "tag_generator": {"per_page": per_page, "order_by": "-date", "enable_index_page": False},
        "category_generator": {"per_page": per_page, "order_by": "-date"},
        **_STATIC_PLUGIN_DEFAULTS,
    }


# ---------------------------------------------------------------------------------------------
# merging

def _null_for(default: Any) -> Any:
    """What a user's null becomes where the default is `default` (module docstring)."""
    if isinstance(default, (dict, list)):
        return copy.deepcopy(default)
    if isinstance(default, bool):
        return False
    if isinstance(default, str):
        return ""
    return default if isinstance(default, (int, float)) else None


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any] | None) -> dict[str, Any]:
    """A new dict: `override` merged into `base`. Dicts merge recursively, everything else
    (lists included) is replaced; a None in `override` follows `_null_for`."""
    out: dict[str, Any] = copy.deepcopy(dict(base))
    if not override:
        return out
    for key, value in override.items():
        if key in out:
            cur = out[key]
            if value is None:
                out[key] = _null_for(cur)
            elif isinstance(cur, dict) and isinstance(value, dict):
                out[key] = deep_merge(cur, value)
            else:
                out[key] = copy.deepcopy(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _shallow_plugin_merge(default: dict[str, Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(default)
    if value is False:
        out["enable"] = False        # `feed: false` switches a built-in plugin off
    if isinstance(value, dict):
        for k, v in value.items():
            out[k] = _null_for(out[k]) if v is None and k in out else copy.deepcopy(v)
    return out


# ---------------------------------------------------------------------------------------------
# the Config object

@dataclass
class Config:
    """The merged site configuration. `raw` is what templates see as `config`."""

    site_dir: Path
    raw: dict[str, Any]
    theme_config: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    # Problems worth one line at startup that do not stop the build (e.g. the theme fallback);
    # `Engine` reports them as warnings.
    warnings: list[ConfigError] = field(default_factory=list)
    # Problems that fail the build although it still produces a site (an unknown theme name).
    errors: list[ConfigError] = field(default_factory=list)
    _theme: tuple[Path | None, bool] | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self.raw

    def get(self, key: str, default: Any = None) -> Any:
        return self.raw.get(key, default)

    @property
    def source_dir(self) -> Path:
        return self.site_dir / str(self.raw.get("source_dir") or "source")

    @property
    def public_dir(self) -> Path:
        return self.site_dir / str(self.raw.get("public_dir") or "public")

    @property
    def theme_name(self) -> str:
        theme = self.raw.get("theme")
        return str(theme) if theme else ""

    @property
    def theme_dir(self) -> Path | None:
        """The theme folder the build uses: `themes/<theme>/` in the site when it exists and is a
        Jinja2 theme, else the bundled default theme (`theme_fallback` is then True and
        `warnings` says why). None only if neither exists."""
        return self._resolve_theme()[0]

    @property
    def theme_fallback(self) -> bool:
        """True when `theme_dir` is the bundled theme standing in for the configured one."""
        return self._resolve_theme()[1]

    def _resolve_theme(self) -> tuple[Path | None, bool]:
        if self._theme is None:
            self._theme = _resolve_theme_dir(self)
        return self._theme

    @property
    def tz(self) -> ZoneInfo | None:
        """`timezone` as a ZoneInfo; None when empty (= the machine's zone, as in Hexo)."""
        return _zone(self.raw.get("timezone"))

    @property
    def url(self) -> str:
        return str(self.raw["url"])

    @property
    def root(self) -> str:
        return str(self.raw["root"])


def _resolve_theme_dir(config: Config) -> tuple[Path | None, bool]:
    """(theme folder, is the bundled fallback). Adds one warning to `config.warnings` when the
    configured theme cannot be used."""
    from engine.resources import DEFAULT_THEME, bundled_theme_dir
    name = config.theme_name
    source = _display_path(config.files[0], config.site_dir) if config.files else "_config.yml"
    reason = None
    if name:
        path = config.site_dir / "themes" / name
        if not path.is_dir():
            reason = f"theme '{name}' not found in themes/"
        elif _non_jinja_theme(path):
            reason = (f"theme '{name}' has no Jinja2 views (themes/{name}/layout/ holds "
                      f"{_view_kinds(path)} templates, a Hexo theme pyhexo cannot render)")
        else:
            return path, False
    else:
        reason = "no `theme:` is set"
    fallback = bundled_theme_dir(DEFAULT_THEME)
    if fallback is None:
        return None, False
    if name == DEFAULT_THEME and not (config.site_dir / "themes" / name).exists():
        return fallback, False      # `theme: scholar` without a copy: the bundled one, silently
    problem = ConfigError(
        f"{reason}; using the bundled '{DEFAULT_THEME}' theme", path=source,
        line=_key_line(config.files[0], "theme") if config.files else None,
        hint=f"set `theme: {DEFAULT_THEME}` to silence this, or put a Jinja2 theme in "
             f"themes/{name or '<name>'}/layout/")
    if name and not _known_hexo_theme(config.site_dir, name):
        # Not in themes/, node_modules/ or package.json: most likely a typo. The site is still
        # built with the bundled theme, but the build reports an error.
        config.errors.append(problem)
    else:
        config.warnings.append(problem)
    return fallback, True


def _known_hexo_theme(site_dir: Path, name: str) -> bool:
    """A Hexo theme the site really uses: Hexo's default `landscape` (what `hexo init` and Hexo's
    defaults name), a folder in themes/, an npm package in node_modules/, or a `hexo-theme-<name>`
    dependency in package.json (a fresh clone without node_modules)."""
    if name == "landscape":
        return True
    if (site_dir / "themes" / name).is_dir() or (site_dir / "node_modules" / f"hexo-theme-{name}").is_dir():
        return True
    try:
        pkg = json.loads((site_dir / "package.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    deps = {**(pkg.get("dependencies") or {}), **(pkg.get("devDependencies") or {})} \
        if isinstance(pkg, dict) else {}
    return f"hexo-theme-{name}" in deps


def _key_line(path: Path, key: str) -> int | None:
    from engine.frontmatter import key_line
    try:
        return key_line(path.read_text("utf-8"), key)
    except OSError:
        return None


_JINJA_EXTS = (".html", ".j2", ".njk", ".jinja")


def _layout_files(theme_dir: Path) -> list[Path]:
    layout = theme_dir / "layout"
    if not layout.is_dir():
        return []
    return [p for p in layout.rglob("*") if p.is_file() and not p.name.startswith(".")]


def _non_jinja_theme(theme_dir: Path) -> bool:
    """A theme whose layout/ has views, none of them Jinja2 (EJS, Pug, Swig... from Hexo)."""
    files = _layout_files(theme_dir)
    return bool(files) and not any(p.suffix in _JINJA_EXTS for p in files)


def _view_kinds(theme_dir: Path) -> str:
    kinds = sorted({p.suffix.lstrip(".") or p.name for p in _layout_files(theme_dir)})
    return "/".join(kinds[:3]) if kinds else "no"


def _zone(name: Any) -> ZoneInfo | None:
    if not name:
        return None
    return ZoneInfo(str(name))


# ---------------------------------------------------------------------------------------------
# loading

def _read_config_file(path: Path, site_dir: Path) -> dict[str, Any]:
    shown = _display_path(path, site_dir)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise ConfigError(f"cannot read config file: {err.strerror or err}", path=shown) from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"config file is not UTF-8 ({err.reason})", path=shown) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as err:
            raise ConfigError(f"invalid JSON: {err.msg}", path=shown, line=err.lineno,
                              column=err.colno) from None
    else:
        try:
            data = load_yaml(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or str(err)
            context = getattr(err, "context", None)
            raise ConfigError(f"invalid YAML: {problem}" + (f" ({context})" if context else ""),
                              path=shown, line=mark.line + 1 if mark else None,
                              column=mark.column + 1 if mark else None,
                              hint="check indentation and quoting") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("a config file must be a mapping of keys to values", path=shown, line=1)
    return data


def _display_path(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)


def _split_config_arg(config_files: Sequence[str] | str | None) -> list[str]:
    if config_files is None:
        return []
    items = [config_files] if isinstance(config_files, str) else list(config_files)
    out: list[str] = []
    for item in items:  # `--config a.yml,b.yml` may arrive as one string
        out.extend(p.strip() for p in str(item).split(",") if p.strip())
    return out


def normalize_site_config(user: Mapping[str, Any], *, source: str = "_config.yml",
                          source_path: Path | None = None) -> dict[str, Any]:
    """Defaults + `user`, then the url/root rules and plugin defaults. Raises ConfigError."""
    def line_of(key: str) -> int | None:
        return _key_line(source_path, key) if source_path is not None else None

    raw = deep_merge(DEFAULT_CONFIG, user)
    url = raw.get("url")
    if not isinstance(url, str) or not urlsplit(url).scheme or not urlsplit(url).netloc:
        raise ConfigError(f"`url` must be an absolute URL such as http://example.com, not {url!r}",
                          path=source, line=line_of("url"), hint="set `url:` in _config.yml")
    raw["url"] = url.rstrip("/")
    root = user.get("root")
    if not root:
        # Hexo: root defaults to the url's path ('http://example.com/blog' => '/blog/')
        root = urlsplit(raw["url"]).path or "/"
    root = str(root)
    if not root.startswith("/"):
        root = "/" + root
    if not root.endswith("/"):
        root += "/"
    raw["root"] = root
    for key, default in _plugin_defaults(raw).items():
        raw[key] = _shallow_plugin_merge(default, user.get(key))
    try:
        _zone(raw.get("timezone"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {raw.get('timezone')!r} in `timezone`", path=source,
                          line=line_of("timezone"), hint="use an IANA name such as Asia/Shanghai or UTC, or leave it empty"
                          ) from None
    return raw


def load_config(site_dir: Path | str, config_files: Sequence[str] | str | None = None) -> Config:
    """Read the site config (`_config.yml`, or the `--config` files merged in order) and the
    theme config. Missing `_config.yml` means all defaults; a missing `--config` file is an error."""
    site_dir = Path(site_dir).resolve()
    names = _split_config_arg(config_files)
    files: list[Path] = []
    user: dict[str, Any] = {}
    if names:
        for name in names:
            path = (site_dir / name) if not Path(name).is_absolute() else Path(name)
            if not path.is_file():
                raise ConfigError(f"config file not found: {name}", path=name,
                                  hint="paths given to --config are relative to the site folder")
            user = deep_merge(user, _read_config_file(path, site_dir))
            files.append(path)
    else:
        path = site_dir / "_config.yml"
        if not path.is_file() and (site_dir / "_config.yaml").is_file():
            path = site_dir / "_config.yaml"
        if path.is_file():
            user = _read_config_file(path, site_dir)
            files.append(path)
    source = _display_path(files[-1], site_dir) if files else "_config.yml"
    raw = normalize_site_config(user, source=source, source_path=files[-1] if files else None)
    config = Config(site_dir=site_dir, raw=raw, files=files)
    config.theme_config = _load_theme_config(config, user.get("theme_config"))
    return config


def _load_theme_config(config: Config, site_theme_config: Any) -> dict[str, Any]:
    """theme `_config.yml` < site `_config.<theme>.yml` < site `theme_config:` (deep merge)."""
    merged: dict[str, Any] = {}
    theme_dir = config.theme_dir
    name = config.theme_name
    if config.theme_fallback and theme_dir is not None:
        # The configured theme's `_config.<name>.yml` belongs to that theme; the stand-in reads
        # its own. The site's `theme_config:` still applies.
        name = theme_dir.name
    if not name:
        return merged
    if theme_dir is not None:
        for candidate in ("_config.yml", "_config.yaml"):
            if (theme_dir / candidate).is_file():
                merged = deep_merge(merged, _read_config_file(theme_dir / candidate, config.site_dir))
                if not config.theme_fallback and theme_dir.is_relative_to(config.site_dir):
                    config.files.append(theme_dir / candidate)   # the site's own files only
                break
    for ext in ("yml", "yaml", "json"):
        site_theme_file = config.site_dir / f"_config.{name}.{ext}"
        if site_theme_file.is_file():
            merged = deep_merge(merged, _read_config_file(site_theme_file, config.site_dir))
            config.files.append(site_theme_file)
            break
    if isinstance(site_theme_config, dict):
        merged = deep_merge(merged, site_theme_config)
    return merged


def config_fingerprint(config: Config) -> str:
    """A stable hash of the site and theme config, for cache keys."""
    payload = json.dumps({"raw": config.raw, "theme": config.theme_config}, sort_keys=True,
                         default=repr, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
