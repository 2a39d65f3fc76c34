"""engine.markdown maths: `$…$` / `$$…$$` -> MathML at build time (the `math:` config switch)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.markdown import MarkdownRenderer, MathWarning
from engine.markdown import math as mdmath
from engine.markdown.options import MarkedOptions

MATHML = "http://www.w3.org/1998/Math/MathML"
NS = {"m": MATHML}
ON = {"root": "/", "url": "http://example.com", "math": True}
OFF = {"root": "/", "url": "http://example.com"}
SEED004 = Path("/work/shared/corpora/seed004-post/source/_posts/jue-wang.md")
_MATH_RE = re.compile(r"<math\b[\s\S]*?</math>")


def on(src: str) -> str:
    return MarkdownRenderer(ON).render(src)


def off(src: str) -> str:
    return MarkdownRenderer(OFF).render(src)


def maths(html: str) -> list[ET.Element]:
    """Every <math> element of the output, parsed as XML (fails if one is not well-formed)."""
    return [ET.fromstring(m) for m in _MATH_RE.findall(html)]


def tex_of(el: ET.Element) -> str:
    ann = el.find("m:semantics/m:annotation", NS)
    assert ann is not None and ann.get("encoding") == "application/x-tex"
    return ann.text or ""


# ----------------------------------------------------------------------------- the switch

@pytest.mark.parametrize("value", [None, False, {"enable": False}, {"enable": True, "engine": "katex"},
                                   {"engine": "mathml"}, "mathjax", 0])
def test_off_values_leave_dollars_as_marked_does(value):
    cfg = dict(OFF)
    if value is not None:
        cfg["math"] = value
    src = "$E=mc^2$ and $$x_1 * y_2$$ and \\$ escaped, $a_b$ _c_"
    out = MarkdownRenderer(cfg).render(src)
    assert "<math" not in out
    assert out == off(src)
    assert out == "<p>$E&#x3D;mc^2$ and $$x_1 * y_2$$ and $ escaped, $a_b$ <em>c</em></p>\n"


@pytest.mark.parametrize("value", [True, "mathml", {"enable": True}, {"enable": True, "engine": "mathml"},
                                   {"enable": True, "engine": "MathML"}])
def test_on_values(value):
    assert MarkedOptions.from_config({"math": value}).math is True
    out = MarkdownRenderer({"math": value}).render("$x$")
    assert len(maths(out)) == 1


def test_off_adds_no_rule_and_no_trigger_character():
    """Zero cost when off: no `$` rule in mistune, `$` does not even stop the text scanner."""
    md_off = MarkdownRenderer(OFF)
    inline, block = md_off._md.inline, md_off._md.block
    assert "math" not in inline.rules
    assert "$" not in (inline._get_fast_trigger_chars() or set())
    assert "math_block" not in block.rules + block.block_quote_rules + block.list_rules
    md_on = MarkdownRenderer(ON)
    assert "math" in md_on._md.inline.rules
    assert "math_block" in md_on._md.block.rules
    assert "math_block" in md_on._md.block.list_rules and "math_block" in md_on._md.block.block_quote_rules


def test_off_output_of_every_spec_case_is_unchanged():
    """The same sources with the switch on differ only where they contain maths."""
    from test_markdown import _CASES, FEATURE_CFG  # noqa: PLC0415 - sibling test module

    for name, cfg, src, expected in _CASES:
        if "$" in src:
            continue
        config = dict(FEATURE_CFG, **cfg, math=True)
        assert MarkdownRenderer(config).render(src).rstrip("\n") == expected, name


# ----------------------------------------------------------------------------- inline / display

def test_inline_formula_is_mathml_with_tex_annotation():
    out = on("Energy $E=mc^2$ here.")
    assert out.startswith('<p>Energy <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert out.endswith("</math> here.</p>\n")
    (el,) = maths(out)
    assert el.tag == f"{{{MATHML}}}math" and el.get("display") == "inline"
    assert tex_of(el) == "E=mc^2"
    sup = el.find(".//m:msup", NS)
    assert [c.text for c in sup] == ["c", "2"]
    # semantics: exactly one presentation child, then the annotation
    sem = el.find("m:semantics", NS)
    assert [c.tag.split("}")[1] for c in sem] == ["mrow", "annotation"]


def test_display_formula_inside_a_paragraph():
    out = on("sum $$\\sum_{i=1}^n i$$ done")
    assert out.startswith("<p>sum <math ") and out.endswith("</math> done</p>\n")
    (el,) = maths(out)
    assert el.get("display") == "block"
    assert el.find(".//m:munderover/m:mo", NS).text == "\u2211"  # limits above/below in display


def test_display_block_spanning_lines_is_protected_from_block_syntax():
    # `- c` and `= d` would be a list item / setext underline in plain Markdown
    src = "Before\n\n$$\n\\begin{aligned}\na &= b \\\\\n- c &= d\n\\end{aligned}\n$$\n\nAfter"
    out = on(src)
    assert out.startswith("<p>Before</p>\n<math ")
    assert out.endswith("</math>\n<p>After</p>\n")
    assert "<ul>" not in out and "<br>" not in out and "<li>" not in out
    (el,) = maths(out)
    assert el.get("display") == "block"
    assert tex_of(el) == "\\begin{aligned}\na &= b \\\\\n- c &= d\n\\end{aligned}"
    assert len(el.findall(".//m:mtr", NS)) == 2


def test_display_block_interrupts_a_paragraph_and_works_in_lists_and_quotes():
    out = on("a\n$$\nx\n$$\nb")
    assert out.startswith("<p>a</p>\n<math ") and out.endswith("</math>\n<p>b</p>\n")
    assert maths(on("> $$x^2$$"))[0].get("display") == "block"
    assert on("> $$x^2$$").startswith("<blockquote>\n<math ")
    listed = on("- item\n\n  $$\n  y\n  $$\n")
    assert "<li>" in listed and maths(listed)[0].get("display") == "block"


def test_multi_line_inline_formula_has_no_br():
    out = on("line $a +\nb$ end\nnext")
    assert out.count("<br>") == 1  # only the break after "end" (breaks: true)
    (el,) = maths(out)
    assert tex_of(el) == "a +\nb"
    assert "<br>" not in _MATH_RE.search(out).group(0)


def test_blank_line_ends_a_display_formula():
    out = on("$$\na\n\nb\n$$")
    assert "<math" not in out
    assert out == "<p>$$<br>a</p>\n<p>b<br>$$</p>\n"


def test_adjacent_and_repeated_formulas():
    out = on("$a$$b$ and $a$")
    assert [tex_of(e) for e in maths(out)] == ["a", "b", "a"]


# ----------------------------------------------------------------------------- escapes

def test_escaped_dollar_is_literal_and_does_not_open_maths():
    assert on("\\$5 and \\$6") == "<p>$5 and $6</p>\n"
    assert on("\\$x$") == "<p>$x$</p>\n"


def test_escaped_dollar_inside_maths_does_not_close_it():
    (el,) = maths(on("$\\$5 + x$"))
    assert tex_of(el) == "\\$5 + x"
    assert el.find(".//m:mi", NS).text == "$"


def test_markdown_escapes_of_star_and_underscore_are_undone_inside_maths():
    (a, b) = maths(on("$a\\_1$ and $2\\*3$"))
    assert tex_of(a) == "a_1" and a.find(".//m:msub", NS) is not None
    assert tex_of(b) == "2*3"


def test_other_backslashes_are_tex():
    (el,) = maths(on("$\\{a\\} \\\\ b \\, c$"))
    assert tex_of(el) == "\\{a\\} \\\\ b \\, c"
    assert el.find(".//m:mspace[@linebreak='newline']", NS) is not None


def test_emphasis_markers_inside_maths_are_maths():
    out = on("*a $x*y$ b* and $a_1 + b_1$")
    assert out.startswith("<p><em>a <math ") and "</math> b</em>" in out
    assert [tex_of(e) for e in maths(out)] == ["x*y", "a_1 + b_1"]
    assert "<em>" not in "".join(_MATH_RE.findall(out))


def test_no_smartypants_or_entity_escaping_inside_maths():
    out = on("\"q\" -- $a--b'c'\"d\" < e$ -- x...")
    (el,) = maths(out)
    assert tex_of(el) == "a--b'c'\"d\" < e"
    assert "\u2013" not in _MATH_RE.search(out).group(0)
    assert out.startswith("<p>\u201cq\u201d \u2013 <math ") and out.endswith("</math> \u2013 x\u2026</p>\n")


def test_quote_after_a_formula_closes():
    out = on("$x$'s value and $y$\" end")
    text = _MATH_RE.sub("M", out)
    assert text == "<p>M\u2019s value and M\u201d end</p>\n"


# ----------------------------------------------------------------------------- code and HTML untouched

@pytest.mark.parametrize("src", [
    "`$x$` and `$$y$$`",
    "```\n$x$ and $$y$$\n```",
    "~~~tex\n$$\nx\n$$\n~~~",
    "    $x$ indented",
    "<div>\n$x$ and $$y$$\n</div>",
    "<pre>$x$</pre>",
    "a <code>$x$</code> b <kbd>$y$</kbd>",
])
def test_code_and_raw_html_are_untouched(src):
    assert "<math" not in on(src)
    assert on(src) == off(src)


def test_raw_inline_code_tag_prints_source_like_marked():
    assert on("<code>$a\\*b$</code>") == off("<code>$a\\*b$</code>") == "<p><code>$a*b$</code></p>\n"


def test_span_html_around_maths_still_converts():
    out = on("<span>$x$</span>")
    assert out.startswith("<p><span><math ") and out.endswith("</math></span></p>\n")


# ----------------------------------------------------------------------------- currency heuristics

@pytest.mark.parametrize("src", [
    "costs $5 and $6 today",
    "costs $5, or $10, or $15",
    "between $5 and $10 and US$20",
    "$ x$ opens with a space",
    "$x $ closes after a space",
    "$x$5 closing followed by a digit",
    "$$ $$ is empty",
    "$$",
    "lone $ sign",
])
def test_prices_and_spaced_dollars_are_text(src):
    out = on(src)
    assert "<math" not in out
    assert out == off(src)


def test_formula_next_to_a_price():
    out = on("pay $5 for $x^2$ now")
    assert "pay $5 for <math " in out
    assert [tex_of(e) for e in maths(out)] == ["x^2"]


# ----------------------------------------------------------------------------- error path

def test_conversion_error_keeps_source_and_reports_a_warning():
    md = MarkdownRenderer(ON)
    src = "intro\n\nok $x$ then\nbad $x_1_2$ here and $a^$\n\n$$\n\\frac{1}{\n$$\n"
    out = md.render(src)
    assert '<code class="math-error" title="double subscripts">$x_1_2$</code> here' in out
    assert '<code class="math-error" title="missing super script or subscript">$a^$</code>' in out
    assert len(maths(out)) == 1  # the good formula still renders
    ws = md.last_warnings
    assert [type(w) for w in ws] == [MathWarning] * len(ws)
    assert [(w.source, w.line) for w in ws][:2] == [("$x_1_2$", 4), ("$a^$", 4)]
    assert all("could not be converted" in w.message for w in ws)
    assert ws[0].offset == src.index("$x_1_2$")
    assert "line 4" in str(ws[0])
    # next render starts a fresh list
    md.render("$x$")
    assert md.last_warnings == []


def test_unknown_command_is_an_error_not_literal_text():
    md = MarkdownRenderer(ON)
    out = md.render("$\\notacommand x$")
    assert out == '<p><code class="math-error" title="unsupported command \\notacommand">$\\notacommand x$</code></p>\n'
    assert md.last_warnings[0].line == 1


def test_warnings_list_argument_collects_across_calls():
    md = MarkdownRenderer(ON)
    bucket: list = []
    md.render("$a^$", warnings=bucket)
    md.render("fine $b$", warnings=bucket)
    md.render("$c_1_2$", warnings=bucket)
    assert [w.source for w in bucket] == ["$a^$", "$c_1_2$"]


def test_converter_crash_does_not_break_the_page(monkeypatch):
    import latex2mathml.converter as conv

    def boom(*args, **kwargs):
        raise RuntimeError("kaput <here>")

    mdmath.tex_to_mathml.cache_clear()
    monkeypatch.setattr(conv, "convert_to_element", boom)
    try:
        md = MarkdownRenderer(ON)
        out = md.render("a $y^3$ b")
        assert out == '<p>a <code class="math-error" title="kaput &lt;here&gt;">$y^3$</code> b</p>\n'
        assert md.last_warnings[0].message == "maths could not be converted (kaput <here>)"
    finally:
        mdmath.tex_to_mathml.cache_clear()


def test_error_markup_escapes_source():
    out = on("$a<b^$")
    assert '<code class="math-error"' in out and "$a&lt;b^$</code>" in out


# ----------------------------------------------------------------------------- XML / HTML shape

def test_output_is_well_formed_xml_with_escaped_text():
    srcs = [
        "$a<b$", "$\\text{a < b & c}$", "$x > 0$", "$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$",
        "$\\begin{cases}1 & x>0\\\\0 & \\text{else}\\end{cases}$", "$\\sqrt[3]{x}\\,\\quad y$",
        "$\\mathbb{R}^n \\to \\mathcal{L}$", "$$\\begin{align}a&=b\\\\c&=d\\end{align}$$",
        "$\\arg\\max_x f(x)\\label{eq}\\nonumber$",
    ]
    for src in srcs:
        out = on(src)
        els = maths(out)
        assert len(els) == 1, (src, out)
        assert el_ok(els[0]), src
    (el,) = maths(on("$\\text{a < b & c}$"))
    assert el.find(".//m:mtext", NS).text.replace("\u00a0", " ") == "a < b & c"
    assert tex_of(el) == "\\text{a < b & c}"


def el_ok(el: ET.Element) -> bool:
    return el.tag == f"{{{MATHML}}}math" and el.find("m:semantics/m:annotation", NS) is not None


def test_math_is_characters_not_double_escaped_references():
    out = on("$\\alpha \\le \\infty$")
    assert "&amp;" not in out and "&#x" not in out
    assert [e.text for e in maths(out)[0].iter() if e.tag.endswith("}mi") or e.tag.endswith("}mo")] == [
        "\u03b1", "\u2264", "\u221e"]


def test_heading_anchor_ignores_the_annotation():
    out = on("## Cost $O(n^2)$")
    assert out.startswith('<h2 id="Cost-O-n2"><a href="#Cost-O-n2" class="headerlink" title="Cost O(n2)"></a>Cost <math ')


def test_rendering_is_deterministic_and_cached():
    md = MarkdownRenderer(ON)
    a = md.render("$x^2$ and $x^2$")
    assert a == md.render("$x^2$ and $x^2$")
    assert mdmath.tex_to_mathml.cache_info().hits > 0


# ----------------------------------------------------------------------------- seed004 reference page

def _seed_body() -> str:
    text = SEED004.read_text(encoding="utf-8")
    return text.split("---", 2)[2]


@pytest.mark.skipif(not SEED004.is_file(), reason="shared corpus not available")
def test_seed004_star_is_a_superscript():
    md = MarkdownRenderer(ON)
    out = md.render(_seed_body())
    els = maths(out)
    assert len(els) == 7  # every `$^{\*}$` on the page
    for el in els:
        assert el.get("display") == "inline"
        msup = el.find(".//m:msup", NS)
        assert msup is not None
        assert [e.text for e in msup.iter() if e.tag.endswith("}mo")] == ["*"]
        assert tex_of(el) == "^{*}"
    assert "<strong>Jue Wang</strong><math " in out
    assert md.last_warnings == []


@pytest.mark.skipif(not SEED004.is_file(), reason="shared corpus not available")
def test_seed004_only_the_formulas_change():
    """With maths on, the page is the Hexo page with each `$^{*}$` swapped for MathML."""
    body = _seed_body()
    assert body.count("$") == 14
    swapped = _MATH_RE.sub("$^{*}$", on(body))
    assert swapped == off(body)
