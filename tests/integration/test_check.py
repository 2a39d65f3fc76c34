"""`pyhexo check`: the reference page's two defects with their lines, internal links, anchors,
assets, `root` mistakes, malformed URLs, theme links, JSON output, external links."""
from __future__ import annotations

import http.server
import json
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sites" / "scholar"))
import scholar_support  # noqa: E402

from engine.check import run_check  # noqa: E402
from engine.check.cli_command import check_command  # noqa: E402
from engine.check.links import classify_url  # noqa: E402
from engine.cli import Options  # noqa: E402


def problems(site):
    engine = scholar_support.engine_for(site)
    result = engine.build()
    assert not result.errors, [str(e) for e in result.errors]
    return run_check(engine, result).problems


def brief(ps):
    return [(p.kind, p.path, p.line, p.url) for p in ps]


def invoke(site, *args):
    opts = Options(str(site), None, False, False, False, False)
    return CliRunner().invoke(check_command, list(args), obj=opts, catch_exceptions=False)


# ---- the reference page ------------------------------------------------------------------------

@pytest.fixture
def seed004(tmp_path):
    if not scholar_support.SEED004.is_dir():
        pytest.skip("shared corpus seed004-post not available")
    return scholar_support.copy_seed004(tmp_path)


def test_reference_page_reports_exactly_its_two_defects_with_lines(seed004):
    src = "source/_posts/jue-wang.md"
    assert brief(problems(seed004)) == [
        ("placeholder", src, 12, "#"),       # [FloE (ICML25)](#)
        ("placeholder", src, 16, "#"),       # [MoAA (ICML25)](#)
        ("malformed", src, 105, "(https://dl.acm.org/doi/10.5555/3618408.3619905)"),
    ]
    lines = (seed004 / src).read_text("utf-8").splitlines()
    assert "[FloE (ICML25)](#)" in lines[11] and "[MoAA (ICML25)](#)" in lines[15]
    assert "((https://dl.acm.org" in lines[104]


def test_cli_warns_by_default_errors_with_strict_and_json(seed004):
    res = invoke(seed004)
    assert res.exit_code == 0
    assert "WARN  source/_posts/jue-wang.md:12:" in res.output
    assert "source/_posts/jue-wang.md:105:15: malformed URL" in res.output
    assert "3 problem(s) (1 malformed, 2 placeholder)" in res.output
    res = invoke(seed004, "--strict")
    assert res.exit_code == 1 and "ERROR source/_posts/jue-wang.md:16:" in res.output
    res = invoke(seed004, "--format", "json")
    data = json.loads(res.output)
    assert [(p["kind"], p["line"]) for p in data["problems"]] == [
        ("placeholder", 12), ("placeholder", 16), ("malformed", 105)]
    assert data["summary"]["by_kind"] == {"placeholder": 2, "malformed": 1}
    assert data["build_errors"] == []


# ---- a site with every kind of internal problem ------------------------------------------------

POST = """---
title: {title}
date: 2024-01-0{day} 10:00:00
---
{body}
"""


def small_site(tmp_path, files, config=""):
    site = tmp_path / "site"
    scholar_support.add_theme(site)
    (site / "_config.yml").write_text("title: T\nurl: http://example.com" +
                                      ("/blog" if "root: /blog/" in config else "") +
                                      "\ntheme: t\ntimezone: UTC\n" + config)
    for rel, text in files.items():
        p = site / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return site


def test_internal_links_anchors_assets(tmp_path):
    body = "\n".join([
        "## Getting Started",
        "",
        "Good: [same](#Getting-Started) [other](/2024/01/02/two/#Details) [img](/img/a.png)",
        "Bad anchor: [x](#getting-started) and [y](/2024/01/02/two/#nope)",
        "Broken: [z](/2024/01/02/tow/) and ![](/img/missing.png)",
        "Odd: [w](www.example.org/page) [m](mailto:nobody) [h](htps://example.org)",
        "<!-- [ignored](#) -->",
        "```",
        "[in code](#)",
        "```",
        "Full URL of the site: [f](http://example.com/2024/01/02/two/) "
        "[g](http://example.com/nothing/)",
    ])
    site = small_site(tmp_path, {
        "source/_posts/one.md": POST.format(title="One", day=1, body=body),
        "source/_posts/two.md": POST.format(title="Two", day=2, body="## Details\n\ntext"),
        "source/img/a.png": "png",
    })
    src = "source/_posts/one.md"
    got = brief(problems(site))
    assert got == [
        ("broken-anchor", src, 8, "#getting-started"),
        ("broken-anchor", src, 8, "/2024/01/02/two/#nope"),
        ("broken-link", src, 9, "/2024/01/02/tow/"),
        ("missing-asset", src, 9, "/img/missing.png"),
        ("malformed", src, 10, "www.example.org/page"),
        ("malformed", src, 10, "mailto:nobody"),
        ("malformed", src, 10, "htps://example.org"),
        ("broken-link", src, 15, "http://example.com/nothing/"),
    ]
    ps = problems(site)
    assert ps[0].hint == "the heading id is '#Getting-Started'"     # the renderer's slug
    assert "did you mean /2024/01/02/two/" in ps[2].hint


