"""engine.scaffold: `new`/`publish` file names, placeholders and quoting, collisions (SPEC §4)."""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from engine.config import load_config
from engine.frontmatter import parse_front_matter
from engine.scaffold import (ScaffoldError, find_scaffold, new_post, publish_draft,
                             render_scaffold, stringify_front_matter, write_new_file)

NOW = datetime(2024, 5, 6, 7, 8, 9)


def site(tmp_path: Path, config: str = "", files: dict[str, str] | None = None):
    root = tmp_path / "site"
    root.mkdir(exist_ok=True)
    (root / "_config.yml").write_text("title: T\nurl: http://example.com\n" + config, "utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return load_config(root)


def rel(config, path: Path) -> str:
    return path.relative_to(config.site_dir).as_posix()


# ---- SPEC §4 results ----------------------------------------------------------------------

def test_post_page_draft_files_and_contents(tmp_path):
    c = site(tmp_path)
    post = new_post(c, "My First Post", now=NOW)
    assert rel(c, post.path) == "source/_posts/My-First-Post.md"
    assert post.path.read_text() == ("---\ntitle: My First Post\ndate: 2024-05-06 07:08:09\n"
                                     "tags:\n---\n")
    page = new_post(c, "About Me", "page", now=NOW)
    assert rel(c, page.path) == "source/About-Me/index.md"
    assert page.path.read_text() == "---\ntitle: About Me\ndate: 2024-05-06 07:08:09\n---\n"
    draft = new_post(c, "Idea", "draft", now=NOW)
    assert rel(c, draft.path) == "source/_drafts/Idea.md"
    assert draft.path.read_text() == "---\ntitle: Idea\ntags:\n---\n"


def test_title_needing_quotes_is_yaml_quoted(tmp_path):
    c = site(tmp_path)
    made = new_post(c, "Hello World: A Test!", now=NOW)
    assert rel(c, made.path) == "source/_posts/Hello-World-A-Test.md"
    assert made.path.read_text().splitlines()[1] == "title: 'Hello World: A Test!'"


def test_cjk_title_keeps_characters_and_case(tmp_path):
    c = site(tmp_path)
    made = new_post(c, "中文 标题", now=NOW)
    assert rel(c, made.path) == "source/_posts/中文-标题.md"
    assert "title: 中文 标题\n" in made.path.read_text()
    made = new_post(c, "Ünïcödé Café — «quotes» & more?!", now=NOW)
    assert rel(c, made.path) == "source/_posts/Unicode-Cafe-—-«quotes»-more.md"


@pytest.mark.parametrize("title", [
    "Hello World: A Test!", "#hashtag", "[bracketed]", "{braces}", "it's", 'say "hi"', "2024",
    "true", "yes", "null", "~", "- dash", "@handle", "a: b: c", "trailing space ", " lead",
    "C'est l'été: déjà!", "日本語のタイトル：テスト", "emoji 🎉 party", "100%", "a # b", "*star",
    "&anchor", "!tag", "|pipe", ">fold", "`code`", "%percent", "key: [1, 2]", "tab\tinside",
])
def test_any_title_round_trips(tmp_path, title):
    c = site(tmp_path)
    made = new_post(c, title, slug="x", now=NOW, replace=True)
    fm = parse_front_matter(made.path.read_text(), "x.md").data
    assert fm["title"] == title
    assert fm["date"].replace(tzinfo=None) == NOW


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_round_trip_property(tmp_path_factory, title):
    data = {"title": title, "slug": "x", "layout": "post", "date": NOW}
    text = render_scaffold("---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n", data)
    fm = parse_front_matter(text, "x.md").data
    assert fm["title"] == title and fm["tags"] is None


# ---- layouts and scaffolds ----------------------------------------------------------------

def test_layout_without_scaffold_uses_post_scaffold_with_layout_first(tmp_path):
    c = site(tmp_path)
    made = new_post(c, "Snap", "photo", now=NOW)
    assert rel(c, made.path) == "source/_posts/Snap.md"
    assert made.path.read_text() == ("---\nlayout: photo\ntitle: Snap\ndate: 2024-05-06 07:08:09\n"
                                     "tags:\n---\n")


def test_site_scaffolds_win_and_custom_layout_scaffold_is_used(tmp_path):
    c = site(tmp_path, files={
        "scaffolds/post.md": "---\ntitle: {{ title }}\ncategories: [Notes]\ndate: {{ date }}\n"
                             "---\nWrite here.\n",
        "scaffolds/photo.md": "---\ntitle: {{ title }}\nlayout: {{ layout }}\nphotos:\n---\n",
    })
    post = new_post(c, "A", now=NOW)
    assert post.path.read_text() == ("---\ntitle: A\ncategories:\n  - Notes\n"
                                     "date: 2024-05-06 07:08:09\n---\nWrite here.\n")
    photo = new_post(c, "B", "photo", now=NOW)
    assert photo.path.read_text() == "---\ntitle: B\nlayout: photo\nphotos:\n---\n"
    text, found = find_scaffold(c.site_dir, "nosuch")
    assert not found and "Write here." in text    # falls back to the site's post scaffold


def test_json_scaffold(tmp_path):
    c = site(tmp_path, files={"scaffolds/post.md": '"title": {{ title }},\n"date": {{ date }}\n;;;\n'})
    made = new_post(c, 'Say "hi": now', now=NOW)
    fm = parse_front_matter(made.path.read_text(), "x.md").data
    assert fm["title"] == 'Say "hi": now' and made.path.read_text().rstrip().endswith(";;;")


def test_stringify_order_is_plain_then_dates_then_empty():
    text = stringify_front_matter({"tags": None, "date": NOW, "title": "T", "n": 3})
    assert text == "title: T\nn: 3\ndate: 2024-05-06 07:08:09\ntags:\n"


# ---- names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rule,expected", [
    (":title.md", "source/_posts/Hello-There.md"),
    (":year-:month-:day-:title.md", "source/_posts/2024-05-06-Hello-There.md"),
    (":year/:i_month/:i_day/:title.md", "source/_posts/2024/5/6/Hello-There.md"),
    (":year-:title", "source/_posts/2024-Hello-There.md"),
    (":title.markdown", "source/_posts/Hello-There.markdown"),
])
def test_new_post_name_tokens(tmp_path, rule, expected):
    c = site(tmp_path, f"new_post_name: '{rule}'\n")
    assert rel(c, new_post(c, "Hello There", now=NOW).path) == expected


