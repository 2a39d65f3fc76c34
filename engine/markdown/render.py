"""Token-tree to HTML, shaped like hexo-renderer-marked 7 over marked 15.

The renderer walks mistune's block tokens directly (no per-token method lookup through
mistune's BaseRenderer) and parses inline content on demand.  Output layout follows marked:
`<p>…</p>\\n`, `<ul>\\n<li>…</li>\\n</ul>\\n`, headings without a trailing newline, `<br>`
for line breaks, `<tbody><tr>` glued together, and so on.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from mistune.core import BaseRenderer, BlockState

from ..text import encode_url, escape_html, slugize, strip_html, unescape_html
from .math import raw_math_source, render_math
from .links import image_src, is_external, mangle_email, recover_href, site_host
from .options import MarkedOptions

Highlighter = Callable[[str, str], str]

# marked's own escape (used for code, autolink text, alt/title): & < > " ' only; with
# `encode=False` an '&' that starts an entity reference is kept.
_MARKED_ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MARKED_ESC_RE = re.compile(r"""[<>"']|&(?!#\d{1,7};|#[Xx][a-fA-F0-9]{1,6};|\w+;)""")
_MARKED_ESC_ALL_RE = re.compile(r"""[&<>"']""")


def _esc_sub(m: re.Match[str]) -> str:
    return _MARKED_ESC[m.group(0)]


def marked_escape(s: str, encode: bool = False) -> str:
    if _MARKED_ESC_ALL_RE.search(s) is None:
        return s                        # nothing to escape (a cheap scan)
    return (_MARKED_ESC_ALL_RE if encode else _MARKED_ESC_RE).sub(_esc_sub, s)


# GFM e-mail autolink (marked): must not continue a run of e-mail-ish characters.
_EMAIL_RE = re.compile(
    r"(?<![a-zA-Z0-9.!#$%&'*+/=?_`{|}~-])[A-Za-z0-9._+-]+@[a-zA-Z0-9_-]+(?:\.[a-zA-Z0-9_-]*[a-zA-Z0-9])+(?![-_])"
)
# hexo-renderer-marked's description-list paragraph rewrite ('.' of JS = no line terminator).
_DL_RE = re.compile(r"(?:^|\s)(\S[^\n\r\u2028\u2029]+)<br>:\s+(\S[^\n\r\u2028\u2029]+)")
# anchorAlias: a heading that starts with a link to '#alias'
_ALIAS_A_RE = re.compile(r"""<a(?:\s+?|\s+?[^<>]+\s+?)?href=["']#([^<>"']+)["'][^<>]*>""", re.I)
# marked stops escaping/smartypants between these inline raw tags
_RAW_OPEN_RE = re.compile(r"<(?:pre|code|kbd|script)(?:\s|>)", re.I)
_RAW_CLOSE_RE = re.compile(r"</(?:pre|code|kbd|script)(?:\s|>)", re.I)

_OPEN_SINGLE = re.compile(r"""(^|[-\u2014/(\[{"\s])'""")
_OPEN_DOUBLE = re.compile(r"""(^|[-\u2014/(\[{\u2018\s])\"""")
# the TeX annotation of a MathML formula: not part of a heading's anchor or title
_ANNOTATION_RE = re.compile(r"<annotation\b[^>]*>[^<]*</annotation>")


class _Ctx:
    """Per-document state (the renderer itself is shared between documents)."""

    __slots__ = ("heading_ids", "in_link", "in_raw", "env", "warnings")

    def __init__(self, env: dict[str, Any]) -> None:
        self.heading_ids: dict[str, int] = {}
        self.in_link = False
        self.in_raw = False
        self.env = env
        self.warnings = env.get("warnings")  # list set by MarkdownRenderer.render (maths on)


