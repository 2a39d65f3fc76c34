"""The Nunjucks-syntax scanner for post sources: `{% tag %}`, `{% tag %}…{% endtag %}`,
`{% raw %}…{% endraw %}`, `{{ expr }}` and `{# comment #}`.

We scan ourselves instead of handing posts to Jinja (STYLE §3.4): Hexo splits tag arguments on
whitespace with quotes respected, keeps whitespace in block bodies, and we want exact source offsets
for error lines. The scanner only finds nodes; rendering them is `engine.tags.render`.

Inline code spans (`` `{{ x }}` ``) and HTML comments are skipped: Hexo protects both from Nunjucks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Node", "ScanError", "scan", "split_args", "VERBATIM_TAGS"]

# Block tags whose body is code: taken literally, never scanned for nested tags or expressions.
VERBATIM_TAGS = frozenset({"codeblock", "code"})
# Nunjucks' own "do not render" blocks.
_RAW_TAGS = frozenset({"raw", "verbatim"})


class ScanError(Exception):
    """A syntax problem at `offset` in the scanned text."""

    def __init__(self, message: str, offset: int, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass
class Node:
    """One `{% %}`, `{{ }}` or `{# #}` construct; offsets index the scanned text."""

    kind: str                      # 'tag' | 'block' | 'raw' | 'expr' | 'comment'
    start: int                     # first char of the opening `{`
    end: int                       # one past the closing `}` (of the end tag for blocks)
    name: str = ""
    args: str = ""                 # raw argument text (tags) or expression (expr)
    body: str | None = None        # block / raw body, exactly as written
    body_start: int = 0
    children: list["Node"] = field(default_factory=list)
    trim_before: bool = False      # `{%-` / `{{-`: strip whitespace before the node
    trim_after: bool = False       # `-%}` / `-}}`: strip whitespace after the node


_START = re.compile(r"\{[{%#]|`+|<!--")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _find_close(text: str, pos: int, close: str, what: str, start: int) -> int:
    idx = text.find(close, pos)
    if idx < 0:
        raise ScanError(f"unclosed {what}: missing '{close}'", start,
                        hint="use {% raw %}…{% endraw %} to show it literally")
    return idx


def _tag_parts(inner: str) -> tuple[str, str, bool, bool]:
    """'- name args -' → (name, args, trim_before, trim_after)."""
    trim_before = inner.startswith("-")
    trim_after = inner.endswith("-")
    core = inner[1 if trim_before else 0: len(inner) - (1 if trim_after else 0)].strip()
    parts = core.split(None, 1)
    name = parts[0] if parts else ""
    args = parts[1] if len(parts) > 1 else ""
    return name, args.strip(), trim_before, trim_after


def scan(text: str, is_block: Callable[[str], bool | None]) -> list[Node]:
    """All top-level nodes of `text`.

    `is_block(name)` says what a tag name is: True for a block tag (`ends=True`), False for a
    single tag, None for an unknown name (a ScanError, as Nunjucks would fail the render)."""
    nodes, _ = _scan(text, 0, None, is_block)
    return nodes


def _scan(text: str, pos: int, end_name: str | None, is_block) -> tuple[list[Node], tuple[int, int]]:
    """Scan from `pos`; with `end_name`, stop at `{% end_name %}` and return its (start, end)."""
    nodes: list[Node] = []
    n = len(text)
    i = pos
    while True:
        m = _START.search(text, i)
        if not m:
            if end_name is not None:
                raise _Unclosed(end_name)
            return nodes, (n, n)
        tok = m.group(0)
        s = m.start()
        if tok[0] == "`":
            i = _skip_code_span(text, s, len(tok))
            continue
        if tok == "<!--":
            close = text.find("-->", m.end())
            i = n if close < 0 else close + 3
            continue
        if tok == "{#":
            close = _find_close(text, m.end(), "#}", "comment '{#'", s)
            inner = text[m.end():close]
            nodes.append(Node("comment", s, close + 2, trim_before=inner.startswith("-"),
                              trim_after=inner.endswith("-")))
            i = close + 2
            continue
        if tok == "{{":
            close = _find_close(text, m.end(), "}}", "expression '{{'", s)
            inner = text[m.end():close]
            tb, ta = inner.startswith("-"), inner.endswith("-")
            expr = inner[1 if tb else 0: len(inner) - (1 if ta else 0)].strip()
            nodes.append(Node("expr", s, close + 2, args=expr, trim_before=tb, trim_after=ta))
            i = close + 2
            continue
        # '{%'
        close = _find_close(text, m.end(), "%}", "tag '{%'", s)
        name, args, tb, ta = _tag_parts(text[m.end():close])
        after = close + 2
        if not name:
            raise ScanError("empty tag '{% %}'", s)
        if end_name is not None and name == end_name:
            return nodes, (s, after)
        if name in _RAW_TAGS:
            end_re = re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}")
            em = end_re.search(text, after)
            if not em:
                raise ScanError(f"'{{% {name} %}}' is not closed (missing '{{% end{name} %}}')", s)
            nodes.append(Node("raw", s, em.end(), name=name, body=text[after:em.start()],
                              body_start=after, trim_before=tb,
                              trim_after=em.group(0).endswith("-%}")))
            i = em.end()
            continue
        if name.startswith("end") and len(name) > 3:
            raise ScanError(f"unexpected '{{% {name} %}}' without an opening '{{% {name[3:]} %}}'", s)
        kind = is_block(name)
        if kind is None:
            raise ScanError(f"unknown tag '{name}'", s,
                            hint="not a built-in or plugin tag; wrap literal text in "
                                 "{% raw %}…{% endraw %} or set disableNunjucks: true")
        if not kind:
            nodes.append(Node("tag", s, after, name=name, args=args, trim_before=tb, trim_after=ta))
            i = after
            continue
        if name in VERBATIM_TAGS:
            end_s, end_e = _find_verbatim_end(text, after, name, s)
            children: list[Node] = []
        else:
            try:
                children, (end_s, end_e) = _scan(text, after, "end" + name, is_block)
            except _Unclosed as exc:
                if exc.name != "end" + name:
                    raise
                raise ScanError(f"'{{% {name} %}}' is not closed (missing '{{% end{name} %}}')", s)
        end_inner = text[end_s + 2:end_e - 2]
        nodes.append(Node("block", s, end_e, name=name, args=args, body=text[after:end_s],
                          body_start=after, children=children, trim_before=tb,
                          trim_after=end_inner.endswith("-")))
        i = end_e


class _Unclosed(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _find_verbatim_end(text: str, pos: int, name: str, start: int) -> tuple[int, int]:
    """Matching `{% endname %}` of a code block, counting nested `{% name %}` of the same name."""
    pat = re.compile(r"\{%-?\s*(end)?" + re.escape(name) + r"(?:\s[^%]*)?-?%\}")
    depth = 1
    for m in pat.finditer(text, pos):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.start(), m.end()
    raise ScanError(f"'{{% {name} %}}' is not closed (missing '{{% end{name} %}}')", start)


def _skip_code_span(text: str, s: int, run: int) -> int:
    """Position after an inline code span opened by `run` backticks at `s`; if there is no closer
    of the same length in the same paragraph, the backticks are literal text."""
    j = s + run
    limit_m = _BLANK_LINE.search(text, j)
    limit = limit_m.start() if limit_m else len(text)
    ticks = re.compile(r"`+")
    for m in ticks.finditer(text, j, limit):
        if len(m.group(0)) == run:
            return m.end()
    return j


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def split_args(src: str) -> list[str]:
    """Hexo's tag argument rules: split on whitespace; `"a b"` and `'a b'` group and lose their
    quotes; quoted pieces glue to adjacent text (`a"b c"` → `ab c`); inside quotes a backslash
    escapes the next character (`\\"`, `\\n`)."""
    args: list[str] = []
    buf: list[str] = []
    have = False          # an (possibly empty) quoted argument counts as an argument
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            if buf or have:
                args.append("".join(buf))
                buf, have = [], False
            i += 1
            continue
        if c in "\"'":
            q = c
            i += 1
            have = True
            while i < n and src[i] != q:
                if src[i] == "\\" and i + 1 < n:
                    buf.append(_ESCAPES.get(src[i + 1], src[i + 1]))
                    i += 2
                    continue
                buf.append(src[i])
                i += 1
            i += 1          # closing quote (or end of text: an unterminated quote runs to the end)
            continue
        buf.append(c)
        i += 1
    if buf or have:
        args.append("".join(buf))
    return args
