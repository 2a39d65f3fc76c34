"""Theme translations: `__('key', *args)` and `_p('key', count, *args)`.

Strings come from the theme's `languages/<lang>.yml`, looked up in the page language, then the site's
languages (config.language, a string or a list), then `default.yml`. Nested YAML keys are reachable
with dots (`__('menu.home')`). A missing key prints the key. `_p` picks the `zero` / `one` /
`other` form by the count; both format `%s`, `%d`, `%i`, `%f`, `%j` and `%%` (sprintf style).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from engine.helpers._util import js_string, page_lang, site_memo, truthy

_SPEC = re.compile(r"%(?:(\d+)\$)?([sdifj%])")


def _flatten(data: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        out[name] = value
        if isinstance(value, Mapping):
            _flatten(value, name + ".", out)


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_languages(theme_dir: Path | None) -> dict[str, dict[str, Any]]:
    """{'en': {flat keys…}, 'default': {…}} from `languages/*.yml|yaml|json`; bad files are skipped
    (a translation problem should not stop the build)."""
    langs: dict[str, dict[str, Any]] = {}
    directory = Path(theme_dir) / "languages" if theme_dir else None
    if directory is None or not directory.is_dir():
        return langs
    for f in sorted(directory.iterdir()):
        if f.suffix.lower() not in (".yml", ".yaml", ".json") or not f.is_file():
            continue
        try:
            text = f.read_text(encoding="utf-8")
            data = json.loads(text) if f.suffix.lower() == ".json" else \
                yaml.load(text, Loader=_SAFE_LOADER)    # safe_load, with libyaml when present
        except (OSError, ValueError, yaml.YAMLError):
            continue
        if isinstance(data, Mapping):
            flat: dict[str, Any] = {}
            _flatten(data, "", flat)
            langs[f.stem] = flat
    return langs


def _languages(ctx) -> dict[str, dict[str, Any]]:
    theme_dir = getattr(ctx.engine.config, "theme_dir", None)
    site = ctx.site
    if site is None:
        return load_languages(theme_dir)
    # Per Site (so per build): edited language files are picked up by the next build.
    memo = site.__dict__.setdefault("_pyhexo_helper_memo", {})
    key = ("i18n_languages", str(theme_dir))
    if key not in memo:
        memo[key] = load_languages(theme_dir)
    return memo[key]


def _order(ctx) -> list[str]:
    """Language lookup order: page language, configured languages, 'default'."""
    order: list[str] = []
    first = ctx.lang if truthy(getattr(ctx, "lang", None)) else page_lang(ctx)
    page_first = ctx.page_get("lang") or ctx.page_get("language")
    configured = ctx.config.get("language")
    configured = configured if isinstance(configured, (list, tuple)) else [configured]
    for lang in [page_first, first, *configured, "default"]:
        if truthy(lang) and str(lang) not in order:
            order.append(str(lang))
    return order


def _lookup(ctx, key: str) -> Any:
    """The value of `key` in the first language of the page's lookup order that has it (not
    None), or None."""
    return _table(ctx).get(key)


def _table(ctx) -> dict[str, Any]:
    """key -> value for the page's language order, merged (the first language with a value wins).

    A page calls __() dozens of times: the table is looked up once per page (RenderContext.extra
    lives for one route render) and merged once per build and language order.
    """
    extra = getattr(ctx, "extra", None)
    lang, configured = getattr(ctx, "lang", None), ctx.config.get("language")
    cached = extra.get("_i18n") if isinstance(extra, dict) else None
    if cached is not None and cached[0] == lang and cached[1] is configured:
        return cached[2]
    order = tuple(_order(ctx))
    table = site_memo(ctx, "i18n_table", (str(getattr(ctx.engine.config, "theme_dir", None)), order),
                      lambda: _merge(_languages(ctx), order))
    if isinstance(extra, dict):
        extra["_i18n"] = (lang, configured, table)
    return table


def _merge(langs: dict[str, dict[str, Any]], order: tuple[str, ...]) -> dict[str, Any]:
    lower = {k.lower(): v for k, v in langs.items()}
    merged: dict[str, Any] = {}
    for lang in reversed(order):   # earlier languages overwrite later ones
        table = langs.get(lang) or lower.get(lang.lower())
        if table:
            merged.update((k, v) for k, v in table.items() if v is not None)
    return merged


def sprintf(fmt: str, args: tuple) -> str:
    """sprintf-js subset: %s %d %i %f %j %%, and positional %1$s."""
    it = iter(range(len(args)))

    def sub(m: re.Match) -> str:
        pos, conv = m.group(1), m.group(2)
        if conv == "%":
            return "%"
        idx = int(pos) - 1 if pos else next(it, None)
        if idx is None or idx >= len(args):
            return m.group(0)
        value = args[idx]
        try:
            if conv in "di":
                return str(int(float(value)))
            if conv == "f":
                return js_string(float(value))
            if conv == "j":
                return json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            return "NaN"
        return js_string(value)

    return _SPEC.sub(sub, fmt)


def translate(ctx, key: Any = "", *args: Any, **kwargs: Any) -> str:
    """`__('key', *args)`: the translated string (the key itself when missing), formatted."""
    if type(key) is not str:
        key = js_string(key)
    value = _lookup(ctx, key)
    text = value if isinstance(value, str) else key if value is None or isinstance(value, Mapping) \
        else js_string(value)
    return sprintf(text, args) if args else text


def translate_plural(ctx, key: Any = "", *args: Any, **kwargs: Any) -> str:
    """`_p('key', n, *args)`: the zero/one/other form for n, formatted with (n, *args)."""
    key = js_string(key)
    if not args:
        return translate(ctx, key)
    try:
        number = float(args[0])
    except (TypeError, ValueError):
        number = float("nan")
    form = "zero" if number == 0 else "one" if number == 1 else "other"
    value = _lookup(ctx, f"{key}.{form}")
    if value is None:
        value = _lookup(ctx, f"{key}.other")
    if value is None:
        plain = _lookup(ctx, key)
        value = plain if isinstance(plain, str) else key
    return sprintf(js_string(value), args)


HELPERS = {"__": translate, "_p": translate_plural}
