"""The remaining Hexo helpers: search_form, fragment_cache, inspect, log; and word_count."""
from __future__ import annotations

import html as _html
import logging
import pprint
import re
from typing import Any, Callable

from engine.helpers._util import options, or_default, site_memo, truthy

log_ = logging.getLogger("pyhexo.theme")


def search_form(ctx, *args: Any, **kwargs: Any) -> str:
    """A Google site-search form (Hexo's markup); options class, text, button."""
    opts = options(args, kwargs)
    cls = or_default(opts.get("class"), "search-form")
    text = opts.get("text", "Search")
    button = opts.get("button")
    placeholder = f' placeholder="{text}"' if truthy(text) else ""
    btn = ""
    if truthy(button):
        label = button if isinstance(button, str) else text
        btn = f'<button type="submit" class="{cls}-submit">{label}</button>'
    return (f'<form action="//google.com/search" method="get" accept-charset="UTF-8" class="{cls}">'
            f'<input type="search" name="q" class="{cls}-input"{placeholder}>{btn}'
            f'<input type="hidden" name="sitesearch" value="{ctx.config.get("url", "")}"></form>')


def fragment_cache(ctx, id_: Any, fn: Callable[[], Any] | None = None, *args: Any, **kwargs: Any) -> Any:
    """Render `fn()` once per build and reuse it for every page (`fragment_cache('nav', fn)`)."""
    site = ctx.site
    if site is None:
        return fn() if callable(fn) else fn
    memo = site.__dict__.setdefault("_pyhexo_helper_memo", {})
    key = ("fragment_cache", str(id_))
    if key not in memo:
        memo[key] = fn() if callable(fn) else fn
    return memo[key]


def inspect(ctx, obj: Any = None, *args: Any, **kwargs: Any) -> str:
    """A readable dump of a value (Hexo uses Node's util.inspect; this is Python's pprint)."""
    opts = options(args, kwargs)
    depth = opts.get("depth")
    return pprint.pformat(obj, depth=int(depth) if truthy(depth) else None, width=100)


def log(ctx, *args: Any, **kwargs: Any) -> str:
    """Log the arguments (at INFO on the 'pyhexo.theme' logger) and print nothing."""
    log_.info(" ".join(str(a) for a in args))
    return ""


# Han (with radicals, extensions and compatibility ideographs), kana and bopomofo: written without
# spaces, so each character counts as one word. Korean separates words with spaces: Hangul is
# counted in words like Latin script.
_CJK = ("\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u32ff\u3300-\u33ff"
        "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9d\U00020000-\U0003134f")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A word: a run of letters/digits (not CJK), joined by apostrophes, hyphens or dots ("don't",
# "state-of-the-art", "3.14" count once). Punctuation and symbols alone are not words.
_WORD = re.compile(f"(?:(?![{_CJK}])[^\\W_])+(?:['’.\\-](?:(?![{_CJK}])[^\\W_])+)*")
_NOT_TEXT = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)


def word_count(ctx, content: Any = None, *args: Any, **kwargs: Any) -> int:
    """Words in `content` (HTML or text) for reading-time estimates: Latin-script (and other
    space-separated) words, plus one per CJK character, since Chinese and Japanese are not
    written with spaces. Tags, scripts, styles and comments are ignored; entities decoded."""
    if content is None:
        return 0
    if getattr(ctx, "site", None) is None:
        return _count_words(str(content))
    # Every list page showing a post counts its content again: once per build is enough.
    return site_memo(ctx, "word_count", content, lambda: _count_words(str(content)))


def _count_words(source: str) -> int:
    text = _html.unescape(_NOT_TEXT.sub(" ", source))
    if text.isascii():
        return _count_ascii_words(text)
    cjk = len(_CJK_CHAR.findall(text))
    if cjk:
        return cjk + len(_WORD.findall(text))
    # A word never spans whitespace, and without CJK characters a whitespace-separated token of
    # letters and digits only is exactly one word: only the other tokens need the regex (twice as
    # fast as running it over the whole text).
    words = 0
    for token in text.split():
        words += 1 if token.isalnum() else len(_WORD.findall(token))
    return words


# ASCII text as 'a' (letter or digit), 'j' (a joiner: ' . -) and ' ' (anything else).
_ASCII_CLASSES = str.maketrans({chr(c): "a" if chr(c).isalnum() else "j" if chr(c) in "'.-" else " "
                                for c in range(128)})


def _count_ascii_words(text: str) -> int:
    """len(_WORD.findall(text)) for ASCII text, without the regex (several times faster).

    A word is a run of letters and digits, continued by a single joiner and another run. So
    words are counted by where they start: a run at the start or after a space, or after a
    joiner that does not itself follow a run.
    """
    t = text.translate(_ASCII_CLASSES)
    return (t.count(" a") + t.count(" ja") + t.count("jja")
            + t.startswith("a") + t.startswith("ja"))


HELPERS = {"search_form": search_form, "fragment_cache": fragment_cache, "inspect": inspect,
           "log": log, "word_count": word_count}
