"""Small shared pieces for the helpers: option merging, Hexo's `htmlTag`, JS number quirks, memoising.

Nothing here is a helper itself; every helper module imports from here so that the Hexo conventions
(an options object that may come as a dict or as keyword arguments, `htmlTag` escaping rules, JS
`Math.round`) live in one place.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Callable, Mapping

from engine.text import encode_url, escape_html

# Attributes whose value is a URL: htmlTag encodes them instead of escaping them.
_URL_ATTR = re.compile(r"(cite|download|href|src|url)$", re.I)
_META_URL = re.compile(r"^(og:|twitter:)(audio|image|url|video|player)(:secure_url)?$", re.I)


def options(args: tuple, kwargs: Mapping[str, Any], *, start: int = 0) -> dict[str, Any]:
    """Hexo's trailing options object, from a dict positional (at index >= `start`) and/or kwargs.

    Python names that clash with keywords are accepted with a `_name` suffix too:
    `class_name=` and `class_=` both mean Hexo's `class`.
    """
    merged: dict[str, Any] = {}
    for a in args[start:]:
        if type(a) is dict or isinstance(a, Mapping):
            merged.update(a)
    for k, v in kwargs.items():
        if k in ("class_name", "class_"):
            k = "class"
        merged[k] = v
    return merged


def truthy(value: Any) -> bool:
    """JavaScript truthiness: '' / 0 / None / False / NaN are false, but [] and {} are true."""
    if type(value) is str:
        return value != ""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0   # NaN is falsy
    if isinstance(value, str):
        return value != ""
    if _is_undefined(value):
        return False
    return True


def _is_undefined(value: Any) -> bool:
    # jinja2.Undefined without importing jinja2 here (helpers are also called from Python).
    return type(value).__name__.endswith("Undefined")


def or_default(value: Any, default: Any) -> Any:
    """JS `value || default`."""
    return value if truthy(value) else default


def js_round(x: float) -> int:
    """JS Math.round: halves go up (Python's round() goes to even)."""
    return int(math.floor(x + 0.5))


def js_number(x: float) -> str:
    """A number as JS prints it: 10 not 10.0, 15.5 as 15.5."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x)


def js_string(value: Any) -> str:
    """String(value) for the values helpers print."""
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return js_number(value)
    return str(value)


def html_tag(tag: str, attrs: Mapping[str, Any] | None = None, text: Any = None,
             escape: bool = True) -> str:
    """hexo-util htmlTag: `<tag a="v">text</tag>`; None attrs dropped, True → bare attribute,
    URL-ish attributes percent-encoded, others HTML-escaped; text escaped unless `escape=False`;
    text None → no closing tag (void element)."""
    out = [f"<{escape_html(tag)}"]
    attrs = attrs or {}
    # Only a <meta> looks at its first attribute's value.
    first_value = js_string(next(iter(attrs.values()))) if attrs and tag == "meta" else ""
    for name, value in attrs.items():
        if value is None or _is_undefined(value):
            continue
        sval = js_string(value)
        if _is_url_attr(name) or (tag == "meta" and not _META_URL.match(sval)
                                  and _META_URL.match(first_value)):
            out.append(f' {escape_html(name)}="{encode_url(sval)}"')
        elif value is True or name == value:
            out.append(f" {escape_html(name)}")
        elif name.lower().endswith("srcset"):
            out.append(f' {escape_html(name)}="{_enc_srcset(sval)}"')
        else:
            out.append(f' {escape_html(name)}="{escape_html(sval)}"')
    if text is None:
        out.append(">")
        return "".join(out)
    body = js_string(text)
    if escape and truthy(text):
        body = escape_html(body)
    out.append(f">{body}</{escape_html(tag)}>")
    return "".join(out)


@lru_cache(maxsize=256)
def _is_url_attr(name: str) -> bool:
    # A handful of attribute names, asked about on every tag a helper makes.
    return _URL_ATTR.search(name) is not None


def _enc_srcset(value: str) -> str:
    parts = value.split(" ")
    return " ".join(encode_url(p) if p.strip() else p for p in parts)


def page_lang(ctx) -> str | None:
    """The page's language as Hexo picks it: page.lang, page.language, then config.language."""
    lang = ctx.page_get("lang") or ctx.page_get("language")
    if not truthy(lang):
        lang = ctx.config.get("language")
        if isinstance(lang, (list, tuple)):
            lang = lang[0] if lang else None
    return lang if truthy(lang) else None


# --- memoising per Site ----------------------------------------------------------------------------

def _freeze(value: Any) -> Any:
    """A hashable stand-in for an argument; raises TypeError when there is none."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, Mapping):
        return ("__map__",) + tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set)):
        return ("__seq__",) + tuple(_freeze(v) for v in value)
    if callable(value) and not isinstance(value, type):
        # A transform function made per render would fill the cache with dead entries.
        raise TypeError("callables are not cached")
    hash(value)
    return value


def link_key(ctx) -> str | None:
    """What, beside the arguments, changes a helper's links: the page path with relative_link."""
    return ctx.path if truthy(ctx.config.get("relative_link")) else None


def site_memo(ctx, name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """Cache `compute()` on the Site object under (name, key).

    The Site is rebuilt on every build, so the cache never outlives the data it was computed from;
    keys that cannot be hashed (exotic option values) just skip the cache.
    """
    site = ctx.site
    if site is None:
        return compute()
    try:
        full_key = (name, _freeze(key))
    except TypeError:
        return compute()
    memo = site.__dict__.setdefault("_pyhexo_helper_memo", {})
    try:
        return memo[full_key]
    except KeyError:
        value = memo[full_key] = compute()
        return value
