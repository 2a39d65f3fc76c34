"""Maths in Markdown: `$…$` and `$$…$$` rendered to MathML at build time (latex2mathml).

Off by default (Hexo's marked has no maths: `$` is plain text).  Switched on by the site
config, `math: true` or `math: {enable: true, engine: mathml}`; any other engine name
(`mathjax`, `katex`, …) leaves the dollars alone for a client-side script in the theme.

Syntax (pandoc's `tex_math_dollars` heuristics, so prices are not maths):
- inline `$x$`: the opening `$` is not followed by whitespace, the closing `$` is not
  preceded by whitespace and not followed by a digit (`$5 and $6` stays text); it may
  continue over a line break, never over a blank line;
- display `$$x$$` anywhere in a paragraph, or as a block: a line starting with `$$` up to
  a line ending with `$$` (no blank line inside, as in LaTeX);
- `\\$` is a literal dollar outside maths and does not close maths inside it;
- code spans/blocks and raw HTML are never touched (they are separate tokens, and text
  between inline `<code>`/`<pre>`/`<kbd>`/`<script>` tags is left raw by the renderer).

Inside maths the source is TeX, not Markdown, with one concession to Hexo-era posts (written
for marked + MathJax, where `*` and `_` had to be escaped from the emphasis parser): `\\*`
and `\\_` mean `*` and `_`.  Every other backslash is TeX's (`\\{`, `\\\\`, `\\,`, `\\$`).

Output: `<math xmlns=… display="inline|block"><semantics><mrow>…</mrow><annotation
encoding="application/x-tex">TeX</annotation></semantics></math>`, well-formed XML.  A formula
latex2mathml cannot convert (or converts with unknown commands left as text) becomes
`<code class="math-error" title="reason">$source$</code>` plus a `MathWarning`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from html import escape as escape_html
from typing import Any, Match

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ENGINES = frozenset({"mathml"})


def math_enabled(config_raw: dict[str, Any] | None) -> bool:
    """The `math:` switch: `true`, `mathml`, or `{enable: true, engine: mathml}`."""
    value = (config_raw or {}).get("math")
    if isinstance(value, dict):
        if not value.get("enable"):
            return False
        engine = value.get("engine") or "mathml"
    elif isinstance(value, str):
        engine = value
    else:
        return bool(value)
    return str(engine).strip().lower() in ENGINES


@dataclass
class MathWarning:
    """One formula that could not be converted.  `line` is 1-based in the text given to
    `MarkdownRenderer.render` (0 if it could not be located), `offset` the character
    offset of the formula there (-1 if unknown)."""

    message: str
    source: str  # as written, with its dollars
    line: int = 0
    offset: int = -1

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}: {self.source}"


# ----------------------------------------------------------------------------- parsing

# display first; a `$` inside `$$…$$` is allowed, a blank line never is (paragraph text has none)
INLINE_MATH_PATTERN = (
    r"\$\$(?P<math_display_tex>(?:[^\\$]|\\[\s\S]|\$(?!\$))+?)\$\$"
    r"|\$(?![\s$])(?P<math_inline_tex>(?:[^\\$]|\\[\s\S])+?)(?<!\s)\$(?!\d)"
)
# a line starting with `$$` .. a line ending with `$$`, no blank line in between
BLOCK_MATH_PATTERN = (
    r"^ {0,3}\$\$(?P<math_block_tex>(?:[^\\$\n]|\\[^\n]|\\(?=\n)|\$(?!\$)|\n(?![ \t]*\n))+?)"
    r"\$\$[ \t]*(?:\n|\Z)"
)


def parse_inline_math(inline: Any, m: Match[str], state: Any) -> int:
    tex = m.group("math_display_tex")
    display = tex is not None
    if not display:
        tex = m.group("math_inline_tex")
    elif not tex.strip():
        return 0  # `$$ $$` is not a formula; mistune keeps the `$` as text and moves on
    state.append_token({"type": "math", "raw": m.group(0), "attrs": {"tex": tex, "display": display}})
    return m.end()


def parse_block_math(block: Any, m: Match[str], state: Any) -> int:
    tex = m.group("math_block_tex")
    if not tex.strip():
        return 0  # `$$ $$`: not maths, the line stays paragraph text
    state.append_token({"type": "math_block", "raw": m.group(0).strip(), "attrs": {"tex": tex, "display": True}})
    return m.end()


def install_math(md: Any) -> None:
    """Register the `$` rules on a HexoMarkdown (only called when maths is on)."""
    md.inline.register("math", INLINE_MATH_PATTERN, parse_inline_math, before="codespan", start_chars="$")
    block = md.block
    block.register("math_block", BLOCK_MATH_PATTERN, parse_block_math, before="list")
    for rules in (block.block_quote_rules, block.list_rules):
        if "math_block" not in rules:
            block.insert_rule(rules, "math_block", before="list")


# ----------------------------------------------------------------------------- conversion

# Markdown escapes that Hexo-era posts use inside maths; any other `\x` is TeX
_TEX_PREP = re.compile(r"\\(?:([*_])|(label)\s*\{[^{}]*\}|(nonumber|notag)(?![A-Za-z])|(arg)(?![A-Za-z])|[\s\S])")
_ALIGNED = re.compile(r"\\(begin|end)\{aligned\}")
_CHARREF = re.compile(r"&#(?:x([0-9A-Fa-f]+)|([0-9]+));")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def unescape_markdown(tex: str) -> str:
    """`\\*` -> `*`, `\\_` -> `_`; pairs like `\\\\` are kept whole."""
    if "\\" not in tex:
        return tex
    return _TEX_PREP.sub(lambda m: m.group(1) or m.group(0), tex)


def _prepare(tex: str) -> str:
    """Small rewrites for commands latex2mathml lacks but that have an equivalent."""
    if "\\" not in tex:
        return tex

    def sub(m: Match[str]) -> str:
        if m.group(2) or m.group(3):
            return ""  # \label{…}, \nonumber, \notag: no visible output without numbering
        if m.group(4):
            return r"\operatorname{arg}"
        return m.group(0)

    tex = _TEX_PREP.sub(sub, tex)
    if "aligned" in tex:
        tex = _ALIGNED.sub(r"\\\1{align*}", tex)
    return tex


def _charref(m: Match[str]) -> str:
    return chr(int(m.group(1), 16) if m.group(1) else int(m.group(2)))


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    if text:
        return text
    name = type(exc).__name__
    if name.endswith("Error"):
        name = name[:-5]
    return _CAMEL.sub(" ", name).lower() or "conversion failed"


@lru_cache(maxsize=2048)
def tex_to_mathml(tex: str, display: bool) -> tuple[str, str | None]:
    """(html, None) for a convertible formula, ('', reason) otherwise.  `tex` is the TeX
    after `unescape_markdown`; it goes into the annotation as written."""
    from latex2mathml.converter import convert_to_element

    mode = "block" if display else "inline"
    try:
        root = convert_to_element(_prepare(tex), xmlns=MATHML_NS, display=mode)
    except Exception as exc:  # noqa: BLE001 - any converter failure is a content problem
        return "", _reason(exc)
    for el in root.iter():
        # latex2mathml writes symbols as '&#x…;' strings; make them characters so that
        # ElementTree escapes everything exactly once
        if el.text and "&#" in el.text:
            el.text = _CHARREF.sub(_charref, el.text)
        if el.tail and "&#" in el.tail:
            el.tail = _CHARREF.sub(_charref, el.tail)
        if el.tag in ("mi", "mo") and el.text:
            t = el.text
            if t.startswith("\\"):
                return "", f"unsupported command {t}" if len(t) > 1 else "stray backslash"
            if t == "&":
                return "", "alignment '&' outside a supported environment"
    children = list(root)
    for child in children:
        root.remove(child)
    semantics = ET.SubElement(root, "semantics")
    if len(children) == 1:
        semantics.append(children[0])
    else:
        ET.SubElement(semantics, "mrow").extend(children)
    annotation = ET.SubElement(semantics, "annotation", {"encoding": "application/x-tex"})
    annotation.text = tex
    return ET.tostring(root, encoding="unicode"), None


def render_math(tok: dict[str, Any], warnings: list[MathWarning] | None) -> str:
    """HTML for a `math` / `math_block` token; failures are reported into `warnings`."""
    attrs = tok["attrs"]
    tex = unescape_markdown(attrs["tex"])
    display = attrs["display"]
    html, error = tex_to_mathml(tex.strip() if display else tex, display)
    if error is None:
        return html
    raw = tok["raw"]
    if warnings is not None:
        warnings.append(MathWarning(f"maths could not be converted ({error})", raw))
    return f'<code class="math-error" title="{escape_html(error)}">{escape_html(raw)}</code>'


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def raw_math_source(raw: str, escape: Any) -> str:
    """Maths source inside raw HTML (`<code>$x$</code>`): what marked would print there,
    i.e. the text with Markdown escapes consumed."""
    if "\\" not in raw:
        return raw
    return _MD_ESCAPE.sub(lambda m: escape(m.group(1)), raw)


def locate_warnings(text: str, warnings: list[MathWarning]) -> None:
    """Fill in `line`/`offset` by finding each formula's first line in the source, in order."""
    cursor = 0
    for w in warnings:
        needle = w.source.split("\n", 1)[0].strip()
        if not needle:
            continue
        pos = text.find(needle, cursor)
        if pos < 0:
            pos = text.find(needle)
        if pos < 0:
            continue
        w.offset = pos
        w.line = text.count("\n", 0, pos) + 1
        cursor = pos + len(needle)
