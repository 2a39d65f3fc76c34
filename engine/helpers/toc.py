"""`toc(content)`: a nested `<ol class="toc">` from the headings (and their ids) in rendered HTML.

Headings are read with a small tag tokenizer (a regex pass; html.parser was the cost of the whole
helper on long posts): level from the tag, id from the heading or its nearest ancestor with one,
text from the heading's children except a permalink `<a>` whose text is a single non-word symbol;
`data-toc-unnumbered="true"` headings get no number. Comments, CDATA and `<script>`/`<style>`
bodies are not markup.
"""
from __future__ import annotations

import html
import re
from typing import Any

from engine.helpers._util import options, or_default, truthy
from engine.text import encode_url, escape_html

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SYMBOL = re.compile(r"^\s*[^a-zA-Z0-9]\s*$")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_ANY_HEADING = re.compile(r"<h[1-6]", re.I)
_HEADING = re.compile(r"""<h([1-6])\b((?:[^>"']|"[^"]*"|'[^']*')*)>.*?</h\1\s*>""", re.S | re.I)
_NOT_MARKUP = re.compile(r"<!--|<!\[CDATA\[|<script|<style", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TOKEN = re.compile(
    r"<!--.*?-->"                                                  # comment
    r"|<(script|style)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</\1\s*>"  # raw text element
    r"|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"                             # CDATA, doctype, PI
    r"|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",        # start or end tag
    re.S | re.I)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        name = m.group(1).lower()
        if name not in out:
            value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None \
                else m.group(4) or ""
            out[name] = html.unescape(value)
    return out


class _Heading:
    __slots__ = ("level", "id", "unnumbered", "parts", "all_text", "child_tag", "child_text",
                 "child_depth", "children", "number")

    def __init__(self, level: int, id_: str, unnumbered: bool):
        self.level, self.id, self.unnumbered = level, id_, unnumbered
        self.parts: list[str] = []       # escaped text of each kept child
        self.all_text: list[str] = []    # raw text of the whole heading (fallback)
        self.child_tag: str | None = None
        self.child_text: list[str] = []
        self.child_depth = 0
        self.children: list[_Heading] = []
        self.number = ""

    @property
    def text(self) -> str:
        return "".join(self.parts) or escape_html("".join(self.all_text))


class _Collector:
    """Walks the tag/text events of an HTML string, collecting headings."""

    def __init__(self, levels: tuple[str, ...]):
        self.levels = levels
        self.open: list[tuple[str, str]] = []   # (tag, id or '') of each open element
        self.headings: list[_Heading] = []
        self.current: _Heading | None = None
        self.depth = 0                    # element depth inside the current heading

    def feed(self, content: str) -> None:
        pos = 0
        for m in _TOKEN.finditer(content):
            if self.current is not None and m.start() > pos:
                self.handle_data(html.unescape(content[pos:m.start()]))
            pos = m.end()
            if m.group(1):                                   # <script>/<style> … </…>
                tag = m.group(1).lower()
                self.handle_starttag(tag, m.group(2))
                if self.current is not None and m.group(3):
                    self.handle_data(m.group(3))
                self.handle_endtag(tag)
            elif m.group(5):
                tag = m.group(5).lower()
                if m.group(4):
                    self.handle_endtag(tag)
                else:
                    self.handle_starttag(tag, m.group(6))
        if self.current is not None and pos < len(content):
            self.handle_data(html.unescape(content[pos:]))

    def handle_starttag(self, tag: str, attr_text: str) -> None:
        # Attributes are only parsed where they matter (ids, heading flags): most tags have none.
        a = _attrs(attr_text) if ("id" in attr_text or "data-" in attr_text) else {}
        h = self.current
        if h is not None:
            if tag in _VOID:
                return
            if self.depth == 0:           # a direct child element of the heading starts
                h.child_tag, h.child_text = tag, []
            self.depth += 1
            return
        if tag in _VOID:
            return
        self.open.append((tag, a.get("id", "")))
        if tag in self.levels:
            ident = next((i for _, i in reversed(self.open) if i), "")
            self.current = _Heading(int(tag[1]), ident, a.get("data-toc-unnumbered") == "true")
            self.depth = 0

    def handle_endtag(self, tag: str) -> None:
        h = self.current
        if h is not None:
            if tag in _HEADINGS and self.depth == 0 or tag == f"h{h.level}":
                self._close_child()
                self.headings.append(h)
                self.current = None
                self._pop(f"h{h.level}")
                return
            if tag in _VOID:
                return
            if self.depth > 0:
                self.depth -= 1
                if self.depth == 0:
                    self._close_child()
            return
        if tag not in _VOID:
            self._pop(tag)

    def _pop(self, tag: str) -> None:
        # Close `tag` and anything left open inside it (`<p>` without `</p>`); a stray end tag
        # closes nothing.
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        h = self.current
        if h is None:
            return
        h.all_text.append(data)
        if self.depth == 0:
            h.parts.append(escape_html(data))     # a text node child
        else:
            h.child_text.append(data)

    def _close_child(self) -> None:
        h = self.current
        if h is None or h.child_tag is None:
            return
        text = "".join(h.child_text)
        # Skip a permalink symbol (`<a>¶</a>`): one non-alphanumeric character.
        if not (h.child_tag == "a" and _SYMBOL.match(text)):
            h.parts.append(escape_html(text))
        h.child_tag, h.child_text = None, []


def toc_items(content: str, min_depth: int = 1, max_depth: int = 6) -> list[_Heading]:
    """The headings h<min_depth>..h<max_depth> of `content`, in document order."""
    if not _ANY_HEADING.search(content):
        return []
    levels = _HEADINGS[max(min_depth, 1) - 1:max_depth]
    collector = _Collector(levels)
    # Fast path (rendered Markdown): when every heading carries its own id, ancestors cannot
    # change anything, so only the headings themselves need reading. Comments (common in posts)
    # are dropped first; CDATA, scripts and styles take the full parser.
    if "<!--" in content:
        content = _COMMENT.sub("", content)
    if not _NOT_MARKUP.search(content):
        found = [m for m in _HEADING.finditer(content) if f"h{m.group(1)}" in levels]
        simple = [_SIMPLE.fullmatch(m.group(0)) for m in found]
        if all(html.unescape(s.group(2)) if s else _attrs(m.group(2)).get("id")
               for m, s in zip(found, simple)):
            for m, s in zip(found, simple):
                if s is not None and collector.current is None:
                    collector.headings.append(_simple_heading(s))
                else:
                    collector.feed(m.group(0))
            return collector.headings
    collector.feed(content)
    return collector.headings


# The usual rendered heading, `<h2 id="x"><a href="#x" class="headerlink" title="x"></a>Text</h2>`
# (the permalink anchor optional): read directly, as the collector would read it.
_SIMPLE = re.compile(r"""<h([1-6]) id="([^"<>]*)">(<a(?:\s+[\w-]+="[^"<>]*")*></a>)?([^<>]*)</h\1>""")


def _simple_heading(m: re.Match[str]) -> _Heading:
    h = _Heading(int(m.group(1)), html.unescape(m.group(2)), False)
    if m.group(3):
        h.parts.append("")            # the anchor: an empty child, not a permalink symbol
    if m.group(4):
        text = html.unescape(m.group(4))
        h.all_text.append(text)
        h.parts.append(escape_html(text))
    return h


def _truncate(items: list[_Heading], max_items: float) -> list[_Heading]:
    """Drop the deepest levels first until `max_items` fit, then cut the rest from the end."""
    if len(items) <= max_items:
        return items
    top = min(h.level for h in items)
    deepest = max(h.level for h in items)
    while len(items) > max_items and deepest > top:
        items = [h for h in items if h.level < deepest]
        deepest -= 1
    return items[: int(max_items)]


def toc(ctx, content: Any = "", *args: Any, **kwargs: Any) -> str:
    opts = options(args, kwargs)
    # Themes call toc() on the same post content more than once (is there a toc? render it):
    # the result depends only on the content and the options.
    try:
        key = (content, tuple(sorted(opts.items())))
        hash(key)
    except TypeError:
        return _toc(content, opts)
    memo = _toc_memo(ctx)
    if key not in memo:
        if len(memo) > 512:
            memo.clear()
        memo[key] = _toc(content, opts)
    return memo[key]


def _toc_memo(ctx) -> dict:
    site = getattr(ctx, "site", None)
    if site is None:
        return {}
    return site.__dict__.setdefault("_pyhexo_toc_memo", {})


def _toc(content: Any, opts: dict) -> str:
    min_depth = int(or_default(opts.get("min_depth"), 1))
    max_depth = int(or_default(opts.get("max_depth"), 6))
    max_items = float(or_default(opts.get("max_items"), float("inf")))
    items = _truncate(toc_items(str(content or ""), min_depth, max_depth), max_items)
    if not items:
        return ""

    base = str(opts["class"]) if "class" in opts else "toc"
    names = {k: escape_html(str(opts.get(f"class_{k}") or f"{base}-{k}"))
             for k in ("item", "link", "text", "child", "number", "level")}
    list_number = truthy(opts.get("list_number", True))

    # Nest: each heading goes under the nearest earlier heading of a smaller level.
    root = _Heading(0, "", False)
    stack = [root]
    for h in items:
        h.children = []
        while stack[-1].level >= h.level:
            stack.pop()
        stack[-1].children.append(h)
        stack.append(h)

    def number(nodes: list[_Heading], prefix: str) -> None:
        n = 0
        for node in nodes:
            if not node.unnumbered:
                n += 1
            node.number = f"{prefix}{n}."
            number(node.children, node.number)

    if list_number:
        number(root.children, "")

    def render(nodes: list[_Heading], cls: str) -> str:
        out = f'<ol class="{cls}">'
        for node in nodes:
            href = f' href="#{encode_url(node.id)}"' if node.id else ""
            out += (f'<li class="{names["item"]} {names["level"]}-{node.level}">'
                    f'<a class="{names["link"]}"{href}>')
            if list_number and not node.unnumbered:
                out += f'<span class="{names["number"]}">{node.number}</span> '
            out += f'<span class="{names["text"]}">{node.text}</span></a>'
            if node.children:
                out += render(node.children, names["child"])
            out += "</li>"
        return out + "</ol>"

    return render(root.children, escape_html(base))


HELPERS = {"toc": toc}
