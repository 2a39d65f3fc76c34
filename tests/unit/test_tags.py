"""engine.tags: the scanner, argument splitting, every built-in tag and the error paths."""
from __future__ import annotations

import types
from pathlib import Path

import pytest

from engine.errors import SourceError
from engine.extend import Extend
from engine.model import Document, Query, Site
from engine.post_render import register_builtin_filters, render_document
from engine.tags import TagContext, TagPass, register_builtin_tags, split_args
from engine.tags.scanner import ScanError, scan

CONFIG = {"root": "/blog/", "url": "http://example.com/blog", "source_dir": "source",
          "code_dir": "downloads/code"}


class FakeMarkdown:
    """Stands in for engine.markdown: one paragraph per blank-line-separated chunk."""

    def render(self, text: str) -> str:
        chunks = [c.strip() for c in text.split("\n\n") if c.strip()]
        return "".join(c + "\n" if c.startswith("<!--") else f"<p>{c}</p>\n" for c in chunks)


def make_engine(site_dir: Path | str = "/nonexistent", config: dict | None = None):
    ext = Extend()
    register_builtin_tags(ext)
    register_builtin_filters(ext)
    return types.SimpleNamespace(config=types.SimpleNamespace(raw=dict(config or CONFIG)),
                                 extend=ext, markdown=FakeMarkdown(), site_dir=Path(site_dir))


def make_doc(body: str, site_dir: Path | str = "/nonexistent", name: str = "x.md",
             header_lines: int = 3, **kw) -> Document:
    raw = "---\ntitle: X\n---\n" + body
    fields = dict(kind="post", source=f"_posts/{name}",
                  full_source=Path(site_dir) / "source/_posts" / name, raw=raw, body=body,
                  body_line=header_lines + 1, front_matter={}, title="X", path="2024/01/02/x/")
    fields.update(kw)
    return Document(**fields)


def yaml_basic() -> Document:
    d = make_doc("", name="yaml-basic.md", path="2024/01/02/yaml-basic/", title="YAML Basic")
    d.slug = "yaml-basic"
    return d


SITE = Site(posts=Query([yaml_basic()]))


def tags(text: str, engine=None, doc=None, site=SITE) -> str:
    """Render tags only (no Markdown) in `text`."""
    engine = engine or make_engine()
    ctx = TagContext(engine=engine, doc=doc, site=site, config=engine.config.raw, path="source/x.md")
    return TagPass(ctx).render_text(text)


# --- arguments ---------------------------------------------------------------------------

@pytest.mark.parametrize("src, expected", [
    ("a b  c", ["a", "b", "c"]),
    ('"a b" c', ["a b", "c"]),
    ("'a b' \"c d\"", ["a b", "c d"]),
    ('x"y z"', ["xy z"]),
    (r'"say \"hi\"" \n', ['say "hi"', r"\n"]),
    ('"" a', ["", "a"]),
    ('"unterminated arg', ["unterminated arg"]),
    ("lang:js mark:1,3-4", ["lang:js", "mark:1,3-4"]),
    ("", []),
])
def test_split_args(src, expected):
    assert split_args(src) == expected


# --- scanner -------------------------------------------------------------------------------

def _kinds(text, blocks=("blockquote",)):
    names = {"blockquote": True, "img": False, "codeblock": True}
    return [(n.kind, n.name) for n in scan(text, lambda name: names.get(name))]


def test_scan_node_kinds():
    text = "{% img a %} {{ x }} {# c #} {% raw %}{% nope %}{% endraw %} {% blockquote %}q{% endblockquote %}"
    assert _kinds(text) == [("tag", "img"), ("expr", ""), ("comment", ""), ("raw", "raw"),
                            ("block", "blockquote")]


def test_scan_skips_inline_code_and_html_comments():
    assert _kinds("`{% nope %}` and ``{{ x }}`` <!-- {% nope %} --> {% img a %}") == [("tag", "img")]
    # an unmatched backtick is literal text, the tag after it still counts
    assert _kinds("a ` b {% img a %}") == [("tag", "img")]


def test_scan_nested_blocks_and_verbatim_code():
    nodes = scan("{% blockquote %}a {% img x %} {% blockquote %}b{% endblockquote %}{% endblockquote %}",
                 lambda n: {"blockquote": True, "img": False}.get(n))
    assert len(nodes) == 1 and [c.kind for c in nodes[0].children] == ["tag", "block"]
    nodes = scan("{% codeblock %}{% nope %}{{ x }}{% endcodeblock %}",
                 lambda n: {"codeblock": True}.get(n))
    assert nodes[0].body == "{% nope %}{{ x }}" and nodes[0].children == []


