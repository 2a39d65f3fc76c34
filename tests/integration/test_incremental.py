"""Incremental rebuilds (engine.incremental) give exactly the bytes of a cold build.

The bundled example site (scholar theme, tags, categories, maths, a `post_link` between posts) is
copied to a temp dir, built once with recording, then edited step by step; after each edit the
engine's rebuild is compared, output by output, with a fresh engine's full build. Edits inside the
fast path must take it ('incremental'); the others must fall back ('full') and still match.
"""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from engine import incremental
from engine.core import Engine
from engine.watch import Change, ChangeKind, ChangeSet

REPO = Path(__file__).resolve().parents[2]
POSTS = "source/_posts"
WORDS = ("preconditioner matrix sparse solver spectrum residual krylov lemma kernel tensor "
         "gradient descent proof sketch figure poster students seminar").split()


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy2(REPO / "_config.yml", root / "_config.yml")
    for folder in ("source", "themes", "scaffolds"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _outputs(result) -> dict:
    return {k: ("copy", str(v)) if isinstance(v, Path) else v for k, v in result.outputs.items()}


def _warnings(result) -> set:
    return {(type(w).__name__, str(w), getattr(w, "path", None), getattr(w, "line", None))
            for w in result.warnings}


def _assert_same_as_cold(site: Path, result) -> None:
    cold = Engine(site).build()
    got, want = _outputs(result), _outputs(cold)
    assert sorted(got) == sorted(want)
    differ = [k for k in want if got[k] != want[k]]
    assert differ == [], f"incremental output differs from a cold build: {differ[:5]}"
    assert len(result.errors) == len(cold.errors)
    assert _warnings(result) == _warnings(cold)
    assert result.sources == cold.sources


def _rebuild(engine: Engine, site: Path, rel: str, kind=ChangeKind.CONTENT, event="modified"):
    changes = ChangeSet(frozenset({Change(site / rel, kind, event)}))
    return engine.build(changes=changes)


def _edit(site: Path, rel: str, fn) -> None:
    path = site / rel
    text = path.read_text("utf-8")
    new = fn(text)
    assert new != text, f"edit did nothing to {rel}"
    path.write_text(new, "utf-8")


def _front(text: str, key: str, value: str) -> str:
    """Set `key: value` in the front-matter (replace the line or add it after the title)."""
    head, sep, body = text.partition("\n---\n")
    if re.search(rf"^{key}:.*$", head, flags=re.M):
        head = re.sub(rf"^{key}:.*$", f"{key}: {value}", head, count=1, flags=re.M)
    else:
        head = head + f"\n{key}: {value}"
    return head + sep + body


def _add_paragraph(text: str, words: str) -> str:
    head, sep, body = text.partition("\n---\n")
    paras = body.split("\n\n")
    at = min(2, len(paras))
    paras.insert(at, words)
    return head + sep + "\n\n".join(paras)


@pytest.fixture
def engine(site) -> Engine:
    eng = Engine(site)
    first = eng.build(changes=ChangeSet())
    assert first.errors == []
    assert incremental.last_mode(eng) == "full"
    return eng


def test_body_edit_is_incremental_and_identical(site, engine):
    rel = f"{POSTS}/why-preconditioning-works.md"
    _edit(site, rel, lambda t: _add_paragraph(t, "A new paragraph about **spectra**."))
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "incremental"
    assert result.timings["routes_rendered"] < len(result.outputs) / 2
    _assert_same_as_cold(site, result)
    assert b"A new paragraph about <strong>spectra</strong>." in \
        result.outputs["2025/09/14/why-preconditioning-works/index.html"]


def test_title_change_reaches_post_link_in_another_post(site, engine):
    # gongetidu-xiaoji.md links to this post with {% post_link %}: its body shows the title.
    rel = f"{POSTS}/conjugate-gradients-in-forty-lines.md"
    _edit(site, rel, lambda t: _front(t, "title", "CG, retitled"))
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "incremental"
    _assert_same_as_cold(site, result)
    linking = [v for k, v in result.outputs.items() if "gongetidu" in k and k.endswith(".html")]
    assert linking and b"CG, retitled" in linking[0]


def test_structural_edits_fall_back_and_match(site, engine):
    rel = f"{POSTS}/new-lab-new-city.md"
    _edit(site, rel, lambda t: _front(t, "tags", "[brand-new-tag]"))
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "full"
    _assert_same_as_cold(site, result)
    _edit(site, rel, lambda t: _front(t, "date", "2019-01-01 10:00:00"))
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "full"
    _assert_same_as_cold(site, result)
    # ... and the next body edit is incremental again.
    _edit(site, rel, lambda t: t + "\nOne more line.\n")
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "incremental"
    _assert_same_as_cold(site, result)


def test_broken_front_matter_then_fixed(site, engine):
    rel = f"{POSTS}/making-a-poster-people-stop-for.md"
    original = (site / rel).read_text("utf-8")
    _edit(site, rel, lambda t: t.replace("title:", "title: [unclosed", 1))
    result = _rebuild(engine, site, rel)
    assert result.errors and incremental.last_mode(engine) == "full"
    _assert_same_as_cold(site, result)
    (site / rel).write_text(original, "utf-8")
    result = _rebuild(engine, site, rel)
    assert result.errors == []
    _assert_same_as_cold(site, result)
    _edit(site, rel, lambda t: t + "\nFixed and edited.\n")
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "incremental"
    _assert_same_as_cold(site, result)


def test_theme_css_edit_changes_nothing_but_the_file(site, engine):
    css = "themes/scholar/source/css/style.css"
    before = engine.build  # noqa: F841 - the engine keeps its state across builds
    _edit(site, css, lambda t: t + "\n/* edited */\n")
    result = _rebuild(engine, site, css, ChangeKind.THEME)
    assert incremental.last_mode(engine) == "incremental"
    assert result.timings["routes_rendered"] == 0
    _assert_same_as_cold(site, result)


def test_layout_change_and_page_edit(site, engine):
    rel = f"{POSTS}/for-prospective-students.md"
    _edit(site, rel, lambda t: _front(t, "layout", "page"))
    result = _rebuild(engine, site, rel)
    assert incremental.last_mode(engine) == "incremental"
    _assert_same_as_cold(site, result)
    _edit(site, "source/about/index.md", lambda t: t + "\nA line added to the about page.\n")
    result = _rebuild(engine, site, "source/about/index.md")
    assert incremental.last_mode(engine) == "incremental"
    _assert_same_as_cold(site, result)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_match_cold_builds(site, engine, seed):
    rng = random.Random(seed)
    posts = sorted(p.relative_to(site).as_posix() for p in (site / POSTS).glob("*.md"))

    def words(n=6):
        return " ".join(rng.choice(WORDS) for _ in range(n))

    edits = [
        lambda t: _add_paragraph(t, words().capitalize() + "."),
        lambda t: _add_paragraph(t, f"- {words(2)}\n- `{words(1)}`\n- [{words(2)}](https://example.org/{rng.randrange(99)})"),
        lambda t: _front(t, "title", words(3).title()),
        lambda t: _front(t, "description", words(8)),
        lambda t: _front(t, "toc", rng.choice(["true", "false"])),
        lambda t: _front(t, "tags", f"[{rng.choice(WORDS)}, {rng.choice(WORDS)}]"),
        lambda t: _front(t, "date", f"20{rng.randrange(18, 26)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)} 08:00:00"),
        lambda t: _front(t, "categories", f"[{rng.choice(['Research', 'Teaching', 'Notes'])}]"),
        lambda t: t + f"\n\n## {words(2).title()}\n\n{words(12)}\n",
    ]
    modes = []
    for _ in range(6):
        rel = rng.choice(posts)
        _edit(site, rel, rng.choice(edits))
        result = _rebuild(engine, site, rel)
        modes.append(incremental.last_mode(engine))
        _assert_same_as_cold(site, result)
    assert set(modes) <= {"incremental", "full"}


MEMO_THEME = {
    # Every page lists the newest posts (helpers memoised per build) and a cached fragment.
    "themes/t/layout/layout.html": "{% macro names() %}{{ site.posts | map(attribute='title') "
                                   "| join('|') }}{% endmacro %}"
                                   "<!DOCTYPE html><html><head><title>{{ page.title }}</title>"
                                   "</head><body><nav>{{ list_posts(amount=3) }}</nav>"
                                   "<aside>{{ fragment_cache('n', names) }}</aside>"
                                   "{{ body }}</body></html>",
    "themes/t/layout/index.html": "{% for p in page.posts %}<a href=\"{{ url_for(p.path) }}\">"
                                  "{{ p.title }}</a>{{ p.excerpt }}\n{% endfor %}",
    "themes/t/layout/post.html": "<article><h1>{{ page.title }}</h1>{{ page.content }}"
                                 "{% if page.prev %}<a>{{ page.prev.title }}</a>{% endif %}</article>",
    "themes/t/layout/page.html": "<main>{{ page.content }}</main>",
    "themes/t/layout/archive.html": "archive {{ page.posts | length }}",
    "themes/t/layout/tag.html": "tag {% for p in page.posts %}{{ p.title }} {% endfor %}",
}


def test_memoised_helpers_follow_the_edit(tmp_path):
    from sitekit import write_site
    files = dict(MEMO_THEME)
    for i in range(8):
        files[f"source/_posts/p{i}.md"] = (f"---\ntitle: Post {i}\ndate: 2024-01-{i + 1:02d} 10:00:00\n"
                                           f"tags: [t{i % 3}]\n---\nBody of {i}.\n")
    site = write_site(tmp_path / "memo", files, theme=False,
                      config="title: Memo\nurl: http://example.com\ntheme: t\ntimezone: UTC\n")
    engine = Engine(site)
    engine.build(changes=ChangeSet())
    for i, title in ((7, "Newest, renamed"), (2, "Old, renamed"), (7, "Again")):
        rel = f"source/_posts/p{i}.md"
        _edit(site, rel, lambda t, title=title: re.sub(r"^title: .*$", f"title: {title}", t,
                                                       count=1, flags=re.M))
        result = _rebuild(engine, site, rel)
        assert incremental.last_mode(engine) == "incremental"
        _assert_same_as_cold(site, result)
    # A body edit touches neither list: the pages that only list titles are reused.
    _edit(site, "source/_posts/p1.md", lambda t: t + "\nMore.\n")
    result = _rebuild(engine, site, "source/_posts/p1.md")
    assert incremental.last_mode(engine) == "incremental"
    assert result.timings["routes_rendered"] < 6
    _assert_same_as_cold(site, result)
