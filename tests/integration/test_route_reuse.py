"""`pyhexo generate` after an edit renders only the pages the edit can change (engine.route_deps),
and public/ is always byte for byte what a cold build of the same sources writes."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core import Engine
from engine.route_deps import DEPS_NAME
from engine.writer import OutputWriter
from sitekit import write_site

POST = """---
title: Post {i}
date: 2024-01-{day:02d} 10:00:00
tags: [t{tag}]
categories: [c{cat}]
---
Intro of post {i}.

<!-- more -->

Body of post {i} with `code`.
"""
# Reads a front-matter key, a data file and the site's post list, as real themes do.
EXTRA_THEME = {
    "themes/t/layout/post.html": "<article><h1>{{ page.title }}</h1><p>{{ page.subtitle }}</p>"
                                 "{{ page.content }}<nav>{% if page.prev %}{{ page.prev.title }}"
                                 "{% endif %}</nav><ul>{% for p in site.posts.limit(3) %}"
                                 "<li>{{ p.title }}</li>{% endfor %}</ul>"
                                 "<footer>{{ site.data.menu.label }}</footer></article>",
    "themes/t/layout/index.html": "{% for p in page.posts %}<h2>{{ p.title }}</h2>{{ p.excerpt }}"
                                  "{% endfor %}",
}


def _site(root: Path, n: int = 8, scholar: bool = False) -> Path:
    files = {f"source/_posts/p{i:02d}.md": POST.format(i=i, day=i % 28 + 1, tag=i % 3, cat=i % 2)
             for i in range(n)}
    files["source/about/index.md"] = "---\ntitle: About\ndate: 2024-01-01\n---\nAbout me."
    files["source/_data/menu.yml"] = "label: Home\n"
    if scholar:
        return write_site(root, files, theme=False, config="title: Test\nurl: http://example.com\n"
                          "theme: scholar\ntimezone: UTC\nper_page: 3\n")
    files.update(EXTRA_THEME)
    return write_site(root, files, config="title: Test\nurl: http://example.com\ntheme: t\n"
                                          "timezone: UTC\nper_page: 3\n")


def _generate(site: Path, concurrency: int = 1):
    engine = Engine(site)
    engine.concurrency = concurrency
    result, _stats = engine.generate()
    assert not result.errors, result.errors
    return result


def _tree(public: Path) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes()
            for p in sorted(public.rglob("*")) if p.is_file()}


def _cold_tree(site: Path, tmp: Path) -> dict[str, bytes]:
    """public/ of a cold build of a copy of `site` (file times kept: `updated` follows them)."""
    cold = tmp / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns("public", ".pyhexo-cache"))
    _generate(cold)
    return _tree(cold / "public")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def test_a_body_edit_renders_only_the_pages_that_show_it(tmp_path):
    site = _site(tmp_path / "s")
    first = _generate(site)
    assert first.pages_kept == 0
    _append(site / "source/_posts/p03.md", "\nOne more line.\n")
    again = _generate(site)
    themed = sum(1 for r in again.routes if r.layouts is not None)
    # The post's own page only: the body below <!-- more --> shows nowhere else, and no other
    # page reads `updated` here.
    assert again.pages_kept == themed - 1
    assert _tree(site / "public") == _cold_tree(site, tmp_path)


def test_a_title_edit_renders_every_page_that_shows_the_title(tmp_path):
    site = _site(tmp_path / "s")
    _generate(site)
    _replace(site / "source/_posts/p00.md", "title: Post 0", "title: Renamed")
    again = _generate(site)
    themed = sum(1 for r in again.routes if r.layouts is not None)
    assert 0 < again.pages_kept < themed - 1
    public = _tree(site / "public")
    assert public == _cold_tree(site, tmp_path)
    assert b"Renamed" in public["2024/01/01/p00/index.html"]


@pytest.mark.parametrize("scholar", [False, True])
def test_pool_workers_record_what_they_render(tmp_path, scholar):
    site = _site(tmp_path / "s", n=70, scholar=scholar)
    _generate(site, concurrency=2)
    _append(site / "source/_posts/p40.md", "\nEdited.\n")
    again = _generate(site, concurrency=2)
    assert again.pages_kept > 0
    assert _tree(site / "public") == _cold_tree(site, tmp_path)


def test_a_page_deleted_from_public_is_rendered_again(tmp_path):
    site = _site(tmp_path / "s")
    _generate(site)
    gone = site / "public/2024/01/02/p01/index.html"
    kept = gone.read_bytes()
    gone.unlink()
    _append(site / "source/_posts/p05.md", "\nEdited.\n")
    _generate(site)
    assert gone.read_bytes() == kept


def test_the_record_is_dropped_before_anything_is_written(tmp_path):
    site = _site(tmp_path / "s")
    _generate(site)
    engine = Engine(site)
    assert (engine.cache_dir / DEPS_NAME).is_file()
    writer = OutputWriter(engine.public_dir, engine.cache_dir)
    writer.prepare(["index.html"])
    # A build killed from here on leaves no record that could vouch for a half-written public/.
    assert not (engine.cache_dir / DEPS_NAME).exists()


def test_force_renders_everything(tmp_path):
    from click.testing import CliRunner

    from engine.cli import cli
    site = _site(tmp_path / "s")
    _generate(site)
    index = site / "public/index.html"
    index.write_bytes(b"x" * index.stat().st_size)     # same size: only --force notices
    _append(site / "source/_posts/p05.md", "\nEdited.\n")
    res = CliRunner().invoke(cli, ["--cwd", str(site), "generate", "--force"])
    assert res.exit_code == 0, res.output
    assert _tree(site / "public") == _cold_tree(site, tmp_path)


EDITS = st.sampled_from([
    "body", "excerpt", "title", "subtitle", "top", "tags", "date", "touch", "new", "delete",
    "page", "data", "template", "config", "public",
])


def _apply(site: Path, edit: str, i: int, n: int) -> None:
    post = site / "source/_posts" / f"p{i:02d}.md"
    if not post.exists() and edit not in ("new", "page", "data", "template", "config", "public"):
        return
    if edit == "body":
        _append(post, f"\nMore text {n}.\n")
    elif edit == "excerpt":
        _replace(post, "Intro of post", f"Changed intro {n} of post")
    elif edit == "title":
        _replace(post, "title: ", f"title: T{n} ")
    elif edit in ("subtitle", "top"):
        value = f"Sub {n}" if edit == "subtitle" else str(n)
        lines = [ln for ln in post.read_text("utf-8").split("\n") if not ln.startswith(edit + ":")]
        post.write_text("\n".join(lines).replace("---\n", f"---\n{edit}: {value}\n", 1), "utf-8")
    elif edit == "tags":
        _replace(post, "tags: [", f"tags: [n{n}, ")
    elif edit == "date":
        _replace(post, "date: 2024-01-", "date: 2023-12-")
    elif edit == "touch":
        st_ = post.stat()
        os.utime(post, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10**9 * (n + 1)))
    elif edit == "new":
        (site / "source/_posts" / f"new{n}.md").write_text(
            f"---\ntitle: New {n}\ndate: 2024-03-0{n % 9 + 1}\ntags: [t1]\n---\nNew {n}.\n", "utf-8")
    elif edit == "delete":
        post.unlink()
    elif edit == "page":
        (site / "source/about/index.md").write_text(f"---\ntitle: About {n}\n---\nNow {n}.\n")
    elif edit == "data":
        (site / "source/_data/menu.yml").write_text(f"label: Home {n}\n", "utf-8")
    elif edit == "template":
        _append(site / "themes/t/layout/post.html", f"<!-- {n} -->")
    elif edit == "config":
        cfg = site / "_config.yml"
        lines = [ln for ln in cfg.read_text("utf-8").splitlines() if not ln.startswith("subtitle:")]
        cfg.write_text("\n".join([*lines, f"subtitle: S{n}"]) + "\n", "utf-8")
    elif edit == "public":
        victim = site / "public/index.html"
        if victim.exists():
            victim.unlink()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(EDITS, st.integers(0, 7)), min_size=1, max_size=4))
def test_generate_after_any_edits_equals_a_cold_build(tmp_path_factory, edits):
    tmp = tmp_path_factory.mktemp("reuse")
    site = _site(tmp / "s")
    _generate(site)
    for n, (edit, i) in enumerate(edits):
        _apply(site, edit, i, n)
        _generate(site)
        assert _tree(site / "public") == _cold_tree(site, tmp), (edits, n)


def test_a_bibtex_edit_reaches_the_publications_page(tmp_path):
    """`{% publications %}` reads source/_data/publications.bib: both the render cache and the
    page records must see it change (neither did before the side-input digest)."""
    bib = "@article{a1,\n  title = {First Title},\n  author = {Doe, Jane},\n  year = {2024}\n}\n"
    site = write_site(tmp_path / "s", {
        "source/pubs/index.md": "---\ntitle: Pubs\n---\n{% publications %}\n",
        "source/_data/publications.bib": bib,
    }, theme=False, config="title: T\nurl: http://example.com\ntheme: scholar\ntimezone: UTC\n")
    _generate(site)
    page = site / "public/pubs/index.html"
    assert b"First Title" in page.read_bytes()
    (site / "source/_data/publications.bib").write_text(bib.replace("First", "Second"), "utf-8")
    _generate(site)
    assert b"Second Title" in page.read_bytes()
    assert _tree(site / "public") == _cold_tree(site, tmp_path)


def test_the_cli_says_how_many_pages_it_kept(tmp_path):
    from click.testing import CliRunner

    from engine.cli import cli
    site = _site(tmp_path / "s")
    first = CliRunner().invoke(cli, ["--cwd", str(site), "generate"])
    assert first.exit_code == 0 and "kept without rendering" not in first.output
    _append(site / "source/_posts/p03.md", "\nOne more line.\n")
    again = CliRunner().invoke(cli, ["--cwd", str(site), "generate"])
    assert again.exit_code == 0, again.output
    assert re.search(r"\d+ files written, \d+ unchanged \((\d+) pages kept without rendering\)",
                     again.output), again.output