@pytest.mark.parametrize("case,expected", [(0, "Hello-There"), (1, "hello-there"),
                                           (2, "HELLO-THERE")])
def test_filename_case(tmp_path, case, expected):
    c = site(tmp_path, f"filename_case: {case}\n")
    assert new_post(c, "Hello There", now=NOW).path.stem == expected


def test_slug_and_path_options(tmp_path):
    c = site(tmp_path)
    assert rel(c, new_post(c, "Whatever", slug="custom-slug", now=NOW).path) == \
        "source/_posts/custom-slug.md"
    assert rel(c, new_post(c, "Pathy", path="sub/dir/pathy", now=NOW).path) == \
        "source/_posts/sub/dir/pathy.md"
    assert rel(c, new_post(c, "P", "page", path="docs/intro", now=NOW).path) == \
        "source/docs/intro/index.md"
    assert rel(c, new_post(c, "D", "draft", path="ideas/d.md", now=NOW).path) == \
        "source/_drafts/ideas/d.md"


@pytest.mark.parametrize("bad", ["../escape", "../../etc/passwd", "/abs/path", "a/../../x"])
def test_path_cannot_leave_the_source_folder(tmp_path, bad):
    c = site(tmp_path)
    with pytest.raises(ScaffoldError, match="leaves the source folder"):
        new_post(c, "X", path=bad, now=NOW)
    assert not (tmp_path / "escape.md").exists()


def test_title_without_any_name_characters_needs_a_slug(tmp_path):
    c = site(tmp_path)
    with pytest.raises(ScaffoldError, match="empty file name"):
        new_post(c, "?!?", now=NOW)
    assert new_post(c, "?!?", slug="qq", now=NOW).path.name == "qq.md"


# ---- never overwrite -------------------------------------------------------------------------

