"""A fast path for Markdown lists whose items are cleanly separated.

For every item mistune builds a marker object, compiles (through `re`'s cache) an item pattern and
a break pattern, re-reads each following line through several helpers, and then block-parses the
item's text in a child state.  `parse_simple_list` splits the items of the common kind of list
itself and keeps mistune's block parser for what is inside each item (a one-line paragraph is
recognised directly, exactly as mistune's parse loop would see it).

The list qualifies when every item line is `marker`, 1-4 spaces, then text; every following line
is either the next item of the same kind or indented for the current item (a continuation, e.g. a
nested list); there are no tabs in the indentation; and the list ends at the end of the text, or
at blank lines followed by a line that neither continues the last item nor starts another (the
list then ends there, as in mistune, which also keeps the blank lines inside the last item).
Anything else — loose lists, lazy continuation lines, a block that interrupts the list — returns
None and mistune parses the list.

`tests/unit/test_markdown_fast_inline.py` compares both paths on random Markdown.
"""

from __future__ import annotations

import re
from typing import Any, Match, Pattern

from mistune.core import BlockState
from mistune.util import strip_end

Token = dict[str, Any]

_ITEM_TEXT = re.compile(r"( {1,4})(\S.*)")            # after the marker: spaces, then text
_BULLETS = {".": r"\d{1,9}\.", ")": r"\d{1,9}\)", "*": r"\*", "+": r"\+", "-": "-"}
# mistune's list item pattern for the items after the first (indent bound per item geometry)
_NEXT_ITEM = {
    (bullet, indent): re.compile(r"( {0,%d})(%s)([ \t]*|[ \t][^\n]+)$" % (indent, pattern))
    for bullet, pattern in _BULLETS.items() for indent in range(4)
}
_BLANK = re.compile(r"[ \t\v\f]*\n")


class _Item:
    """One item being collected: its geometry, first line and continuation lines."""

    __slots__ = ("lead", "cont", "bullet", "text", "lines")

    def __init__(self, spaces: str, marker: str, m: Match[str]) -> None:
        self.lead = len(spaces) + len(marker)     # mistune's leading width
        self.cont = self.lead + len(m.group(1))  # continuation lines are indented this far
        self.bullet = marker[-1]
        self.text = m.group(2) + "\n"
        self.lines: list[str] = []


def parse_simple_list(block: Any, m: Match[str], state: BlockState) -> int | None:
    """Tokens for the list matched by `m` (mistune's `list` rule), or None to let mistune do it."""
    first = _item_or_none(m.group("list_1"), m.group("list_2"), m.group("list_3"))
    depth = state.depth()
    if first is None or state.lazy_line_starts or depth >= block.max_nested_level - 2:
        return None
    ordered = len(m.group("list_2")) > 1
    start = int(m.group("list_2")[:-1]) if ordered else 1
    if start != 1 and _last_is_paragraph(state):
        return None          # such a list cannot interrupt a paragraph: mistune's rules apply
    collected = _collect(block, state, m.end() + 1, first)
    if collected is None:
        return None
    items, cursor, after_blank = collected
    rules = block.list_rules
    sc = block.compile_sc(rules)
    children = [{"type": "list_item", "children": _item_tokens(block, state, item, rules, sc)}
                for item in items[:-1]]
    tok_index = len(state.tokens)
    state.cursor = cursor
    if after_blank:
        cursor = _block_after(block, state, items[-1]) or cursor
    children.append({"type": "list_item", "children": _item_tokens(block, state, items[-1], rules, sc)})
    attrs: dict[str, Any] = {"depth": depth, "ordered": ordered}
    if start != 1:
        attrs["start"] = start
    token = {"type": "list", "children": children, "tight": not any(_loose(c) for c in children),
             "bullet": first.bullet, "attrs": attrs}
    _tighten(token)
    state.tokens.insert(tok_index, token)   # before a block parsed by `_block_after`
    state.cursor = cursor
    return cursor


def _item_or_none(spaces: str, marker: str, text: str) -> _Item | None:
    m = _ITEM_TEXT.fullmatch(text)
    if m is None or "\t" in spaces:
        return None          # an empty item, indented code in the item, or tabs
    return _Item(spaces, marker, m)