class HexoHTMLRenderer(BaseRenderer):
    NAME = "hexo-html"

    def __init__(self, opts: MarkedOptions, highlight: Highlighter | None = None) -> None:
        super().__init__()
        self.opts = opts
        self.highlight = highlight
        self.inline_parser: Any = None  # set by MarkdownRenderer once mistune is built
        self._sitehost = site_host(opts.site_url)
        self._math = opts.math
        q = opts.quotes
        self._q_open2, self._q_close2, self._q_open1, self._q_close1 = q[0], q[1], q[2], q[3]
        self._open1_repl = r"\1" + self._q_open1.replace("\\", r"\\")
        self._open2_repl = r"\1" + self._q_open2.replace("\\", r"\\")
        self._blocks_dispatch: dict[str, Callable[[dict[str, Any], _Ctx], str]] = {
            "paragraph": self._paragraph,
            "block_text": self._block_text,
            "heading": self._heading,
            "blank_line": self._nothing,
            "thematic_break": self._hr,
            "block_code": self._block_code,
            "block_quote": self._block_quote,
            "block_html": self._block_html,
            "list": self._list,
            "table": self._table,
            "math_block": self._math_block,
        }

    # ------------------------------------------------------------------ entry

    def __call__(self, tokens: Any, state: BlockState) -> str:  # type: ignore[override]
        return self._blocks(tokens, _Ctx(state.env))

    def _blocks(self, tokens: list[dict[str, Any]], ctx: _Ctx) -> str:
        out = []
        dispatch = self._blocks_dispatch
        n = len(tokens)
        for i, tok in enumerate(tokens):
            kind = tok["type"]
            fn = dispatch.get(kind)
            if fn is None:
                continue  # unknown block (e.g. block_error) renders as nothing
            html = fn(tok, ctx)
            # marked keeps the blank line that ends a raw HTML block inside the token
            if kind == "block_html" and i + 1 < n and tokens[i + 1]["type"] == "blank_line":
                html += "\n"
            out.append(html)
        return "".join(out)

    def _inline_tokens(self, tok: dict[str, Any], ctx: _Ctx, strip_all: bool = False) -> list[dict[str, Any]]:
        children = tok.get("children")
        if children is not None:
            return children
        text = tok.get("text", "")
        # marked keeps trailing spaces of a paragraph / list-item line; mistune strips them
        text = text.strip(" \r\n\t\f") if strip_all else text.lstrip(" \t").rstrip("\r\n")
        return self.inline_parser(text, ctx.env)

    # ------------------------------------------------------------------ blocks

    def _nothing(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return ""

    def _hr(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return "<hr>\n"

    def _paragraph(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        inner = self._inline(self._inline_tokens(tok, ctx), ctx)
        if self.opts.description_lists and "<br>:" in inner:
            m = _DL_RE.search(inner)
            if m:
                return inner[: m.start()] + "<dl><dt>" + m.group(1) + "</dt><dd>" + m.group(2) + "</dd></dl>" + inner[m.end():]
        return "<p>" + inner + "</p>\n"

    def _block_text(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return self._inline(self._inline_tokens(tok, ctx), ctx)

    def _heading(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        level = tok["attrs"]["level"]
        text = self._inline(self._inline_tokens(tok, ctx, strip_all=True), ctx)
        if not self.opts.header_ids:
            return f"<h{level}>{text}</h{level}>"
        transform = self.opts.modify_anchors
        plain = _ANNOTATION_RE.sub("", text) if "<annotation" in text else text
        anchor = slugize(strip_html(unescape_html(plain)).strip(), transform=transform)
        alias = None
        if self.opts.anchor_alias and text.startswith('<a href="#'):
            alias = _ALIAS_A_RE.search(text)
            if alias:
                anchor = slugize(strip_html(unescape_html(alias.group(1))).strip(), transform=transform)
        seen = ctx.heading_ids.get(anchor)
        if seen:
            ctx.heading_ids[anchor] = seen + 1
            anchor = f"{anchor}-{seen}"
        else:
            ctx.heading_ids[anchor] = 1
        if alias:
            tag = alias.group(0).replace(alias.group(1), anchor, 1)
            text = text[: alias.start()] + tag + text[alias.end():]
        return (
            f'<h{level} id="{anchor}"><a href="#{anchor}" class="headerlink" '
            f'title="{strip_html(plain)}"></a>{text}</h{level}>'
        )

    def _block_code(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        raw = tok.get("raw", "")
        lang = ""
        if tok.get("style") == "fenced":
            info = (tok.get("attrs") or {}).get("info") or ""
            lang = info.split(None, 1)[0] if info.strip() else ""
            if raw.endswith("\n"):
                raw = raw[:-1]
            if self.highlight is not None:
                html = self.highlight(raw, lang)
                return html if html.endswith("\n") else html + "\n"
        else:
            raw = raw.rstrip("\n")
        cls = f' class="language-{marked_escape(lang)}"' if lang else ""
        return f"<pre><code{cls}>{marked_escape(raw, encode=True)}\n</code></pre>\n"

    def _block_quote(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return "<blockquote>\n" + self._blocks(tok["children"], ctx) + "</blockquote>\n"

    def _block_html(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return tok.get("raw", "")

    def _math_block(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        return render_math(tok, ctx.warnings) + "\n"

    def _list(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        attrs = tok.get("attrs") or {}
        items = []
        for item in tok["children"]:
            body = ""
            children = item.get("children") or []
            if item["type"] == "task_list_item":
                box = '<input checked="" disabled="" type="checkbox"> ' if (item.get("attrs") or {}).get("checked") \
                    else '<input disabled="" type="checkbox"> '
                if children and children[0]["type"] == "paragraph":
                    # loose item: the checkbox goes inside the first paragraph
                    first = self._paragraph(children[0], ctx)
                    if first.startswith("<p>"):
                        first = "<p>" + box + first[3:]
                    else:
                        first = box + first
                    body = first + self._blocks(children[1:], ctx)
                else:
                    body = box + self._blocks(children, ctx)
            else:
                body = self._blocks(children, ctx)
            items.append("<li>" + body + "</li>\n")
        if attrs.get("ordered"):
            start = attrs.get("start")
            start_attr = f' start="{start}"' if start is not None and start != 1 else ""
            return f"<ol{start_attr}>\n" + "".join(items) + "</ol>\n"
        return "<ul>\n" + "".join(items) + "</ul>\n"

    def _table(self, tok: dict[str, Any], ctx: _Ctx) -> str:
        head = ""
        body_rows = []
        for part in tok["children"]:
            if part["type"] == "table_head":
                head = "<tr>\n" + self._cells(part["children"], ctx) + "</tr>\n"
            elif part["type"] == "table_body":
                for row in part["children"]:
                    body_rows.append("<tr>\n" + self._cells(row["children"], ctx) + "</tr>\n")
        body = "<tbody>" + "".join(body_rows) + "</tbody>" if body_rows else ""
        return "<table>\n<thead>\n" + head + "</thead>\n" + body + "</table>\n"

    def _cells(self, cells: list[dict[str, Any]], ctx: _Ctx) -> str:
        out = []
        for cell in cells:
            attrs = cell.get("attrs") or {}
            tag = "th" if attrs.get("head") else "td"
            align = attrs.get("align")
            open_tag = f'<{tag} align="{align}">' if align else f"<{tag}>"
            out.append(open_tag + self._inline(self._inline_tokens(cell, ctx, strip_all=True), ctx) + f"</{tag}>\n")
        return "".join(out)

    # ------------------------------------------------------------------ inline

    def _inline(self, tokens: list[dict[str, Any]], ctx: _Ctx) -> str:
        out: list[str] = []
        run: list[str] = []  # consecutive text tokens = one marked text token
        for tok in tokens:
            kind = tok["type"]
            if kind == "text":
                run.append(tok["raw"])
                continue
            if run:
                out.append(self._flush_run(run, out, ctx) if self._math else self._text_run("".join(run), ctx))
                run.clear()
            # most frequent kinds first
            if kind == "link":
                attrs = tok["attrs"]
                was = ctx.in_link
                ctx.in_link = True
                inner = self._inline(tok["children"], ctx)
                ctx.in_link = was
                out.append(self._link(recover_href(attrs["url"]), attrs.get("title"), inner))
            elif kind == "codespan":
                out.append("<code>" + marked_escape(tok["raw"], encode=True) + "</code>")
            elif kind == "strong":
                out.append("<strong>" + self._inline(tok["children"], ctx) + "</strong>")
            elif kind == "emphasis":
                out.append("<em>" + self._inline(tok["children"], ctx) + "</em>")
            elif kind == "linebreak":
                out.append("<br>")
            elif kind == "escape":
                out.append(marked_escape(tok["raw"]))
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "strikethrough":
                out.append("<del>" + self._inline(tok["children"], ctx) + "</del>")
            elif kind == "inline_html":
                html = tok["raw"]
                if ctx.in_raw:
                    if _RAW_CLOSE_RE.match(html):
                        ctx.in_raw = False
                elif _RAW_OPEN_RE.match(html):
                    ctx.in_raw = True
                out.append(html)
            elif kind == "autolink":
                out.append(self._link(tok["attrs"]["url"], None, marked_escape(tok["raw"])))
            elif kind == "image":
                attrs = tok["attrs"]
                out.append(self._image(recover_href(attrs["url"]), attrs.get("title"), _plain_text(tok["children"])))
            elif kind == "math":
                out.append(raw_math_source(tok["raw"], marked_escape) if ctx.in_raw
                           else render_math(tok, ctx.warnings))
            elif "children" in tok:
                out.append(self._inline(tok["children"], ctx))
            elif "raw" in tok:
                out.append(self._plain(tok["raw"], ctx))
        if run:
            out.append(self._flush_run(run, out, ctx) if self._math else self._text_run("".join(run), ctx))
        return "".join(out)

    def _flush_run(self, run: list[str], out: list[str], ctx: _Ctx) -> str:
        text = "".join(run)
        if text[:1] in ("'", '"') and out and out[-1].endswith("</math>") and self.opts.smartypants and not ctx.in_raw:
            # `$x$'s`: the quote closes after the formula, as it would after a letter
            return self._text_run("x" + text, ctx)[1:]
        return self._text_run(text, ctx)

    def _text_run(self, text: str, ctx: _Ctx) -> str:
        if "@" in text and self.opts.autolink and not ctx.in_link:
            pieces = []
            pos = 0
            for m in _EMAIL_RE.finditer(text):
                if m.start() > pos:
                    pieces.append(self._plain(text[pos:m.start()], ctx))
                addr = m.group(0)
                pieces.append(self._link("mailto:" + addr, None, marked_escape(addr)))
                pos = m.end()
            if pieces:
                if pos < len(text):
                    pieces.append(self._plain(text[pos:], ctx))
                return "".join(pieces)
        return self._plain(text, ctx)

    def _plain(self, text: str, ctx: _Ctx) -> str:
        if ctx.in_raw:
            return text  # marked leaves text between <code>/<kbd>/<pre>/<script> tags alone
        if self.opts.smartypants:
            text = self._smartypants(text)
        return escape_html(text)

    def _smartypants(self, s: str) -> str:
        if "-" in s:
            s = s.replace("---", "\u2014").replace("--", "\u2013")
        if "'" in s:
            s = _OPEN_SINGLE.sub(self._open1_repl, s).replace("'", self._q_close1)
        if '"' in s:
            s = _OPEN_DOUBLE.sub(self._open2_repl, s).replace('"', self._q_close2)
        if "..." in s:
            s = s.replace("...", "\u2026")
        return s

    def _link(self, href: str, title: str | None, inner: str) -> str:
        opts = self.opts
        if opts.sanitize_url and href.startswith(("javascript:", "vbscript:", "data:")):
            href = ""
        if opts.mangle and href.startswith("mailto:"):
            href = "mailto:" + mangle_email(href[7:])
        try:
            out = '<a href="' + encode_url(href) + '"'
        except (ValueError, UnicodeError):
            out = '<a href="' + href + '"'
        if title:
            out += ' title="' + marked_escape(title) + '"'
        if (opts.external_enable or opts.external_nofollow) and is_external(href, self._sitehost, opts.external_exclude):
            if opts.external_nofollow:
                out += (' target="_blank"' if opts.external_enable else "") + ' rel="noopener external nofollow noreferrer"'
            else:
                out += ' target="_blank" rel="noopener"'
        return out + ">" + inner + "</a>"

    def _image(self, href: str, title: str | None, alt: str) -> str:
        src = image_src(self.opts, href)
        try:
            src = encode_url(src)
        except (ValueError, UnicodeError):
            pass
        out = '<img src="' + src + '"'
        if alt:
            out += ' alt="' + marked_escape(alt) + '"'
        if title:
            out += ' title="' + marked_escape(title) + '"'
        if self.opts.lazyload:
            out += ' loading="lazy"'
        out += ">"
        if self.opts.figcaption and alt:
            return f'<figure>{out}<figcaption aria-hidden="true">{marked_escape(alt)}</figcaption></figure>'
        return out


def _plain_text(tokens: list[dict[str, Any]]) -> str:
    """Alt text: the label's characters without markup (marked uses the raw label)."""
    parts = []
    for tok in tokens:
        if "children" in tok:
            parts.append(_plain_text(tok["children"]))
        elif "raw" in tok:
            parts.append(tok["raw"] if tok["type"] != "autolink" else tok.get("_autolink", tok["raw"]))
    return "".join(parts)
