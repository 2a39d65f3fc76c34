"""String helpers: strip_html, truncate, word_wrap, escape_html, titlecase, trim, number_format.

The primitives live in engine.text (hexo-util ports); this module adds Hexo's calling conventions.
Hexo passes these helpers' second argument straight to hexo-util as an *options object*, so a bare
number there is ignored: `word_wrap('Once upon a time', 8)` returns the text unchanged in Hexo 8
(oracle `site_helpers.word_wrap`), and `truncate(s, 17)` truncates at the default 30. Only a dict or
keyword arguments (`truncate(s, length=17)`) set options, here too.
"""
from __future__ import annotations

import re
from typing import Any

from engine import text as _text
from engine.helpers._util import js_number, options, or_default, truthy


def _s(value: Any) -> str:
    """None and Jinja's Undefined read as ''; Markup becomes a plain str (its methods escape)."""
    if value is None or type(value).__name__.endswith("Undefined"):
        return ""
    return str(value)


def strip_html(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    return _text.strip_html(_s(value))


def escape_html(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    return _text.escape_html(_s(value))


def trim(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    return _s(value).strip()


def truncate(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    """Cut to `length` (default 30) characters including `omission` ('...'), optionally at a
    `separator`."""
    opts = options(args, kwargs)
    length = int(or_default(opts.get("length"), 30))
    omission = opts.get("omission")
    omission = "..." if omission is None else str(omission)
    separator = opts.get("separator")
    separator = separator if truthy(separator) else None
    text = _s(value)
    if length <= 0:
        cut = -1
    elif separator is None:
        cut = length + 1
    elif isinstance(separator, str) and len(separator) == 1:
        # The words cut off are never looked at: stop at the first separator after `length`
        # (themes truncate whole post texts to a 200-character summary).
        cut = text.find(separator, length + 1)
    else:
        cut = -1
    if cut >= 0:
        text = text[:cut]
    return _text.truncate(text, length=length, omission=omission, separator=separator)


def word_wrap(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    """Wrap at `width` (default 80) characters with newlines."""
    opts = options(args, kwargs)
    return _text.word_wrap(_s(value), width=int(or_default(opts.get("width"), 80)))


# --- titlecase: David Gouch's "To Title Case" rules, as the npm `titlecase` package Hexo uses.
_SMALL = re.compile(r"^(a|an|and|as|at|but|by|en|for|if|in|nor|of|on|or|per|the|to|vs?\.?|via)$",
                    re.I)
_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u00FF]+[^\s-]*")
_INNER_CAP = re.compile(r"[A-Z]|\..")


def titlecase(ctx, value: Any = "", *args: Any, **kwargs: Any) -> str:
    """Capitalise words except small words (a, of, the…) inside the title; words that already have
    inner capitals or dots (iPhone, example.com) are kept."""
    title = _s(value)
    if not title:
        return title

    def fix(m: re.Match) -> str:
        word, i = m.group(0), m.start()
        end = i + len(word)
        before = title[i - 1] if i > 0 else ""
        after = title[end] if end < len(title) else ""
        two_before = title[i - 2] if i > 1 else ""
        if (i > 0 and end != len(title) and _SMALL.search(word) and two_before != ":"
                and (after != "-" or before == "-") and not re.match(r"[^\s-]", before)):
            return word.lower()
        if _INNER_CAP.search(word[1:]):
            return word
        return word[0].upper() + word[1:]

    return _WORD.sub(fix, title)


def number_format(ctx, num: Any, *args: Any, **kwargs: Any) -> str:
    """12345.678 → '12,345.678'; options delimiter, separator, precision (Hexo's rounding: only the
    last kept digit is bumped, without carrying)."""
    opts = options(args, kwargs)
    text = js_number(num) if isinstance(num, (int, float)) else str(num)
    before, _, after = text.partition(".")
    delimiter = str(or_default(opts.get("delimiter"), ","))
    separator = str(or_default(opts.get("separator"), "."))
    precision = opts.get("precision")

    first = len(before) % 3
    groups = ([before[:first]] if first else []) + [before[i:i + 3] for i in range(first, len(before), 3)]
    before = delimiter.join(groups)

    if truthy(precision):
        precision = int(precision)
        if len(after) > precision:
            last = int(after[precision - 1])
            after = after[:precision - 1] + str(last if int(after[precision]) < 5 else last + 1)
        else:
            after = after + "0" * (precision - len(after))
    elif precision == 0:
        after = ""
    return before + (separator + after if after else "")


HELPERS = {
    "strip_html": strip_html, "escape_html": escape_html, "trim": trim, "truncate": truncate,
    "word_wrap": word_wrap, "titlecase": titlecase, "number_format": number_format,
}
