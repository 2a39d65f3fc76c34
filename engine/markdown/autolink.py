"""GFM bare URLs (`https://…`, `www.…`), as marked finds them in text."""

from __future__ import annotations

import re
from typing import Any

# marked's GFM url rule, simplified: the domain group in marked is immediately followed by
# [^\s<]*, so the whole match always runs to the next whitespace or '<'.
GFM_URL_START = r"(?i:https?://|ftp://|www\.)"
GFM_URL_PATTERN = GFM_URL_START + r"[a-zA-Z0-9\-][^\s<]*"
# marked's "backpedal": drop trailing punctuation that is probably not part of the URL.
_BACKPEDAL = re.compile(r"""(?:[^?!.,:;*_'"~()&]+|\([^)]*\)|&(?![a-zA-Z0-9]+;\Z)|[?!.,:;*_'"~)]+(?!\Z))+""")


def backpedal_url(url: str) -> str:
    while True:
        m = _BACKPEDAL.match(url)
        trimmed = m.group(0) if m else url
        if trimmed == url:
            return url
        url = trimmed


def autolink_token(url: str) -> dict[str, Any]:
    """The token of a bare URL (its text is the URL as written; `www.` gets http://)."""
    href = "http://" + url if url[:4].lower() == "www." else url
    return {"type": "autolink", "raw": url, "attrs": {"url": href}, "_autolink": url}
