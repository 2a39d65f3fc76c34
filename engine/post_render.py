"""The per-document render pipeline, in Hexo's order (STYLE §3.4):

1. `before_post_render` filters on the Document; the built-in one (`backtick_code_block`, registered
   by `register_builtin_filters`) turns fenced code into highlighted HTML wrapped in
   `<hexoPostRenderCodeBlock>` (the marker Hexo plugins also use).
2. Code is protected: each wrapped block becomes a placeholder comment.
3. Tags (`{% %}`, `{{ }}`, `{# #}`) are rendered and replaced by placeholders, unless the document
   sets `disableNunjucks`. Inline code spans and HTML comments are skipped by the scanner.
4. Markdown (`engine.markdown.render`), skipped for `.html` pages (`doc.render_markdown`).
5. Tag output, then code, is put back; it is trusted HTML.
6. Excerpt split at `<!-- more -->` (SPEC §8), then `after_post_render` filters.

Everything per document lives in local variables, and `doc.body` is restored after the filters ran,
so rendering is repeatable and safe to run in worker processes.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from engine.errors import SourceError
from engine.highlight import HighlightOptions, escape_braces
from engine.tags import TagContext, TagPass
from engine.tags.code import caption_html, parse_code_args, render_code
from engine.tags.render import PLACEHOLDER_CHAR, PLACEHOLDER_RE

__all__ = ["render_document", "render_string", "register_builtin_filters", "backtick_code_block",
           "split_excerpt", "highlight_fences"]

_CODE_WRAP = re.compile(r"<hexoPostRenderCodeBlock>([\s\S]*?)</hexoPostRenderCodeBlock>")
_INLINE_CODE = re.compile(r"<code(?:\s[^>]*)?>[\s\S]*?</code>")
_EXCERPT = re.compile(r"<!-- ?more ?-->", re.I)
_ENDS_WITH_PLACEHOLDER = re.compile(r"(?:^|\n)[ \t]*<!--\ufffc[a-z]\d+-->\Z")


# --------------------------------------------------------------------------------------------
# Fenced code (Hexo's backtick_code_block filter)
# --------------------------------------------------------------------------------------------

# An opening fence, possibly inside block quotes (`> `) and/or after a list marker, as Hexo allows.
_FENCE_OPEN = re.compile(
    r"^(?P<prefix>(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def _options_for(engine: Any) -> HighlightOptions:
    cfg = getattr(getattr(engine, "config", None), "raw", None) or {}
    return HighlightOptions.from_config(cfg)


def highlight_fences(text: str, options: HighlightOptions) -> str:
    """Replace every closed fenced code block by `prefix<hexoPostRenderCodeBlock>HTML…</…>`.

    The wrapper keeps the block's newline count (padding newlines before the closing marker), so
    file line numbers of tags after it stay right; the protect step drops the padding again."""
    if "```" not in text and "~~~" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        m = _FENCE_OPEN.match(line)
        if not m or (m.group("fence")[0] == "`" and "`" in m.group("info")):
            out.append(line)
            i += 1
            continue
        fence = m.group("fence")
        prefix = m.group("prefix")
        depth = prefix.count(">")
        close_re = re.compile(r"^(?:[ \t]*>){0,%d}[ \t]*%s%s*[ \t]*$"
                              % (depth, re.escape(fence), re.escape(fence[0])))
        j = i + 1
        while j < n and not close_re.match(lines[j]):
            j += 1
        if j >= n:                      # never closed: leave it to the Markdown renderer
            out.append(line)
            i += 1
            continue
        body = lines[i + 1:j]
        if depth:
            strip_q = re.compile(r"^(?:[ \t]*>){0,%d}[ \t]?" % depth)
            body = [strip_q.sub("", b, count=1) for b in body]
        html = _fence_html("\n".join(body), m.group("info").strip(), options)
        pad = (j - i) - html.count("\n")
        out.append(f"{prefix}<hexoPostRenderCodeBlock>{html}{chr(10) * max(pad, 0)}"
                   f"</hexoPostRenderCodeBlock>")
        i = j + 1
    return "\n".join(out)


def _fence_html(code: str, info: str, options: HighlightOptions) -> str:
    opts, rest = parse_code_args(info.split())
    words = rest.split(None, 1)
    lang = words[0] if words else opts.get("lang", "")
    caption = caption_html(words[1]) if len(words) > 1 else None
    m = re.fullmatch(r"([^=\s]+)=(\d+)", lang or "")
    first_line = None
    if m:
        lang = m.group(1)
        if options.first_line_number == "inline":
            first_line = int(m.group(2))
    if first_line is not None:
        opts.setdefault("first_line", str(first_line))
    opts["lang"] = lang
    return render_code(options, code, opts, caption)


def backtick_code_block(doc: Any, engine: Any = None, **_: Any) -> None:
    """Built-in `before_post_render` filter: highlight fenced code in `doc.body`."""
    if "```" not in doc.body and "~~~" not in doc.body:
        return                          # nothing to highlight (as highlight_fences would find)
    options = _options_for(engine) if engine is not None else HighlightOptions()
    doc.body = highlight_fences(doc.body, options)


def register_builtin_filters(extend: Any) -> None:
    """Register the built-in post-render filters (the same call plugins use)."""
    extend.filters.register("before_post_render", backtick_code_block, priority=10)


# --------------------------------------------------------------------------------------------
# Placeholders and line mapping
# --------------------------------------------------------------------------------------------

class _Protected:
    """Text with code blocks replaced by placeholders, plus what is needed to map an offset in it
    back to a line of the original text."""

    def __init__(self, text: str):
        self.code: list[str] = []
        self._holes: list[int] = []        # offsets (in the new text) of placeholders
        self._extra: list[int] = []        # cumulative newlines removed up to that placeholder
        parts: list[str] = []
        pos = 0
        out_len = 0
        removed = 0
        for m in _CODE_WRAP.finditer(text):
            seg = text[pos:m.start()]
            parts.append(seg)
            out_len += len(seg)
            self.code.append(m.group(1).rstrip("\n"))
            ph = f"<!--{PLACEHOLDER_CHAR}c{len(self.code) - 1}-->"
            parts.append(ph)
            removed += m.group(0).count("\n")
            self._holes.append(out_len)
            self._extra.append(removed)
            out_len += len(ph)
            pos = m.end()
        parts.append(text[pos:])
        self.text = "".join(parts)
        self._newlines: list[int] | None = None     # built on the first lookup (tags only)

    def line_of(self, offset: int) -> int:
        """0-based line of `offset` in the original text."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._newlines, offset)
        k = bisect.bisect_left(self._holes, offset)
        return line + (self._extra[k - 1] if k else 0)

    def restore(self, html: str) -> str:
        if not self.code:
            return html
        code = self.code

        def sub(m: re.Match) -> str:
            if m.group(1) != "c":
                return m.group(0)
            i = int(m.group(2))
            return code[i] if i < len(code) else m.group(0)

        return PLACEHOLDER_RE.sub(sub, html)