def test_collisions_get_numbered_and_replace_overwrites(tmp_path):
    c = site(tmp_path)
    first = new_post(c, "Same", now=NOW).path
    first.write_text("my writing")
    second = new_post(c, "Same", now=NOW).path
    third = new_post(c, "Same", now=NOW).path
    assert [p.name for p in (first, second, third)] == ["Same.md", "Same-1.md", "Same-2.md"]
    assert first.read_text() == "my writing"
    replaced = new_post(c, "Same", now=NOW, replace=True).path
    assert replaced == first and first.read_text().startswith("---\ntitle: Same")
    page1 = new_post(c, "about", "page", now=NOW).path
    page2 = new_post(c, "about", "page", now=NOW).path
    assert rel(c, page1) == "source/about/index.md" and rel(c, page2) == "source/about/index-1.md"


def test_concurrent_creation_never_clobbers(tmp_path):
    target = tmp_path / "x.md"
    results: list[Path] = []
    barrier = threading.Barrier(8)

    def worker(i: int) -> None:
        barrier.wait()
        results.append(write_new_file(target, f"writer {i}"))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 8
    assert sorted(p.read_text() for p in results) == sorted(f"writer {i}" for i in range(8))


def test_post_asset_folder(tmp_path):
    c = site(tmp_path, "post_asset_folder: true\n")
    made = new_post(c, "With Assets", now=NOW)
    assert made.asset_dir == c.source_dir / "_posts" / "With-Assets" and made.asset_dir.is_dir()
    page = new_post(c, "Page", "page", now=NOW)
    assert page.asset_dir is None


# ---- publish ---------------------------------------------------------------------------------

def test_publish_moves_draft_sets_date_and_keeps_fields(tmp_path):
    c = site(tmp_path, "post_asset_folder: true\n")
    draft = new_post(c, "Big Idea", "draft", now=NOW)
    draft.path.write_text("---\ntitle: Big Idea\ntags: [a, b]\nmood: good\n---\nThe body.\n")
    (draft.asset_dir / "pic.png").write_bytes(b"png")
    later = datetime(2024, 6, 1, 10, 0, 0)
    post = publish_draft(c, "Big-Idea", now=later)
    assert rel(c, post.path) == "source/_posts/Big-Idea.md"
    assert post.path.read_text() == ("---\ntitle: Big Idea\ntags:\n  - a\n  - b\nmood: good\n"
                                     "date: 2024-06-01 10:00:00\n---\n\nThe body.\n")
    assert not draft.path.exists() and not draft.asset_dir.exists()
    assert (c.source_dir / "_posts/Big-Idea/pic.png").read_bytes() == b"png"


def test_publish_keeps_an_explicit_date_and_accepts_names_loosely(tmp_path):
    c = site(tmp_path)
    d = c.source_dir / "_drafts" / "Idea.md"
    d.parent.mkdir(parents=True)
    d.write_text("---\ntitle: Idea\ndate: 2023-01-02 03:04:05\n---\nx\n")
    post = publish_draft(c, "idea")               # case-insensitive when unambiguous
    assert "date: 2023-01-02 03:04:05" in post.path.read_text()


def test_publish_uses_new_post_name_and_never_overwrites(tmp_path):
    c = site(tmp_path, "new_post_name: :year-:month-:day-:title.md\n")
    new_post(c, "Idea", now=datetime(2024, 6, 1)).path        # a post of the same name
    new_post(c, "Idea", "draft", now=NOW)
    post = publish_draft(c, "Idea.md", now=datetime(2024, 6, 1, 9))
    assert rel(c, post.path) == "source/_posts/2024-06-01-Idea-1.md"


def test_publish_unknown_draft_lists_the_drafts(tmp_path):
    c = site(tmp_path)
    new_post(c, "Alpha", "draft", now=NOW)
    with pytest.raises(ScaffoldError) as info:
        publish_draft(c, "beta")
    assert "draft 'beta' not found" in str(info.value) and "Alpha" in info.value.hint
    with pytest.raises(ScaffoldError, match="leaves the source folder"):
        publish_draft(c, "../_posts/x")


def test_publish_from_a_subfolder_keeps_it(tmp_path):
    c = site(tmp_path)
    new_post(c, "Deep", "draft", path="notes/deep", now=NOW)
    post = publish_draft(c, "notes/deep", now=NOW)
    assert rel(c, post.path) == "source/_posts/notes/deep.md"
