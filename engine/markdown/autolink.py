"""GFM bare URLs (`https://…`, `www.…`), as marked finds them in text."""

from __future__ import annotations

import re
from typing import Any

# marked's GFM url rule, simplified: the domain group in marked is immediately followed by
# [^\s<]*, so the whole match always runs to the next whitespace or '<'.
GFM_URL_PATTERN = r"(?i:(?:https?://|ftp://|www\.))[a-zA-Z0-9\-][^\s<]*"
# Where a bare URL can start: exactly `(?i:https?://|ftp://|www\.)`, written so that the regex
# engine can skip ahead to the first letter (3-5x faster than the case-insensitive alternation).
# Only the letters after the first are matched case-insensitively, as the 's' of `https` also
# matches 'ſ' (U+017F) under IGNORECASE.
GFM_URL_START = r"[hHfFwW](?:(?<=[hH])(?i:ttps?://)|(?<=[fF])(?i:tp://)|(?<=[wW])(?i:ww\.))"
# marked's "backpedal": drop trailing punctuation that is probably not part of the URL.
_BACKPEDAL = re.compile(r"""(?:[^?!.,:;*_'"~()&]+|\([^)]*\)|&(?![a-zA-Z0-9]+;\Z)|[?!.,:;*_'"~)]+(?!\Z))+""")


def backpedal_url(url: str) -> str:
    while True:
        m = _BACKPEDAL.match(url)
        trimmed = m.group(0) if m else url
        if trimmed == url:
            return url
        url = trimmed


def autolink_token(url: str, *, literal: bool = True) -> dict[str, Any]:
    """The token of a bare URL (its text is the URL as written; `www.` gets http://).

    `literal` adds the `_autolink` key mistune uses to turn the link back into text inside a
    link label; mistune drops the key when the paragraph's tokens are finalised."""
    href = "http://" + url if url[:4].lower() == "www." else url
    tok = {"type": "autolink", "raw": url, "attrs": {"url": href}}
    if literal:
        tok["_autolink"] = url
    return tok
