"""Turning scanned nodes into HTML, and the placeholder round trip around Markdown.

`TagPass` is created per document (all state is local, so documents can render in parallel):

    tp = TagPass(ctx, locate)          # locate(offset) -> file line, for error messages
    text = tp.extract(body)            # each top-level node -> '<!--\\uFFFCt0-->'
    html = markdown(text)
    html = tp.restore(html)            # placeholders -> rendered tag output (trusted HTML)

A placeholder is an HTML comment, so Markdown keeps it verbatim and, when it stands alone on a line,
treats it as an HTML block: a block tag's output is not wrapped in `<p>` (as in Hexo).
"""
from __future__ import annotations

import re
from typing import Callable

from engine.errors import EngineError, SourceError, source_context
from engine.tags.context import TagContext
from engine.tags.expr import ExpressionError, evaluate
from engine.tags.scanner import Node, ScanError, scan, split_args

__all__ = ["TagPass", "PLACEHOLDER_CHAR", "placeholder", "PLACEHOLDER_RE"]

PLACEHOLDER_CHAR = "\ufffc"
# The Markdown renderer may have escaped a placeholder that ended up inside code (`&lt;!--…--&gt;`).
PLACEHOLDER_RE = re.compile(r"(?:<|&lt;)!--\ufffc([a-z])(\d+)--(?:>|&gt;)")


def placeholder(kind: str, index: int) -> str:
    return f"<!--{PLACEHOLDER_CHAR}{kind}{index}-->"


class TagPass:
    """Extract, render and restore the tags of one document."""

    def __init__(self, ctx: TagContext, locate: Callable[[int], int] | None = None,
                 source_text: str | None = None):
        self.ctx = ctx
        self.locate = locate or (lambda offset: 0)
        self.source_text = source_text     # the file text, for error context lines
        self.outputs: list[str] = []
        self._registry = ctx.engine.extend.tags

    # ---- public ------------------------------------------------------------------------

    def extract(self, text: str) -> str:
        """`text` with every top-level node replaced by a placeholder; nodes are rendered now
        (tag output does not depend on the Markdown around it) and kept for `restore`."""
        nodes = self._scan(text)
        rendered = [self._render_node(text, n) for n in nodes]
        holders = []
        for node, out in zip(nodes, rendered):
            if node.kind == "comment":
                holders.append("")
            else:
                self.outputs.append(out)
                holders.append(placeholder("t", len(self.outputs) - 1))
        return _substitute(text, 0, len(text), nodes, holders)

    def restore(self, html: str) -> str:
        outputs = self.outputs
        if not outputs:
            return html

        def sub(m: re.Match) -> str:
            if m.group(1) != "t":
                return m.group(0)
            i = int(m.group(2))
            return outputs[i] if i < len(outputs) else m.group(0)

        return PLACEHOLDER_RE.sub(sub, html)

    def render_text(self, text: str) -> str:
        """Tags only, no Markdown (`.html` pages, `render(…, markdown=False)`)."""
        nodes = self._scan(text)
        rendered = [self._render_node(text, n) for n in nodes]
        return _substitute(text, 0, len(text), nodes, rendered)

    # ---- internals -------------------------------------------------------------------------

    def _is_block(self, name: str) -> bool | None:
        spec = self._registry.get(name)
        return None if spec is None else bool(spec.ends)

    def _scan(self, text: str) -> list[Node]:
        try:
            return scan(text, self._is_block)
        except ScanError as exc:
            raise self._error(exc.message, exc.offset, hint=exc.hint) from None

    def _render_node(self, text: str, node: Node) -> str:
        if node.kind == "comment":
            return ""
        if node.kind == "raw":
            return node.body or ""
        if node.kind == "expr":
            try:
                return evaluate(node.args)
            except ExpressionError as exc:
                raise self._error(str(exc), node.start) from None
        spec = self._registry.get(node.name)
        if spec is None:   # unregistered between scan and render: treat like the scan would
            raise self._error(f"unknown tag '{node.name}'", node.start)
        content: str | None = None
        if node.kind == "block":
            body_end = node.body_start + len(node.body or "")
            if node.children:
                inner = [self._render_node(text, c) for c in node.children]
                content = _substitute(text, node.body_start, body_end, node.children, inner)
            else:
                content = node.body or ""
            # The newline after `{% tag %}` and before `{% endtag %}` belongs to the markup.
            if content.startswith("\n"):
                content = content[1:]
            if content.endswith("\n"):
                content = content[:-1]
        args = split_args(node.args)
        self.ctx.line = self.locate(node.start)
        try:
            out = spec.fn(self.ctx, args, content)
        except EngineError as exc:
            if exc.path is None:
                exc.path = self.ctx.path
            if exc.line is None:
                exc.line = self.ctx.line
                if exc.context is None:
                    exc.context = self._context(exc.line)
            raise
        except Exception as exc:
            raise self._error(f"tag '{node.name}' failed: {type(exc).__name__}: {exc}",
                              node.start) from exc
        return "" if out is None else str(out)

    def _context(self, line: int | None) -> str | None:
        if not line or self.source_text is None:
            return None
        return source_context(self.source_text, line)

    def _error(self, message: str, offset: int, hint: str | None = None) -> SourceError:
        line = self.locate(offset) or None
        return SourceError(message, path=self.ctx.path, line=line, hint=hint,
                           context=self._context(line))


def _substitute(text: str, start: int, end: int, nodes: list[Node], outs: list[str]) -> str:
    """text[start:end] with each node's span replaced by its output, honouring `{%-`/`-%}`."""
    parts: list[str] = []
    pos = start
    strip_next = False
    for node, out in zip(nodes, outs):
        seg = text[pos:node.start]
        if strip_next:
            seg = seg.lstrip()
        if node.trim_before:
            seg = seg.rstrip()
        parts.append(seg)
        parts.append(out)
        pos = node.end
        strip_next = node.trim_after
    tail = text[pos:end]
    parts.append(tail.lstrip() if strip_next else tail)
    return "".join(parts)
