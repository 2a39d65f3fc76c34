"""The Markdown fast paths give what mistune's full parse gives (engine.markdown.fast_*).

`MarkdownRenderer(fast=False)` (and `HexoInlineParser(fast=False)`) run every paragraph and list
through mistune; hypothesis compares the two on random Markdown built from the syntax the fast
paths handle and the syntax that must make them step aside.  Token lists are compared after
merging adjacent text tokens: mistune itself splits text arbitrarily, and the renderer (like
mistune's emphasis pass) treats a run of text tokens as one.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.markdown import MarkdownRenderer
from engine.markdown.fast_emphasis import AVAILABLE, pair_emphasis
from engine.markdown.fast_inline import FastInline

CHECK = settings(max_examples=1500, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CONFIGS = [{}, {"marked": {"breaks": False}}, {"math": True}, {"marked": {"autolink": False}},
           {"marked": {"smartypants": False}, "root": "/blog/", "url": "http://example.com/blog"}]

INLINE_ATOMS = st.sampled_from([
    "*", "**", "***", "_", "__", "[", "]", "](", ")", "(", "![", "`", "``", "\\", "\\*", "\\[",
    "\\]", "\\\\", "<", ">", "http://x.y/a", "https://ex.com/p?q=1&r=2", "www.foo.org", "WWW.x",
    "httpſ://x", "ftp://f.x", "h", "f", "w", "word", "a b", " ", " ", "!", "~~", "~", "$", "$x$",
    "&amp;", "&", "&copy;", "&#123;", "\n", "  \n", " \n", "\\\n", "\t", "a@b.com", "'", '"', "--",
    "...", "é", "中", "\u00a0", "[x](http://a.b/c \"t\")", "[y](<u v>)", "[z](/p(a)q)", "[a](b)",
    "![i](s.png)", "[**b**](u)", "[a_b_](u)", "](u)", "(u)", "[l]( u )", "[l](\n u)", "x_y_z",
    "*a*", "**a**", "_a_", "__a__", "`c`", "`` a ` b ``", "\\`", "%20", "[ref]", "[ref][]",
])
LINE_ATOMS = st.sampled_from([
    "- a", "- b *c*", "* x", "+ y", "1. one", "2. two", "3) three", "10. ten", "-  two", "-    four",
    "-     five", "  - nested", "   - three", "    - four in", "  * star", "   1. n1", "     - deep",
    "-", "- ", "para text", "[l](u) text", "`c` first", "**b** first", "2024 text", "  indented",
    "    code?", "", "", "", "# head", "## h2", "> quote", "> - q", "```", "~~~", "---", "***",
    "- - -", "===", "<div>", "<!-- c -->", "| a | b |", "|---|---|", "[ref]: /u", "- [ ] task",
    "- [x] done", "\t- tab", "-\tx", "  \tx", "- a  ", "  ", "$$", "\u00a0- nb", "- \u00a0x",
    "1.", "0. zero", "- [l](u)", "  [l](u)", "  **cont**", "text | pipe", "- see http://x.y",
    "  \u3000", "   \u00a0x", "      deep cont",
])


def _merged(tokens: list[dict]) -> list[dict]:
    out: list[dict] = []
    for tok in tokens:
        tok = {k: (_merged(v) if k == "children" else v) for k, v in tok.items()
               if k not in ("_emphasis", "_autolink")}
        if tok["type"] == "text" and out and out[-1]["type"] == "text":
            out[-1] = {"type": "text", "raw": out[-1]["raw"] + tok["raw"]}
        else:
            out.append(tok)
    return out


_FAST = [MarkdownRenderer(cfg) for cfg in CONFIGS]
_FULL = [MarkdownRenderer(cfg, fast=False) for cfg in CONFIGS]
_REFS = {"ref_links": {"ref": {"url": "/r"}, "l": {"url": "/l", "title": "T"}}}


@CHECK
@given(st.lists(INLINE_ATOMS, min_size=1, max_size=14).map("".join),
       st.integers(0, len(CONFIGS) - 1), st.booleans())
def test_inline_fast_path_gives_mistune_tokens(text, which, refs):
    fast = FastInline(_FAST[which]._md.inline)
    assert fast.enabled
    tokens = fast.tokens(text)
    if tokens is not None:
        env = dict(_REFS) if refs else {"ref_links": {}}
        assert _merged(tokens) == _merged(_FULL[which]._md.inline(text, env))


@CHECK
@given(st.lists(LINE_ATOMS, min_size=1, max_size=12).map("\n".join), st.integers(0, len(CONFIGS) - 1))
def test_block_fast_paths_give_mistune_tokens(doc, which):
    def block_tokens(renderer):
        state = renderer._md.block.state_cls()
        state.process(doc + "\n")
        renderer._md.block.parse(state)
        return state.tokens, state.cursor, state.env

    assert block_tokens(_FAST[which]) == block_tokens(_FULL[which])


@CHECK
@given(st.lists(st.one_of(LINE_ATOMS, INLINE_ATOMS), min_size=1, max_size=20).map("".join),
       st.integers(0, len(CONFIGS) - 1))
def test_rendered_html_is_the_same_with_and_without_fast_paths(doc, which):
    assert _FAST[which].render(doc) == _FULL[which].render(doc)


def test_fast_paths_cover_common_blog_markdown():
    """They must not quietly switch off (a mistune upgrade, a new inline rule)."""
    parser = _FAST[0]._md.inline
    fast = FastInline(parser)
    assert fast.enabled and AVAILABLE
    for text in ["Plain *prose* with **bold**, `code` and [a link](https://x.org/a_b).",
                 "Line one\nline two  \nthree \\\n![img](/a.png) and https://example.com/x.",
                 r"[\[Paper\]](https://x.org) (ICML24), [**Title**](u) by _someone_."]:
        assert fast.tokens(text) is not None, text
    state = _FAST[0]._md.block.state_cls()
    state.process("- a\n- b\n  - c\n\n## Next\n")
    _FAST[0]._md.block.parse(state)
    assert [t["type"] for t in state.tokens] == ["list", "heading"]


def test_fast_paths_step_aside_for_what_they_do_not_handle():
    fast = FastInline(_FAST[0]._md.inline)
    for text in ["<b>raw</b>", "a ] b", "[a] b", "[a [b]](c)", "~~del~~", "[`x`](u)",
                 "[see https://x.y](u)", "[a\nb](u)"]:
        assert fast.tokens(text) is None, text


def test_pair_emphasis_examples():
    text = [{"type": "text", "raw": "a **b** and *c* d"}]
    assert pair_emphasis(text) == [
        {"type": "text", "raw": "a "}, {"type": "strong", "children": [{"type": "text", "raw": "b"}]},
        {"type": "text", "raw": " and "},
        {"type": "emphasis", "children": [{"type": "text", "raw": "c"}]}, {"type": "text", "raw": " d"}]
    for ambiguous in ["***a***", "**a*", "a*b*c", "*a **b** c*", "*a* *b"]:
        assert pair_emphasis([{"type": "text", "raw": ambiguous}]) is None, ambiguous
    assert pair_emphasis([{"type": "text", "raw": "a ** b"}]) == [{"type": "text", "raw": "a ** b"}]


def test_lists_end_like_mistune_after_blank_lines():
    # a heading after a list is parsed from inside the list in mistune; the list token goes first
    doc = "- a\n- b\n\n# H\n\n> - q\n> - r\n\nafter\n"
    assert _FAST[0].render(doc) == _FULL[0].render(doc)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("&<>\"'#x;1aé ")), max_size=30), st.booleans())
def test_marked_escape_precheck_changes_nothing(text, encode):
    from engine.markdown.render import _MARKED_ESC_ALL_RE, _MARKED_ESC_RE, _esc_sub, marked_escape

    full = _MARKED_ESC_ALL_RE if encode else _MARKED_ESC_RE
    assert marked_escape(text, encode) == full.sub(_esc_sub, text)
