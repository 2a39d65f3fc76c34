"""`meta_generator`: add `<meta name="generator" content="pyhexo X.Y.Z">` before `</head>`."""
from __future__ import annotations

import re
from typing import Any

from engine import __version__

_HEAD_END = re.compile(r"</head>", re.IGNORECASE)
_HAS_GENERATOR = re.compile(r"<meta\s[^>]*name=[\"']?generator", re.IGNORECASE)

GENERATOR_TAG = f'<meta name="generator" content="pyhexo {__version__}">'


def meta_generator_filter(html: str, route=None, engine=None, **_: Any) -> str | None:
    if engine is None or engine.config.raw.get("meta_generator") is False:
        return None
    m = _HEAD_END.search(html)
    if not m:
        return None
    end = m.start()
    # The usual spelling (the meta_generator() helper's) is a match: no regex needed.
    if html.find('<meta name="generator"', 0, end) >= 0 or _HAS_GENERATOR.search(html, 0, end):
        return None
    return html[:end] + GENERATOR_TAG + html[end:]
