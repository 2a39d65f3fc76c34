"""engine.highlight: Hexo's highlight.js / prism markup from Pygments tokens (SPEC §2, §10)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.highlight import (HighlightOptions, escape_braces, highlight, is_known_language,
                              parse_mark, strip_indent)

ORACLE = Path("/work/shared/hexo-oracle")
DEFAULT = HighlightOptions()


def code_lines(html: str) -> list[str]:
    """Inner HTML of each `<span class="line…">` of the code column."""
    code = html.split('<td class="code"><pre>', 1)[1].split("</pre></td>", 1)[0]
    return re.findall(r'<span class="line(?: marked)?">(.*?)</span><br>', code)


# --- exact oracle strings -----------------------------------------------------------------

def test_js_fence_matches_oracle_exactly():
    html = highlight('const a = 1 < 2 && "x";', "js", DEFAULT)
    assert html == (
        '<figure class="highlight js"><table><tr><td class="gutter"><pre><span class="line">1'
        '</span><br></pre></td><td class="code"><pre><span class="line"><span class="keyword">'
        'const</span> a = <span class="number">1</span> &lt; <span class="number">2</span> '
        '&amp;&amp; <span class="string">&quot;x&quot;</span>;</span><br></pre></td></tr>'
        '</table></figure>')


def test_plaintext_and_unknown_language():
    plain = highlight("plain fence", None, DEFAULT)
    assert plain.startswith('<figure class="highlight plaintext">')
    unknown = highlight("foo <bar>", "unknownlang", DEFAULT)
    assert '<figure class="highlight plaintext">' in unknown
    assert '<span class="line">foo &lt;bar&gt;</span>' in unknown
    # 'plain' is not a highlight.js alias either (hexo-theme-unit-test: ``` plain → plaintext)
    assert highlight("x", "plain", DEFAULT).startswith('<figure class="highlight plaintext">')


def test_language_name_kept_as_written_when_known():
    assert highlight("x", "javascript", DEFAULT).startswith('<figure class="highlight javascript">')
    assert highlight("x", "objectivec", DEFAULT).startswith('<figure class="highlight objectivec">')
    assert is_known_language("JS") and not is_known_language("nope")


def test_quotes_escaped_like_hljs():
    html = highlight("alert('Hello World!');", None, DEFAULT)
    assert "alert(&#x27;Hello World!&#x27;);" in html


def test_objc_numbers_match_oracle():
    html = highlight("[rectangle setX: 10 y: 10 width: 20 height: 20];", "objc", DEFAULT)
    assert code_lines(html) == [
        '[rectangle setX: <span class="number">10</span> y: <span class="number">10</span> '
        'width: <span class="number">20</span> height: <span class="number">20</span>];']


# --- structure -----------------------------------------------------------------------------

def test_one_line_span_per_source_line_and_gutter_numbers():
    code = "a = '''x\ny'''\n\nz = 1"
    html = highlight(code, "python", DEFAULT)
    assert len(code_lines(html)) == 4
    gutter = re.findall(r'<span class="line">(\d+)</span><br>', html.split('<td class="code">')[0])
    assert gutter == ["1", "2", "3", "4"]


def test_spans_never_cross_lines():
    code = '"""doc\nstring\nspans"""\nx = 1'
    html = highlight(code, "python", DEFAULT)
    for line in code_lines(html):
        # every line's inner HTML is balanced on its own
        assert line.count("<span") == line.count("</span>")
    assert code_lines(html)[1] == '<span class="string">string</span>'


def test_structure_is_well_formed_for_many_languages():
    samples = {"rust": "fn main() {\n  let s = \"a\nb\";\n}", "html": "<p class=\"x\">\n</p>",
               "css": "body { color: #fff; }", "go": "package main\n// c\n",
               "bash": "echo \"$HOME\"\n", "json": '{"a": [1, null]}', "sql": "SELECT 1;"}
    for lang, code in samples.items():
        html = highlight(code, lang, DEFAULT)
        parser = _Balance()
        parser.feed(html)
        assert parser.stack == [], lang
        assert len(code_lines(html)) == code.count("\n") + 1, lang


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def test_first_line_and_mark_use_displayed_numbers():
    html = highlight("var a = 1;\nvar b = 2;", "js", DEFAULT.with_(first_line=5, mark=(2,)))
    assert "marked" not in html              # 2 is not a displayed number (5, 6)
    assert '<span class="line">5</span><br><span class="line">6</span><br>' in html
    html = highlight("a\nb\nc", "js", DEFAULT.with_(mark=parse_mark("1,3")))
    assert re.findall(r'<span class="line( marked)?">[abc]', html) == [" marked", "", " marked"]


def test_parse_mark():
    assert parse_mark("1,7-8,10") == (1, 7, 8, 10)
    assert parse_mark("3-1, x, 5") == (1, 2, 3, 5)
    assert parse_mark(None) == ()


def test_line_number_false_drops_gutter():
    html = highlight("x", "js", DEFAULT.with_(line_number=False))
    assert 'class="gutter"' not in html
    assert html.startswith('<figure class="highlight js"><table><tr><td class="code"><pre>')


def test_line_threshold():
    html = highlight("a\nb", "js", DEFAULT.with_(line_threshold=2))
    assert 'class="gutter"' not in html
    assert 'class="gutter"' in highlight("a\nb\nc", "js", DEFAULT.with_(line_threshold=2))


def test_wrap_false_without_gutter():
    html = highlight("var a;\nb", "js", DEFAULT.with_(wrap=False, line_number=False))
    assert html == ('<pre><code class="highlight js"><span class="keyword">var</span> a;\nb'
                    '</code></pre>')


def test_wrap_false_loses_to_gutter():
    assert highlight("x", "js", DEFAULT.with_(wrap=False)).startswith("<figure")


def test_caption():
    html = highlight("x", "js", DEFAULT.with_(caption='<span>t</span><a href="u">l</a>'))
    assert '<figure class="highlight js"><figcaption><span>t</span><a href="u">l</a></figcaption>' \
           '<table>' in html


def test_tab_replace_and_strip_indent():
    html = highlight("\tx\n\t\ty", None, DEFAULT.with_(tab_replace="  ", strip_indent=False))
    assert code_lines(html) == ["  x", "    y"]
    assert strip_indent("    a\n      b\n\n    c") == "a\n  b\n\nc"
    assert code_lines(highlight("    a\n      b", None, DEFAULT)) == ["a", "  b"]


def test_language_attr_and_hljs_prefix():
    html = highlight("var a", "js", DEFAULT.with_(language_attr=True))
    assert html.startswith('<figure class="highlight js" data-language="js">')
    html = highlight("var a", "js", DEFAULT.with_(hljs=True))
    assert html.startswith('<figure class="highlight js">')
    assert '<td class="code"><pre><code class="hljs js">' in html
    assert '<span class="hljs-keyword">var</span>' in html


def test_exclude_languages():
    html = highlight("a < b", "mermaid", DEFAULT.with_(exclude_languages=("mermaid",)))
    assert html == '<pre><code class="mermaid">a &lt; b</code></pre>'


def test_disabled_highlighter_plain_pre_code():
    opts = HighlightOptions.from_config({"syntax_highlighter": ""})
    assert not opts.enabled
    assert highlight("a<b", "js", opts) == '<pre><code class="language-js">a&lt;b\n</code></pre>'
    assert highlight("x", None, HighlightOptions.from_config({"syntax_highlighter": False})) == \
        "<pre><code>x\n</code></pre>"


def test_prismjs_markup():
    opts = HighlightOptions.from_config({"syntax_highlighter": "prismjs"})
    html = highlight("var a = 1;\nb", "js", opts)
    assert html.startswith('<pre class="line-numbers language-js"><code class="language-js">')
    assert '<span class="token keyword">var</span>' in html
    assert '<span class="token number">1</span>' in html
    assert html.endswith('<span aria-hidden="true" class="line-numbers-rows"><span></span>'
                         '<span></span></span></code></pre>')
    opts = HighlightOptions.from_config({"syntax_highlighter": "prismjs",
                                         "prismjs": {"line_number": False, "preprocess": False}})
    assert highlight("a<b", "js", opts) == \
        '<pre class="language-js"><code class="language-js">a&lt;b</code></pre>'


def test_from_config_reads_highlight_section():
    opts = HighlightOptions.from_config({"highlight": {"line_number": False, "wrap": False,
                                                       "tab_replace": "  ", "hljs": True,
                                                       "exclude_languages": ["x"]}})
    assert (opts.line_number, opts.wrap, opts.tab_replace, opts.hljs, opts.exclude_languages) == \
        (False, False, "  ", True, ("x",))
    assert HighlightOptions.from_config(None) == HighlightOptions()


def test_escape_braces():
    assert escape_braces("{{ x }}") == "&#123;&#123; x &#125;&#125;"


def _oracle_blocks() -> list[str]:
    p = ORACLE / "hexo-theme-unit-test/pages/2019/07/25/code-highlight/index.html.json"
    content = json.loads(p.read_text())["page"]["content"]
    return re.findall(r'<figure class="highlight [^"]+">.*?</figure>', content)


@pytest.mark.skipif(not ORACLE.exists(), reason="oracle not available")
def test_unit_test_code_highlight_structure_matches_oracle():
    """Every block of code-highlight.md: same language class, same line count, same plain text
    per line (tokens may differ from highlight.js; the structure and text must not)."""
    src = (Path("/work/shared/corpora/hexo-theme-unit-test/source/_posts/code-highlight.md")
           .read_text())
    fences = re.findall(r"^```[ ]?(\S*)\n(.*?)\n```$", src, re.S | re.M)
    blocks = _oracle_blocks()
    assert len(fences) == len(blocks)
    strip = re.compile(r"<[^>]+>")
    for (lang, code), expected in zip(fences, blocks):
        ours = escape_braces(highlight(code, lang, DEFAULT))
        assert ours.split(">", 1)[0] == expected.split(">", 1)[0], lang
        ours_text = [strip.sub("", x) for x in code_lines(ours)]
        exp_text = [strip.sub("", x) for x in code_lines(expected)]
        assert ours_text == exp_text, lang


# --- fast paths: the same tokens and markup as the plain algorithms ------------------------

_CODE_CHARS = st.sampled_from(list("{}()[]<>\"'`/*#\\$@%\n\n\t ;:=-+!?|&^~.,_aZ09") + [
    "def ", "class ", "function ", "return ", "import ", "fn ", "let ", "const ", "if ", "else",
    "for ", "echo ", "$HOME", "<<EOF\nx\nEOF\n", "f\"{x}\"", "'''doc'''", "/* c */", "// c\n",
    "# c\n", "`t ${x} t`", "=>", "0x1F", "1e-5", "r#\"raw\"#", "key: value\n", "- item\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CODE_CHARS, max_size=60).map("".join),
       st.sampled_from(["python", "javascript", "typescript", "rust", "go", "bash", "css", "html",
                        "json", "java", "sql", "yaml", "c", "ruby", "diff", "ini", "makefile"]))
def test_joined_lexer_states_give_pygments_tokens(code, lang):
    from engine.highlight import _lexer_for
    from engine.highlight_lexer import lex

    lexer = _lexer_for(lang)
    assert list(lex(lexer, code)) == list(lexer.get_tokens(code))


@settings(max_examples=300, deadline=None)
@given(st.lists(_CODE_CHARS, max_size=60).map("".join),
       st.sampled_from(["python", "rust", "go", "bash", "css", "yaml", "json", "plaintext"]),
       st.sampled_from(["", "hljs-"]))
def test_flat_lines_match_the_scoped_algorithm_without_scopes(code, lang, prefix):
    from engine.highlight import _flat_lines, _lexer_for, _scoped_lines, _tokens

    tokens = list(_tokens(_lexer_for(lang), code))
    assert _flat_lines(tokens, lang, prefix) == _scoped_lines(
        ((t, v, ()) for t, v in tokens), lang, prefix)


def test_joined_lexer_is_used_for_common_languages():
    from engine.highlight import _lexer_for
    from engine.highlight_lexer import supported

    for lang in ("python", "javascript", "rust", "go", "bash", "css", "java"):
        assert supported(_lexer_for(lang)), lang