def _escape_inline_code(html: str) -> str:
    """`{`/`}` in `<code>` become entities, as Hexo shows them (SPEC §9)."""
    if "<code" not in html or ("{" not in html and "}" not in html):
        return html
    return _INLINE_CODE.sub(lambda m: escape_braces(m.group(0)), html)


# --------------------------------------------------------------------------------------------
# Excerpt
# --------------------------------------------------------------------------------------------

def split_excerpt(content: str, front_matter: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """(content, excerpt, more) per SPEC §8."""
    fm = front_matter or {}
    if "excerpt" in fm:
        value = fm.get("excerpt")
        return content, "" if value is None else str(value), content
    m = _EXCERPT.search(content)
    if not m:
        return content, "", content
    excerpt = content[:m.start()].strip()
    more = content[m.end():].strip()
    return content[:m.start()] + '<span id="more"></span>' + content[m.end():], excerpt, more


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------

def _display_path(engine: Any, doc: Any) -> str | None:
    if doc is None:
        return None
    full = getattr(doc, "full_source", None)
    site_dir = getattr(engine, "site_dir", None)
    if full is not None and site_dir is not None:
        try:
            return Path(full).relative_to(Path(site_dir)).as_posix()
        except ValueError:
            pass
    cfg = getattr(getattr(engine, "config", None), "raw", None) or {}
    return f"{cfg.get('source_dir') or 'source'}/{doc.source}"


def _markdown(engine: Any, text: str, warnings: list | None = None) -> str:
    renderer = getattr(engine, "markdown", None)
    if renderer is None:
        raise RuntimeError("engine.markdown is not set: no Markdown renderer")
    html = renderer.render(text)
    if warnings is not None:
        warnings.extend(getattr(renderer, "last_warnings", ()) or ())
    return html


def _may_have_tags(text: str) -> bool:
    """Could the tag scanner find a node? Every node starts with '{{', '{%' or '{#'; without
    one the tag pass would return the text unchanged (and could not fail)."""
    return "{{" in text or "{%" in text or "{#" in text


def _render_body(engine: Any, body: str, *, doc: Any, site: Any, markdown: bool, tags: bool,
                 body_line: int = 1, source_text: str | None = None,
                 trim_end: bool = False) -> str:
    prot = _Protected(body)
    text = prot.text
    config = getattr(getattr(engine, "config", None), "raw", None) or {}
    tag_pass = None
    if tags and _may_have_tags(text):
        ctx = TagContext(engine=engine, doc=doc, site=site, config=config,
                         path=_display_path(engine, doc))
        tag_pass = TagPass(ctx, lambda off: body_line + prot.line_of(off), source_text)
        text = tag_pass.extract(text)
    if markdown:
        found: list = []
        ends_with_block = (trim_end and text.endswith("-->")
                           and _ENDS_WITH_PLACEHOLDER.search(text) is not None)
        text = _markdown(engine, text, found)
        if ends_with_block and text.endswith("-->\n"):
            # A tag or code block that ends the file (no final newline) is an HTML block whose
            # raw text has no newline either: Hexo's output ends right after it (TRIAGE 8).
            text = text[:-1]
        if doc is not None and found:
            # Problems that did not stop the render (maths that cannot be converted) become
            # warnings on the document; lines are approximate where tags changed line counts.
            shown = _display_path(engine, doc)
            doc.render_warnings = [
                SourceError(f"{w.message}: {w.source}", path=shown,
                            line=(body_line - 1 + w.line) if w.line else None)
                for w in found]
        if tags:
            text = _escape_inline_code(text)
    else:
        # Without Markdown nothing re-parses the text, so tag output can go in directly.
        pass
    if tag_pass is not None:
        text = tag_pass.restore(text)
    return prot.restore(text)


def render_document(engine: Any, doc: Any, site: Any) -> None:
    """Render `doc.body` into `doc.content`, `doc.excerpt`, `doc.more` (raises SourceError)."""
    original_body = doc.body
    if hasattr(doc, "render_warnings"):
        doc.render_warnings = []
    try:
        engine.extend.filters.run("before_post_render", doc, engine=engine)
        body = doc.body
    finally:
        doc.body = original_body      # filters rewrite a working copy, never the parsed source
    content = _render_body(
        engine, body, doc=doc, site=site,
        markdown=bool(getattr(doc, "render_markdown", True)),
        tags=not getattr(doc, "disable_nunjucks", False),
        body_line=int(getattr(doc, "body_line", 1) or 1),
        source_text=getattr(doc, "raw", None), trim_end=True)
    doc.content, doc.excerpt, doc.more = split_excerpt(content, getattr(doc, "front_matter", None))
    engine.extend.filters.run("after_post_render", doc, engine=engine)


def render_string(engine: Any, text: str, *, doc: Any = None, site: Any = None,
                  markdown: bool = True, tags: bool = False) -> str:
    """Render a string for the `markdown()`/`render()` helpers: fenced code highlighted, Markdown.

    Hexo's helpers do not run Nunjucks, so tags are off unless `tags=True`."""
    config = getattr(getattr(engine, "config", None), "raw", None) or {}
    body = highlight_fences(text, HighlightOptions.from_config(config))
    return _render_body(engine, body, doc=doc, site=site, markdown=markdown, tags=tags)
