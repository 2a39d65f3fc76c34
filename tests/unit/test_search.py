"""Search index (engine/generators/search.py) and the widget's ranking (engine/data/search/search.js).

The JS tests run the widget's pure functions in Node (skipped when `node` is missing); the
browser test of the bundled site's search box lives with the theme's browser tests.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sites" / "feeds"))
import support  # noqa: E402

SEARCH_JS = support.REPO / "engine" / "data" / "search" / "search.js"
NODE = shutil.which("node")

FILES = {
    "source/_posts/solver.md": "---\ntitle: Conjugate gradients\ndate: 2024-01-05\n"
                               "tags: [linear algebra]\ncategories: [Numerics]\n---\n"
                               "## Preconditioning basics\n\nThe Krylov method converges fast.\n\n"
                               "```python\nx = 1\n```\n",
    "source/_posts/heading.md": "---\ntitle: Notes on Krylov\ndate: 2024-01-04\n---\n"
                                "## Why preconditioning works\n\nText.\n",
    "source/_posts/tagged.md": "---\ntitle: Weekly notes\ndate: 2024-01-03\ntags: [preconditioning]\n"
                               "---\nNothing here.\n",
    "source/_posts/texty.md": "---\ntitle: Misc\ndate: 2024-01-02\n---\n"
                              "A paragraph that mentions preconditioning once &amp; more.\n",
    "source/_posts/private.md": "---\ntitle: Hidden preconditioning\ndate: 2024-01-01\n"
                                "search: false\n---\nx\n",
    "source/_posts/old-plugin.md": "---\ntitle: Old preconditioning\ndate: 2024-01-01\n"
                                   "indexing: false\n---\nx\n",
    "source/about/index.md": "---\ntitle: About me\n---\nI study preconditioning.\n",
}


def _site(make_site, search: str | None = "search:\n  field: all\n", root: str = "/",
          url: str = "http://example.com", files: dict | None = None):
    cfg = f"title: T\nurl: {url}\nroot: {root}\ntheme: t\ntimezone: UTC\n{search or ''}"
    all_files = dict(FILES)
    all_files.update(files or {})
    return support.build(make_site(all_files, config=cfg))[1]


def _json(result, path):
    return json.loads(result.outputs[path].decode("utf-8"))


def _load_index(result, base="search/"):
    index = _json(result, base + "index.json")
    texts = []
    for url, start, count in index["shards"]:
        shard = _json(result, url.split("/", 1)[1] if url.startswith("/") else url)
        assert shard["from"] == start == len(texts) and len(shard["text"]) == count
        texts += shard["text"]
    return index, texts


def test_search_is_opt_in(make_site):
    result = _site(make_site, search=None)
    assert not any(p.startswith("search/") for p in result.outputs)


def test_index_holds_titles_tags_headings_and_text(make_site):
    result = _site(make_site)
    index, texts = _load_index(result)
    assert index["v"] == 1 and index["fields"] == ["url", "title", "tags", "headings", "date"]
    by_title = {row[1]: (row, text) for row, text in zip(index["docs"], texts)}
    assert "Hidden preconditioning" not in by_title and "Old preconditioning" not in by_title
    row, text = by_title["Conjugate gradients"]
    assert row[0] == "/2024/01/05/solver/"
    assert [index["tags"][i] for i in row[2]] == ["linear algebra", "Numerics"]
    assert row[3] == ["Preconditioning basics"]
    assert row[4] == "2024-01-05"
    assert "Krylov method converges fast." in text and "<" not in text
    assert "About me" in by_title and by_title["About me"][0][0] == "/about/index.html"
    assert "&amp;" not in by_title["Misc"][1] and "& more" in by_title["Misc"][1]
    for name in ("search/search.js", "search/search.css"):
        assert name in result.outputs


def test_field_post_leaves_pages_out(make_site):
    index, _ = _load_index(_site(make_site, search="search: true\n"))
    assert "About me" not in [row[1] for row in index["docs"]]


def test_urls_respect_root(make_site):
    result = _site(make_site, root="/blog/", url="http://example.com/blog")
    index = _json(result, "search/index.json")
    assert index["docs"][0][0].startswith("/blog/2024/")
    assert all(url.startswith("/blog/search/text-") for url, *_ in index["shards"])


def test_shards_are_size_capped_and_named_by_content(make_site):
    result = _site(make_site, search="search:\n  field: all\n  shard_size: 10\n")
    index, texts = _load_index(result)
    assert len(index["shards"]) == len(index["docs"])       # one text each at this tiny cap
    again = _site(make_site, search="search:\n  field: all\n  shard_size: 10\n")
    assert again.outputs["search/index.json"] == result.outputs["search/index.json"]


def test_hexo_generator_search_xml(make_site):
    result = _site(make_site, search="search:\n  path: search.xml\n  field: post\n")
    root = ET.fromstring(result.outputs["search.xml"])
    entries = root.findall("entry")
    titles = [e.findtext("title") for e in entries]
    assert "Conjugate gradients" in titles and "About me" not in titles
    first = entries[titles.index("Conjugate gradients")]
    assert first.findtext("url") == "/2024/01/05/solver/"
    assert first.find("link").get("href") == "/2024/01/05/solver/"
    assert "Krylov" in first.findtext("content")
    assert [t.text for t in first.find("tags")] == ["linear algebra"]
    assert [c.text for c in first.find("categories")] == ["Numerics"]


def test_hexo_generator_search_json(make_site):
    result = _site(make_site, search="search:\n  path: search.json\n  content: false\n")
    items = _json(result, "search.json")
    assert {"title", "url", "categories", "tags"} <= set(items[0]) and "content" not in items[0]


# ------------------------------------------------------------------------- size at scale

def _fake_site(n: int):
    """n posts of ~6 KB HTML each, without running the Markdown pipeline."""
    body = ("<h2 id=\"s\">Section heading</h2><p>" + "lorem ipsum dolor sit amet " * 40 + "</p>") * 5
    posts = []
    for i in range(n):
        posts.append(SimpleNamespace(
            title=f"Post number {i}", path=f"2024/01/01/post-{i}/", content=body,
            tags=[SimpleNamespace(name=f"tag{i % 50}")], categories=[], draft=False,
            front_matter={}, date=datetime(2024, 1, 1, tzinfo=timezone.utc)))
    return SimpleNamespace(posts=posts, pages=[])


def test_5000_posts_index_stays_small():
    from engine.generators.search import SEARCH_DEFAULTS, build_index, shard_texts
    raw = {"root": "/", "url": "http://example.com"}
    index, texts = build_index(_fake_site(5000), raw, dict(SEARCH_DEFAULTS))
    primary = len(json.dumps(index, separators=(",", ":")).encode())
    total_text = sum(len(t.encode()) for t in texts)
    assert primary < 1_000_000                     # what the first focus downloads
    assert total_text <= SEARCH_DEFAULTS["text_budget"] * 1.01
    shards = shard_texts(texts, SEARCH_DEFAULTS["shard_size"])
    assert all(len(json.dumps({"from": 0, "text": t}).encode()) < SEARCH_DEFAULTS["shard_size"] * 1.05
               for _, t in shards)


# ------------------------------------------------------------------------- the widget (Node)

def _node(script: str) -> str:
    proc = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_widget_script_parses():
    subprocess.run([NODE, "--check", str(SEARCH_JS)], check=True)


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_widget_ranks_title_then_headings_then_tags_then_text(make_site, tmp_path):
    result = _site(make_site)
    index, texts = _load_index(result)
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"index": index, "texts": texts}), "utf-8")
    out = _node(f"""