def test_root_prefix_mistakes_in_a_subdirectory_site(tmp_path):
    site = small_site(tmp_path, {
        "source/_posts/one.md": POST.format(
            title="One", day=1, body="[about](/about/) [ok](/blog/about/) [nowhere](/nowhere/)"),
        "source/about/index.md": "---\ntitle: About\n---\nhi",
    }, config="root: /blog/\n")
    got = brief(problems(site))
    assert got == [("root-prefix", "source/_posts/one.md", 5, "/about/"),
                   ("broken-link", "source/_posts/one.md", 5, "/nowhere/")]


def test_theme_links_reported_once_and_theme_placeholders_ignored(tmp_path):
    site = small_site(tmp_path, {
        "source/_posts/one.md": POST.format(title="One", day=1, body="x"),
        "source/_posts/two.md": POST.format(title="Two", day=2, body="y"),
    })
    (site / "themes/t/layout/layout.html").write_text(
        "<html><body><a href=\"#\" class=\"menu\">menu</a><a href=\"/missing/\">M</a>"
        "<link rel=\"stylesheet\" href=\"/css/none.css\">{{ body }}</body></html>")
    ps = sorted(problems(site), key=lambda p: p.url)
    assert [(p.kind, p.path, p.url) for p in ps] == [
        ("missing-asset", None, "/css/none.css"), ("broken-link", None, "/missing/")]
    n_pages = len([o for o in scholar_support.engine_for(site).build().outputs
                   if o.endswith(".html")])
    assert ps[0].pages == ps[1].pages == n_pages and ps[0].page == "index.html"
    assert "theme or generated markup, on" in str(ps[1].to_error())


def test_links_shown_again_on_index_pages_are_reported_once(tmp_path):
    site = small_site(tmp_path, {
        "source/_posts/one.md": POST.format(title="One", day=1, body="[bad](#) [b](/none/)"),
    })
    (site / "themes/t/layout/index.html").write_text(
        "{% for p in page.posts %}{{ p.content }}{% endfor %}")
    assert brief(problems(site)) == [("placeholder", "source/_posts/one.md", 5, "#"),
                                     ("broken-link", "source/_posts/one.md", 5, "/none/")]


def test_bibtex_problems_are_listed_one_by_one(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    engine = scholar_support.engine_for(site)
    report = run_check(engine, engine.build())
    bib = [(p.kind, p.path, p.line) for p in report.problems if p.kind == "bibtex"]
    assert bib == [("bibtex", "source/_data/publications.bib", 80),
                   ("bibtex", "source/_data/publications.bib", 86)]
    assert [p for p in report.problems if p.kind != "bibtex"] == []


@pytest.mark.parametrize("url,kind", [
    ("", "empty"), ("#", "placeholder"), ("javascript:void(0)", "placeholder"),
    ("(https://x.org/a)", "malformed"), ("https://x.org/a)", "malformed"),
    ("htps://x.org", "malformed"), ("http//x.org", "malformed"), ("https://", "placeholder"),
    ("https://https://x.org", "malformed"), ("https://x.org:99999/", "malformed"),
    ("https://exa mple.org/", "malformed"), ("C:\\Users\\a.pdf", "malformed"),
    ("mailto:", "malformed"), ("www.x.org", "malformed"),
    ("https://x.org/a(b)", None), ("mailto:a@b.org", None), ("/a/b#c", None), ("../x", None),
    ("tel:+1-555-0100", None), ("//cdn.x.org/a.js", None), ("data:image/png;base64,AA", None),
    ("https://nlp.stanford.edu/helm/current/?", None), ("zotero://select", None),
])
def test_classify_url(url, kind):
    got = classify_url(url)
    assert (got[0] if got else None) == kind


# ---- external links ------------------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/slow":
            time.sleep(1.5)
        code = {"/ok": 200, "/gone": 404, "/nohead": 405, "/slow": 200, "/forbidden": 403}.get(
            self.path, 404)
        self.send_response(code)
        self.end_headers()

    def do_GET(self):
        code = {"/nohead": 200, "/forbidden": 403}.get(self.path, 404)
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_external_links_only_when_asked_concurrent_cached_time_bounded(tmp_path, server):
    links = " ".join(f"[{p}]({server}/{p})" for p in ("ok", "gone", "nohead", "slow", "forbidden"))
    site = small_site(tmp_path, {"source/_posts/one.md": POST.format(title="One", day=1,
                                                                      body=links)})
    engine = scholar_support.engine_for(site)
    result = engine.build()
    assert run_check(engine, result).problems == []                 # offline by default
    start = time.perf_counter()
    report = run_check(engine, result, external=True, timeout=5, deadline=1.0)
    assert time.perf_counter() - start < 3
    assert brief(report.problems) == [("external", "source/_posts/one.md", 5, f"{server}/gone")]
    assert "HTTP 404" in report.problems[0].message
    assert report.external_checked == 3 and report.external_skipped == 2   # slow, forbidden
    cache = json.loads((engine.cache_dir / "link-check.json").read_text())
    assert cache[f"{server}/ok"]["ok"] is True and cache[f"{server}/gone"]["ok"] is False

    from engine.check import external
    calls = []

    def fetch(url, timeout):
        calls.append(url)
        return (True, "HTTP 200")
    external.check_external([f"{server}/ok", f"{server}/gone"], cache_dir=engine.cache_dir,
                            fetch=fetch)
    assert calls == [f"{server}/gone"]                              # good results are cached