@pytest.mark.parametrize("text, message", [
    ("{% nope %}", "unknown tag 'nope'"),
    ("{% blockquote %}x", "'{% blockquote %}' is not closed"),
    ("{% endblockquote %}", "unexpected '{% endblockquote %}'"),
    ("{% img x", "unclosed tag"),
    ("{{ x", "unclosed expression"),
    ("{# x", "unclosed comment"),
    ("{% raw %}x", "'{% raw %}' is not closed"),
    ("{%  %}", "empty tag"),
])
def test_scan_errors(text, message):
    with pytest.raises(ScanError) as exc:
        scan(text, lambda n: {"blockquote": True, "img": False}.get(n))
    assert message in exc.value.message


def test_whitespace_control():
    assert tags("a  {%- url_for t / -%}  b") == 'a<a href="/blog/">t</a>b'
    assert tags("a {{- 'x' }} b") == "ax b"
    assert tags("a {# c -#}   b") == "a b"


# --- expressions -----------------------------------------------------------------------------

def test_expressions_like_hexo_nunjucks():
    assert tags('{{ "nunjucks" | upper }}') == "NUNJUCKS"
    assert tags("[{{ page.title }}]") == "[]"        # no template variables in posts
    assert tags("{{ undefined_thing.a.b }}") == ""
    assert tags("{{ 1 + 2 }}") == "3"
    assert tags("{{ '<b>' }}") == "<b>"              # Hexo's Nunjucks does not autoescape


def test_bad_expression_is_source_error():
    with pytest.raises(SourceError) as exc:
        tags("{{ 1 + }}")
    assert "bad expression" in exc.value.message


def test_raw_and_comment():
    assert tags("{% raw %}{{ x }} {% y %}{% endraw %}") == "{{ x }} {% y %}"
    assert tags("a{# hidden #}b") == "ab"


# --- blockquote / pullquote ---------------------------------------------------------------

def test_blockquote_forms():
    assert tags("{% blockquote %}\nPlain.\n{% endblockquote %}") == \
        "<blockquote><p>Plain.</p>\n</blockquote>"
    assert tags("{% blockquote David Levithan, Wide Awake %}Q{% endblockquote %}") == (
        "<blockquote><p>Q</p>\n<footer><strong>David Levithan</strong><cite>Wide Awake</cite>"
        "</footer></blockquote>")
    assert tags("{% blockquote @DevDocs https://twitter.com/devdocs/status/1 %}Q{% endblockquote %}") \
        == ('<blockquote><p>Q</p>\n<footer><strong>@DevDocs</strong><cite><a href="https://twitte'
            'r.com/devdocs/status/1">twitter.com/devdocs/status/1</a></cite></footer></blockquote>')
    assert tags("{% blockquote Seth Godin http://a.com/x Welcome to Island %}Q{% endblockquote %}") \
        == ('<blockquote><p>Q</p>\n<footer><strong>Seth Godin</strong><cite><a href="http://a.com'
            '/x">Welcome to Island</a></cite></footer></blockquote>')
    assert tags("{% blockquote Only Author %}Q{% endblockquote %}").endswith(
        "<footer><strong>Only Author</strong></footer></blockquote>")
    assert tags("{% quote %}Q{% endquote %}") == "<blockquote><p>Q</p>\n</blockquote>"


def test_blockquote_body_has_nested_tags_rendered():
    out = tags("{% blockquote %}see {% url_for home / %}{% endblockquote %}")
    assert out == '<blockquote><p>see <a href="/blog/">home</a></p>\n</blockquote>'


def test_pullquote():
    assert tags("{% pullquote right %}\nText.\n{% endpullquote %}") == \
        '<blockquote class="pullquote right"><p>Text.</p>\n</blockquote>'
    assert tags("{% pullquote %}T{% endpullquote %}").startswith('<blockquote class="pullquote">')


# --- codeblock ---------------------------------------------------------------------------------