const S = require({json.dumps(str(SEARCH_JS))});
const data = require({json.dumps(str(data))});
const docs = S.prepare(data.index);
S.addShard(docs, {{from: 0, text: data.texts}});
const q = s => S.search(docs, s, 10).map(h => h.doc.title);
console.log(JSON.stringify({{
  pre: q('preconditioning'), two: q('krylov conjugate'), none: q('zzzz'), accent: q('PRECONDITIONÍNG'),
  prefix: q('precond'), snip: S.snippet(docs.find(d => d.title === 'Misc'), ['preconditioning'])
}}));
""")
    res = json.loads(out)
    # No document has the word in its title: headings first, then tags, then body text.
    assert res["pre"][:2] == ["Conjugate gradients", "Notes on Krylov"]
    assert res["pre"][2] == "Weekly notes"
    assert set(res["pre"][3:]) == {"Misc", "About me"}
    assert res["two"] == ["Conjugate gradients"]               # every word must match
    assert res["none"] == []
    assert res["accent"] == res["pre"]                         # case and accents folded
    assert res["prefix"] == res["pre"]
    assert [p["mark"] for p in res["snip"]] == [False, True, False]
    assert res["snip"][1]["text"] == "preconditioning"


@pytest.mark.skipif(NODE is None, reason="node not installed")
def test_widget_title_beats_everything():
    out = _node(f"""
const S = require({json.dumps(str(SEARCH_JS))});
const docs = S.prepare({{docs: [
  ['/a/', 'Body only', [], [], '2024-01-03'],
  ['/b/', 'Tagged', ['graphs'], [], '2024-01-02'],
  ['/c/', 'A heading', [], ['Graphs intro'], '2024-01-01'],
  ['/d/', 'Graphs everywhere', [], [], '2020-01-01']]}});
S.addShard(docs, {{from: 0, text: ['graphs graphs graphs', '', '', '']}});
console.log(JSON.stringify(S.search(docs, 'graphs').map(h => h.doc.url)));
""")
    assert json.loads(out) == ["/d/", "/c/", "/b/", "/a/"]
