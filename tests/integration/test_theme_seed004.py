"""Issue 4, proved on the reference page: a researcher's homepage written as one Markdown post with
`top: 100` (/work/shared/corpora/seed004-post, a Hexo site), built with the default theme and
`math: true` from an extra config file (`pyhexo --config _config.yml,extra.yml generate`).

The pinned post is the first thing on the home page (the site has no `theme_config.profile`, so the
hero is left out and the post's title is the page's h1); its maths (`$^{\\*}$` after co-first
authors) is MathML with a superscript star; nested lists, links and headings survive. The browser
half (screenshots at 375 and 1280 px, console, overflow) is tests/browser/test_seed004.py.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

CORPUS = Path("/work/shared/corpora/seed004-post")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class TreeBuilder(HTMLParser):
    """Just enough of an HTML tree for structural checks (stdlib only)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text("utf-8"))
    return builder.root


def build_seed004(dest: Path) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus missing: {CORPUS}")
    site = dest / "seed004-post"
    shutil.copytree(CORPUS, site, ignore=shutil.ignore_patterns("public", "node_modules", "db.json"))
    (site / "extra.yml").write_text("theme: scholar\nmath: true\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "engine", "--config", "_config.yml,extra.yml",
                           "generate"], cwd=site, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warn" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    return site / "public"


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    return build_seed004(tmp_path_factory.mktemp("seed004"))


@pytest.fixture(scope="module")
def home(public) -> Node:
    return parse(public / "index.html")


def _main(doc: Node) -> Node:
    return next(n for n in doc.iter("main"))


def test_default_theme_and_extra_config(public):
    html = (public / "index.html").read_text("utf-8")
    assert 'href="/css/style.css"' in html          # the bundled scholar theme, not landscape
    assert (public / "css" / "style.css").is_file()
    assert "<math" in html                            # math: true came from extra.yml


def test_pinned_post_is_first_on_the_home_page(home):
    main = _main(home)
    first = next(c for c in main.children if isinstance(c, Node))
    assert first.tag == "article" and {"pinned", "pinned-page"} <= first.classes
    h1s = list(home.iter("h1"))
    assert len(h1s) == 1 and h1s[0].text().strip() == "Jue Wang"
    assert first in h1s[0].ancestors()
    link = next(h1s[0].iter("a"))
    assert link.attrs["href"] == "/2025/07/01/jue-wang/"
    # No hero with the placeholder author ("John Doe") and default avatar above it.
    assert not [n for n in home.iter("section") if "hero" in n.classes]
    assert not [n for n in home.iter("img") if "avatar" in n.classes]


def test_headings(home):
    article = next(n for n in _main(home).iter("article") if "pinned" in n.classes)
    h2 = [h.text().strip() for h in article.iter("h2")]
    assert h2 == ["Updates", "Work Experience", "Education", "Publications", "Contact"]
    for h in article.iter("h2"):                      # anchors for each heading
        assert h.attrs.get("id")


def test_nested_lists(home):
    article = next(n for n in _main(home).iter("article") if "pinned" in n.classes)
    prose = next(n for n in article.iter("div") if "prose" in n.classes)
    top = next(c for c in prose.children if isinstance(c, Node) and c.tag == "ul")
    items = [c for c in top.children if isinstance(c, Node) and c.tag == "li"]
    assert len(items) == 3
    assert items[0].text().strip().startswith("Effecient Inference for Language Models")
    for li in items:
        inner = [c for c in li.children if isinstance(c, Node) and c.tag == "ul"]
        assert len(inner) == 1, "each research area holds a nested list of papers"
        assert list(inner[0].iter("a"))
    papers = [a.text() for a in items[0].iter("a")]
    assert "Compress & Prompt (ICML24)" in papers     # `\&` unescaped
    assert "Deja Vu (ICML23, Oral)" in papers


def test_links(home):
    article = next(n for n in _main(home).iter("article") if "pinned" in n.classes)
    links = {a.text().strip(): a.attrs for a in article.iter("a")}
    assert links["Prof. Ce Zhang"]["href"] == "https://zhangce.github.io/"
    assert links["Ladder Residual (ICML25)"]["href"] == "https://arxiv.org/abs/2501.06589"
    # external_link (field: site) opens other sites in a new tab, safely.
    assert links["Prof. Ce Zhang"].get("target") == "_blank"
    assert "noopener" in (links["Prof. Ce Zhang"].get("rel") or "")
    # Bold titles inside links, and [Paper]/[Code] links in the publication list.
    bold_titles = [s for s in article.iter("strong") if any(p.tag == "a" for p in s.ancestors())]
    assert any("Ladder Residual" in s.text() for s in bold_titles)
    assert "[Paper]" in links and "[Code]" in links
    # The HTML comment (`<!-- My [resume](...) -->`) and the hidden `<!--- ... --->` block stay hidden.
    assert "resume" not in article.text().lower() and "ByteCamp" not in article.text()


def test_maths_superscript_star(home):
    article = next(n for n in _main(home).iter("article") if "pinned" in n.classes)
    maths = list(article.iter("math"))
    assert len(maths) == 7                            # `$^{\*}$` after each co-first author (7 in the source)
    for m in maths:
        sup = next(m.iter("msup"))
        assert "*" in "".join(n.text() for n in sup.iter("mo"))
        assert m.attrs.get("display") == "inline"
    # The star follows the owner's bold name, in the author line of CocktailSGD.
    para = next(m for m in maths).parent
    while para.tag not in ("li", "p"):
        para = para.parent
    assert "Jue Wang" in para.text() and "Yucheng Lu" in para.text()