def test_codeblock_forms():
    out = tags("{% codeblock %}\nalert('x');\n{% endcodeblock %}")
    assert out.startswith('<figure class="highlight plaintext"><table>')
    assert "alert(&#x27;x&#x27;);" in out
    out = tags("{% codeblock Array.map %}\na\n{% endcodeblock %}")
    assert '<figcaption><span>Array.map</span></figcaption>' in out
    out = tags("{% codeblock _.compact http://u.org/#c Underscore.js %}\na\n{% endcodeblock %}")
    assert '<figcaption><span>_.compact</span><a href="http://u.org/#c">Underscore.js</a>' in out
    out = tags("{% codeblock title http://u.org/ %}\na\n{% endcodeblock %}")
    assert '<a href="http://u.org/">link</a>' in out
    out = tags("{% code lang:js mark:2 first_line:5 %}\nvar a = 1;\nvar b = 2;\n{% endcode %}")
    assert out.startswith('<figure class="highlight js">')
    assert '<span class="line">5</span><br><span class="line">6</span><br>' in out
    assert "marked" not in out


def test_codeblock_options():
    out = tags("{% codeblock lang:js mark:1,3 %}\na\nb\nc\n{% endcodeblock %}")
    assert out.count("line marked") == 2
    assert 'class="gutter"' not in tags("{% codeblock line_number:false %}\na\n{% endcodeblock %}")
    out = tags("{% codeblock lang:js wrap:false line_number:false %}\na\n{% endcodeblock %}")
    assert out.startswith('<pre><code class="highlight js">')
    assert tags("{% codeblock highlight:false %}\n<a>{x}\n{% endcodeblock %}") == \
        "<pre><code>&lt;a&gt;&#123;x&#125;</code></pre>"


def test_codeblock_body_is_verbatim_and_braces_escaped():
    out = tags("{% codeblock %}\n{{ x }} {% nope %}\n{% endcodeblock %}")
    assert "&#123;&#123; x &#125;&#125; &#123;% nope %&#125;" in out


def test_codeblock_bad_first_line():
    with pytest.raises(SourceError) as exc:
        tags("{% codeblock first_line:x %}\na\n{% endcodeblock %}")
    assert "first_line" in exc.value.message


# --- include_code ----------------------------------------------------------------------------

@pytest.fixture
def code_site(tmp_path):
    code = tmp_path / "source/downloads/code"
    (code / "sub").mkdir(parents=True)
    (code / "sub/hello.py").write_text("a = 1\nb = 2\nc = 3\n")
    (tmp_path / "secret.txt").write_text("secret\n")
    return tmp_path


def test_include_code(code_site):
    eng = make_engine(code_site)
    out = tags("{% include_code sub/hello.py %}", engine=eng)
    assert out.startswith('<figure class="highlight py"><figcaption><span>hello.py</span>'
                          '<a href="/blog/downloads/code/sub/hello.py">view raw</a></figcaption>')
    assert out.count('<span class="line">') == 6          # 3 gutter + 3 code lines
    out = tags("{% include_code Title lang:text from:2 to:3 sub/hello.py %}", engine=eng)
    assert "<span>Title</span>" in out and 'class="highlight text"' in out
    assert '<span class="line">2</span><br><span class="line">3</span><br></pre>' in out
    assert "a = 1" not in out
    assert tags("{% include-code missing.py %}", engine=eng) == ""      # Hexo: nothing


@pytest.mark.parametrize("path", ["../../../secret.txt", "/etc/passwd", "sub/../../../../secret.txt"])
def test_include_code_refuses_paths_outside_code_dir(code_site, path):
    with pytest.raises(SourceError) as exc:
        tags("{% include_code " + path + " %}", engine=make_engine(code_site))
    assert "outside the code folder" in exc.value.message


def test_include_code_needs_path():
    with pytest.raises(SourceError):
        tags("{% include_code %}")


# --- iframe / img / link --------------------------------------------------------------------

def test_iframe():
    assert tags("{% iframe https://e.com/x 600 400 %}") == (
        '<iframe src="https://e.com/x" width="600" height="400" frameborder="0" loading="lazy" '
        'allowfullscreen></iframe>')
    assert 'width="100%" height="300"' in tags("{% iframe https://e.com/x %}")
    with pytest.raises(SourceError):
        tags("{% iframe %}")