def _last_is_paragraph(state: BlockState) -> bool:
    return bool(state.tokens) and state.tokens[-1]["type"] == "paragraph"


def _collect(block: Any, state: BlockState, pos: int,
             item: _Item) -> tuple[list[_Item], int, bool] | None:
    """Split the lines from `pos` into items: (items, where the list ends, whether blank lines
    end it).  None when some line does not fit the simple shape."""
    src = state.src
    end = state.cursor_max
    thematic = block.compile_sc(["thematic_break"])
    items = [item]
    while pos < end:
        nl = src.find("\n", pos)
        line_end = end if nl < 0 else nl + 1
        line = src[pos:line_end]
        if _BLANK.match(line):
            after = _skip_blank(src, line_end, end)
            if after < end and _continues(src, after, end, item):
                return None  # a loose list, or a paragraph after a blank line in the item
            return items, after, True
        indent = len(line) - len(line.lstrip(" "))
        if line[indent:indent + 1] == "\t":
            return None      # tab stops in the indentation: mistune's own column arithmetic
        if indent >= item.cont:
            item.lines.append(line[item.cont:])
        else:
            nxt = _NEXT_ITEM[item.bullet, min(item.lead, 3)].match(line)
            if nxt is None or thematic.match(src, pos):
                return None  # a lazy line, or a block that interrupts the list
            item = _item_or_none(nxt.group(1), nxt.group(2), nxt.group(3))  # type: ignore[assignment]
            if item is None:
                return None
            items.append(item)
        pos = line_end
    return items, pos, False


def _skip_blank(src: str, pos: int, end: int) -> int:
    while pos < end:
        m = _BLANK.match(src, pos)
        if m is None:
            break
        pos = m.end()
    return pos


def _continues(src: str, pos: int, end: int, item: _Item) -> bool:
    """Does the line at `pos`, after blank lines, still belong to the list (or need mistune)?"""
    nl = src.find("\n", pos)
    line = src[pos:end if nl < 0 else nl + 1]
    indent = len(line) - len(line.lstrip(" "))
    return (indent >= item.cont or line[indent:indent + 1] == "\t"
            or _NEXT_ITEM[item.bullet, min(item.lead, 3)].match(line) is not None)


def _block_after(block: Any, state: BlockState, last: _Item) -> int | None:
    """The block after the list's closing blank lines, parsed as mistune does it: from inside the
    list, with the list's break rules (the list token then goes before it).  Its end, or None
    when no break rule parses it (the list just ends there)."""
    if state.cursor >= state.cursor_max:
        return None
    m = block.list_break_sc(last.lead).match(state.src, state.cursor)
    if m is None or m.lastgroup == "list":
        return None
    return block.parse_method(m, state)


def _item_tokens(block: Any, state: BlockState, item: _Item, rules: list[str],
                 sc: Pattern[str]) -> list[Token]:
    """Block tokens of one item's text, as mistune's child-state parse gives them (`sc` is
    the block rules' pattern the parse would use)."""
    text = strip_end(item.text + "".join(item.lines)) if item.lines else strip_end(item.text)
    if _no_block_starts(text, sc):
        # the item text starts with a non-space character and no block rule matches at any of
        # its lines: mistune's parse loop collects all of it as one paragraph
        return [{"type": "paragraph", "text": text}]
    child = state.child_state(text)
    block.parse(child, rules)
    return child.tokens


def _no_block_starts(text: str, sc: Pattern[str]) -> bool:
    if sc.match(text):
        return False
    nl = text.find("\n")
    while 0 <= nl < len(text) - 1:
        if sc.match(text, nl + 1):
            return False
        nl = text.find("\n", nl + 1)
    return True


def _loose(item: Token) -> bool:
    """A blank line, or more than one paragraph, inside the item makes the list loose."""
    paragraphs = 0
    for tok in item["children"]:
        if tok["type"] == "blank_line":
            return True
        if tok["type"] == "paragraph":
            paragraphs += 1
    return paragraphs > 1


def _tighten(token: Token) -> None:
    """In a tight list, item paragraphs render without <p> (mistune's `block_text`)."""
    if not token["tight"]:
        return
    for item in token["children"]:
        for tok in item["children"]:
            if tok["type"] == "paragraph":
                tok["type"] = "block_text"
            elif tok["type"] == "list":
                _tighten(tok)
