"""A fast path through mistune's emphasis pass for the common case: separate, unnested pairs.

mistune resolves `*`/`_` after scanning with CommonMark's delimiter algorithm: it splits every
text token into parts, computes each delimiter run's flanking, and matches closers to openers.
When every delimiter run of a token list can only open or only close, and they come as
opener/closer pairs of the same marker and the same length (1 or 2) one after another, that
algorithm simply pairs each opener with the next closer; `pair_emphasis` builds that result
directly.  Any other arrangement (nesting, `***`, a run that can both open and close, odd counts)
returns None and the caller runs mistune's pass.

Flanking is decided by mistune's own functions, on the same text view of the tokens mistune
uses (other tokens count as one punctuation character, line breaks as a newline).
"""

from __future__ import annotations

import re
from typing import Any

try:    # mistune's flanking rules (mistune >= 3.1); without them only mistune's pass runs
    from mistune._inline.emphasis import _can_close_emphasis, _can_open_emphasis
except ImportError:  # pragma: no cover - depends on the installed mistune
    _can_open_emphasis = _can_close_emphasis = None

Token = dict[str, Any]

AVAILABLE = _can_open_emphasis is not None
_RUN = re.compile(r"\*+|_+")
_BREAKS = frozenset({"softbreak", "linebreak"})


def _source(tokens: list[Token]) -> str:
    """The text mistune's emphasis pass looks at: other tokens stand in as one character."""
    return "".join(tok["raw"] if tok["type"] == "text" else "\n" if tok["type"] in _BREAKS
                   else "\ufffc" for tok in tokens)


def _delimiters(tokens: list[Token]) -> list[tuple[int, int, int, bool]] | None:
    """(token index, start, end, opens) of every delimiter run, if they pair up simply."""
    source = _source(tokens)
    found: list[tuple[int, int, int, bool]] = []
    offset = 0
    for i, tok in enumerate(tokens):
        if tok["type"] != "text":
            offset += 1
            continue
        raw = tok["raw"]
        for m in _RUN.finditer(raw):
            start, end = m.span()
            size = end - start
            marker = raw[start]
            opens = _can_open_emphasis(source, offset + start, size, marker)  # type: ignore[misc]
            closes = _can_close_emphasis(source, offset + start, size, marker)  # type: ignore[misc]
            if opens and closes or size > 2:
                return None              # ambiguous run, or `***`: the full algorithm decides
            if not (opens or closes):
                continue                 # plain text
            if opens != (len(found) % 2 == 0):
                return None              # not opener, closer, opener, closer…
            if not opens:
                op_i, op_start, op_end, _ = found[-1]
                if op_end - op_start != size or tokens[op_i]["raw"][op_start] != marker:
                    return None
            found.append((i, start, end, opens))
        offset += len(raw)
    return found if len(found) % 2 == 0 else None


def pair_emphasis(tokens: list[Token]) -> list[Token] | None:
    """mistune's emphasis result for `tokens` (no two text tokens in a row), or None."""
    found = _delimiters(tokens)
    if found is None:
        return None
    out: list[Token] = []
    children: list[Token] | None = None       # inside a pair
    k = 0
    for i, tok in enumerate(tokens):
        if tok["type"] != "text":
            (out if children is None else children).append(tok)
            continue
        raw = tok["raw"]
        pos = 0
        while k < len(found) and found[k][0] == i:
            _, start, end, opens = found[k]
            target = out if children is None else children
            if start > pos:
                target.append({"type": "text", "raw": raw[pos:start]})
            if opens:
                children = []
            else:
                assert children is not None
                out.append({"type": "strong" if end - start == 2 else "emphasis", "children": children})
                children = None
            pos = end
            k += 1
        if pos < len(raw):
            (out if children is None else children).append({"type": "text", "raw": raw[pos:]})
    return out