def test_img():
    assert tags("{% img /images/x.jpg %}") == '<img src="/blog/images/x.jpg" class="">'
    assert tags('{% img left /images/x.jpg 200 100 "Title text" "Alt text" %}') == \
        '<img src="/blog/images/x.jpg" class="left" width="200" height="100" title="Title text Alt text">'
    assert tags("{% image a b https://x.com/i.png %}") == \
        '<img src="https://x.com/i.png" class="a b">'
    assert tags("{% img /i.png 50 %}") == '<img src="/blog/i.png" class="" width="50">'
    with pytest.raises(SourceError) as exc:
        tags("{% img relative.png %}")
    assert "img needs an image path" in exc.value.message


def test_link():
    assert tags("{% link Example https://example.com/ %}") == \
        '<a href="https://example.com/" title="" target="">Example</a>'
    assert tags('{% link Ex2 https://example.com/ false "Link Title" %}') == \
        '<a href="https://example.com/" title="Link Title" target="">Ex2</a>'
    assert tags("{% a Two words https://e.com true T %}") == \
        '<a href="https://e.com" title="T" target="_blank">Two words</a>'
    assert tags("{% anchor <b> /x %}") == '<a href="/x" title="" target="">&lt;b&gt;</a>'
    with pytest.raises(SourceError):
        tags("{% link no url here %}")


# --- post_path / post_link -----------------------------------------------------------------------

def test_post_path_and_link():
    assert tags("{% post_path yaml-basic %}") == "/blog/2024/01/02/yaml-basic/"
    assert tags("{% post_path nope %}") == ""
    assert tags("{% post_link yaml-basic %}") == \
        '<a href="/blog/2024/01/02/yaml-basic/" title="YAML Basic">YAML Basic</a>'
    assert tags("{% post_link yaml-basic 'Custom Text' %}") == \
        '<a href="/blog/2024/01/02/yaml-basic/" title="YAML Basic">Custom Text</a>'
    assert tags("{% post_link yaml-basic#sec <b>x</b> %}") == \
        '<a href="/blog/2024/01/02/yaml-basic/#sec" title="YAML Basic">&lt;b&gt;x&lt;/b&gt;</a>'
    assert tags("{% post_link yaml-basic <b>x</b> false %}") == \
        '<a href="/blog/2024/01/02/yaml-basic/" title="YAML Basic"><b>x</b></a>'


def test_post_link_missing_post_is_error_with_line():
    doc = make_doc("line one\n\n{% post_link missing %}\n")
    with pytest.raises(SourceError) as exc:
        render_document(make_engine(), doc, SITE)
    err = exc.value
    assert err.path == "source/_posts/x.md" and err.line == 6
    assert "no post with slug 'missing'" in err.message
    assert "> 6 | {% post_link missing %}" in err.context


# --- assets -----------------------------------------------------------------------------------

@pytest.fixture
def asset_doc(tmp_path):
    folder = tmp_path / "source/_posts/x"
    folder.mkdir(parents=True)
    (folder / "pic.png").write_bytes(b"png")
    (folder / "a b.txt").write_text("t")
    (tmp_path / "source/_posts/other.txt").write_text("o")
    return make_doc("", site_dir=tmp_path, asset_dir=str(folder), path="2024/01/22/x/")


def test_asset_tags(asset_doc):
    assert tags("{% asset_path pic.png %}", doc=asset_doc) == "/blog/2024/01/22/x/pic.png"
    assert tags("{% asset_img pic.png %}", doc=asset_doc) == \
        '<img src="/blog/2024/01/22/x/pic.png" class="">'
    assert tags('{% asset_image left pic.png 10 20 "T" %}', doc=asset_doc) == \
        '<img src="/blog/2024/01/22/x/pic.png" class="left" width="10" height="20" title="T">'
    assert tags("{% asset_link pic.png %}", doc=asset_doc) == \
        '<a href="/blog/2024/01/22/x/pic.png" title="pic.png">pic.png</a>'
    assert tags('{% asset_link "a b.txt" My <File> %}', doc=asset_doc) == \
        '<a href="/blog/2024/01/22/x/a%20b.txt" title="My &lt;File&gt;">My &lt;File&gt;</a>'


def test_missing_assets_render_empty(asset_doc):
    for t in ("asset_path", "asset_img", "asset_link"):
        assert tags("{% " + t + " nope.png %}", doc=asset_doc) == ""
        assert tags("{% " + t + " ../other.txt %}", doc=asset_doc) == ""   # outside the folder
        assert tags("{% " + t + " pic.png %}", doc=make_doc("")) == ""    # no asset folder


# --- url_for / full_url_for / embeds ---------------------------------------------------------------

def test_url_tags():
    assert tags("{% url_for Home / %}") == '<a href="/blog/">Home</a>'
    assert tags("{% url_for Two words /a/ %}") == '<a href="/blog/a/">Two words</a>'
    assert tags("{% full_url_for Home /a/ %}") == '<a href="http://example.com/blog/a/">Home</a>'
    with pytest.raises(SourceError):
        tags("{% url_for onlytext %}")


def test_embeds_match_hexo_tag_embed():
    assert tags("{% youtube TIbZDRXM-Tg %}") == (
        '<div class="video-container"><iframe src="https://www.youtube.com/embed/TIbZDRXM-Tg" '
        'frameborder="0" loading="lazy" allowfullscreen></iframe></div>')
    assert "youtube.com/embed/videoseries?list=PL1" in tags("{% youtube PL1 playlist %}")
    assert "youtube-nocookie.com" in tags("{% youtube x video false %}")
    assert tags("{% vimeo 82090131 %}") == (
        '<div class="video-container"><iframe src="https://player.vimeo.com/video/82090131" '
        'frameborder="0" loading="lazy" allowfullscreen></iframe></div>')
    assert tags("{% gist 996818 %}") == '<script src="//gist.github.com/996818.js"></script>'
    assert tags("{% gist 1 a.js %}") == '<script src="//gist.github.com/1.js?file=a.js"></script>'
    assert tags("{% jsfiddle ccWP7 %}") == (
        '<iframe scrolling="no" width="100%" height="300" src="https://jsfiddle.net/ccWP7/embedded/'
        'js,resources,html,css,result/light" frameborder="0" loading="lazy" allowfullscreen></iframe>')
    for t in ("youtube", "vimeo", "gist", "jsfiddle"):
        with pytest.raises(SourceError):
            tags("{% " + t + " %}")


def test_builtin_tag_names_cover_hexo():
    names = set(make_engine().extend.tags.names())
    hexo = {"a", "anchor", "asset_image", "asset_img", "asset_link", "asset_path", "blockquote",
            "code", "codeblock", "full_url_for", "iframe", "image", "img", "include-code",
            "include_code", "link", "post_link", "post_path", "pullquote", "quote", "url_for"}
    assert hexo <= names


# --- plugins and errors -------------------------------------------------------------------------

def test_plugin_tags_use_the_same_registry():
    eng = make_engine()
    eng.extend.tags.register("shout", lambda ctx, args, content: " ".join(args).upper())
    eng.extend.tags.register("box", lambda ctx, args, content: f"<div class={args[0]}>{content}</div>",
                             ends=True)
    assert tags("{% shout hi there %}", engine=eng) == "HI THERE"
    assert tags("{% box x %}\n{% shout a %}\n{% endbox %}", engine=eng) == "<div class=x>A</div>"


def test_failing_plugin_tag_reports_file_and_line():
    eng = make_engine()

    def boom(ctx, args, content):
        raise ValueError("kaput")

    eng.extend.tags.register("boom", boom)
    doc = make_doc("a\n{% boom %}\n")
    with pytest.raises(SourceError) as exc:
        render_document(eng, doc, SITE)
    assert (exc.value.path, exc.value.line) == ("source/_posts/x.md", 5)
    assert "tag 'boom' failed: ValueError: kaput" in exc.value.message


def test_unknown_tag_error_has_file_line_and_context():
    doc = make_doc("Intro\n\n```js\nconst a = 1;\n```\n\nText {% notatag x %} more\n")
    with pytest.raises(SourceError) as exc:
        render_document(make_engine(), doc, SITE)
    err = exc.value
    # body starts on file line 4; the tag is on the 7th body line, after a fenced block whose
    # placeholder must not shift the count
    assert (err.path, err.line) == ("source/_posts/x.md", 10)
    assert err.message == "unknown tag 'notatag'"
    assert "> 10 | Text {% notatag x %} more" in err.context
    assert str(err).startswith("source/_posts/x.md:10: unknown tag 'notatag'")


def test_unknown_tag_fails_only_that_document():
    eng = make_engine()
    bad = make_doc("{% nope %}")
    good = make_doc("{% url_for a / %}")
    with pytest.raises(SourceError):
        render_document(eng, bad, SITE)
    render_document(eng, good, SITE)
    assert '<a href="/blog/">a</a>' in good.content
