"""The command line end to end: every command and option, through click's runner and through real
subprocesses (argv encoding, exit codes, colour only on a terminal, plain output under CI=true)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
POST = "---\ntitle: {title}\ndate: 2024-01-0{day} 10:00:00\ntags: [{tags}]\n{extra}---\nBody.\n"


def run(site: Path | None, *args: str, input: str | None = None) -> tuple[int, str]:
    argv = (["--cwd", str(site)] if site is not None else []) + list(args)
    result = CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)
    return result.exit_code, result.output


def sub(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", env=full_env, timeout=timeout)


@pytest.fixture
def blog(make_site):
    return make_site({
        "source/_posts/one.md": POST.format(title="One", day=1, tags="a, b",
                                            extra="categories: [Diary, Games]\n"),
        "source/_posts/two.md": POST.format(title="Two", day=2, tags="b", extra=""),
        "source/_drafts/idea.md": "---\ntitle: Idea\ntags: [c]\n---\nLater.\n",
        "source/about/index.md": "---\ntitle: About\ndate: 2024-01-03\n---\nHi",
    })


# ---- init --------------------------------------------------------------------------------

def test_init_then_generate_gives_a_working_site(tmp_path):
    code, out = run(tmp_path, "init", "mysite")
    assert code == 0, out
    site = tmp_path / "mysite"
    for rel in ("_config.yml", ".gitignore", "scaffolds/post.md", "scaffolds/page.md",
                "scaffolds/draft.md", "themes/scholar/layout/layout.html",
                "source/_posts/hello-world.md", "source/about/index.md"):
        assert (site / rel).is_file(), rel
    config = (site / "_config.yml").read_text()
    assert "theme: scholar" in config and "math: true" in config and "search:" in config
    assert re.search(r"Next: cd \S*mysite && pyhexo server", out)
    code, out = run(site, "generate")
    assert code == 0, out
    assert "WARN" not in out
    home = (site / "public/index.html").read_text()
    assert "Hello World" in home and "My Site" in home
    assert (site / "public/2025/01/01/hello-world/index.html").is_file()
    assert (site / "public/about/index.html").is_file()


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "_config.yml").write_text("title: mine\n")
    (target / "notes.txt").write_text("mine")
    code, out = run(tmp_path, "init", "busy")
    assert code == 1 and "is not empty" in out and "--force" in out
    assert sorted(p.name for p in target.iterdir()) == ["_config.yml", "notes.txt"]
    code, out = run(tmp_path, "init", "busy", "--force")
    assert code == 0, out
    assert (target / "_config.yml").read_text() == "title: mine\n"       # never overwritten
    assert "Kept existing _config.yml" in out
    assert (target / "themes/scholar/layout").is_dir()


def test_init_accepts_a_fresh_clone_and_hexo_flags(tmp_path):
    target = tmp_path / "clone"
    (target / ".git").mkdir(parents=True)
    code, out = run(None, "init", str(target), "--no-clone", "--no-install")
    assert code == 0, out
    (tmp_path / "file").write_text("x")
    assert run(tmp_path, "init", "file")[0] != 0


def test_init_in_the_current_folder(tmp_path):
    empty = tmp_path / "here"
    empty.mkdir()
    proc = sub("init", cwd=empty)
    assert proc.returncode == 0, proc.stderr
    assert (empty / "_config.yml").is_file() and "cd " not in proc.stdout


# ---- new / publish -----------------------------------------------------------------------

def test_new_variants_match_spec(blog):
    code, out = run(blog, "new", "My First Post")
    assert code == 0 and f"Created: {blog / 'source/_posts/My-First-Post.md'}" in out
    assert run(blog, "new", "page", "About Me")[0] == 0
    assert (blog / "source/About-Me/index.md").read_text().startswith("---\ntitle: About Me\n")
    assert run(blog, "new", "draft", "Idea Two")[0] == 0
    assert (blog / "source/_drafts/Idea-Two.md").read_text() == "---\ntitle: Idea Two\ntags:\n---\n"
    assert run(blog, "new", "photo", "Snap")[0] == 0
    assert (blog / "source/_posts/Snap.md").read_text().startswith("---\nlayout: photo\n")
    assert run(blog, "new", "--slug", "custom-slug", "Whatever")[0] == 0
    assert (blog / "source/_posts/custom-slug.md").is_file()
    assert run(blog, "new", "-p", "sub/dir/pathy", "Pathy")[0] == 0
    assert (blog / "source/_posts/sub/dir/pathy.md").is_file()
    assert run(blog, "n", "Hello World: A Test!")[0] == 0                 # Hexo's alias
    text = (blog / "source/_posts/Hello-World-A-Test.md").read_text()
    assert "title: 'Hello World: A Test!'" in text
    assert run(blog, "new", "--path", "notes/from-path")[0] == 0           # title from the path
    assert "title: from-path" in (blog / "source/_posts/notes/from-path.md").read_text()


def test_new_collisions_and_replace(blog):
    target = blog / "source/_posts/Same.md"
    assert run(blog, "new", "Same")[0] == 0
    target.write_text("precious")
    code, out = run(blog, "new", "Same")
    assert code == 0 and "Same-1.md" in out
    assert run(blog, "new", "Same")[0] == 0
    assert (blog / "source/_posts/Same-2.md").is_file() and target.read_text() == "precious"
    code, out = run(blog, "new", "-r", "Same")
    assert code == 0 and target.read_text().startswith("---\ntitle: Same")
    assert run(blog, "new", "--replace", "Same")[0] == 0


def test_new_and_publish_through_real_argv_with_cjk_and_punctuation(blog):
    titles = {"中文 标题": "中文-标题.md", "Ça va? «Oui»!": "Ca-va-«Oui».md",
              "C++ & Rust: a (biased) comparison": "C-Rust-a-biased-comparison.md",
              "日本語：テスト": "日本語：テスト.md"}
    for title, name in titles.items():
        proc = sub("new", title, cwd=blog)
        assert proc.returncode == 0, proc.stderr
        path = blog / "source/_posts" / name
        assert path.is_file() and str(path) in proc.stdout
        from engine.frontmatter import parse_front_matter
        assert parse_front_matter(path.read_text("utf-8"), name).data["title"] == title
    proc = sub("new", "draft", "Rêve: 梦", cwd=blog)
    assert proc.returncode == 0, proc.stderr
    proc = sub("publish", "Reve-梦", cwd=blog)
    assert proc.returncode == 0, proc.stderr
    assert (blog / "source/_posts/Reve-梦.md").is_file()
    assert not (blog / "source/_drafts/Reve-梦.md").exists()


def test_publish(blog):
    code, out = run(blog, "publish", "idea")
    assert code == 0 and "Published:" in out
    text = (blog / "source/_posts/idea.md").read_text()
    assert re.search(r"^date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", text, re.M)
    assert "title: Idea" in text and "Later." in text
    assert not (blog / "source/_drafts/idea.md").exists()
    code, out = run(blog, "p", "idea")                     # gone now: exit 1 with a hint
    assert code == 1 and "not found" in out


def test_new_and_publish_usage_errors_exit_2(blog):
    assert run(blog, "new")[0] == 2
    code, out = run(blog, "new", "My", "First", "Post")
    assert code == 2 and 'pyhexo new "My First Post"' in out
    assert run(blog, "publish")[0] == 2
    assert run(blog, "new", "--bogus", "x")[0] == 2


def test_commands_outside_a_site_exit_1(tmp_path):
    for args in (["new", "x"], ["publish", "x"], ["list", "post"], ["clean"], ["config", "title"],
                 ["deploy"], ["generate"]):
        code, out = run(tmp_path, *args)
        assert code == 1 and "not a site folder" in out, args
    assert list(tmp_path.iterdir()) == []


# ---- list ----------------------------------------------------------------------------------

def test_list_tables(blog):
    code, out = run(blog, "list", "post")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("|")[1:-1] == [" Date       ", " Title ", " Path                   ",
                                          " Category      ", " Tags ", " Status "]
    assert any("| One " in line and "Diary › Games" in line and "a, b" in line for line in lines)
    assert any("| Idea " in line and "| draft " in line for line in lines)       # drafts marked
    assert "3 post(s), 1 draft(s)" in out
    code, out = run(blog, "list", "page")
    assert code == 0 and "source/about/index.md" in out and "about/index.html" in out
    code, out = run(blog, "list", "tag")
    assert code == 0 and re.search(r"\| b\s+\| 2\s+\| tags/b/", out) and "| c " not in out
    assert run(blog, "l", "tag")[1] == out                                  # Hexo's short verb
    code, out = run(blog, "--draft", "list", "tag")
    assert "| c " in out
    code, out = run(blog, "list", "category")
    assert code == 0 and "| Diary" in out and "|   Games" in out
    code, out = run(blog, "list", "route")
    assert code == 0 and "2024/01/01/one/index.html" in out and "tags/a/index.html" in out
    assert run(blog, "list", "nonsense")[0] == 2
    assert run(blog, "list")[0] == 2


def test_list_has_colour_only_on_a_terminal(blog):
    proc = sub("list", "tag", cwd=blog, env={"CI": "", "NO_COLOR": "", "TERM": "xterm"})
    assert proc.returncode == 0 and not ANSI.search(proc.stdout)          # a pipe: plain
    if sys.platform == "win32":
        return
    import pty
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8"}
    env.pop("CI", None)
    env.pop("NO_COLOR", None)
    p = subprocess.Popen([sys.executable, "-m", "engine", "list", "tag"], cwd=blog,
                         stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    tty_out = b"".join(chunks).decode("utf-8", "replace")
    assert ANSI.search(tty_out), tty_out
    ci = sub("list", "tag", cwd=blog, env={"CI": "true"})
    assert not ANSI.search(ci.stdout + ci.stderr)


# ---- clean ---------------------------------------------------------------------------------

def test_clean(blog):
    assert run(blog, "generate")[0] == 0
    (blog / "public/CNAME").write_text("example.com")
    code, out = run(blog, "clean")
    assert code == 0 and "Removed" in out
    assert [p.name for p in (blog / "public").iterdir()] == ["CNAME"]
    assert (blog / "source/_posts/one.md").exists()


@pytest.mark.parametrize("public_dir", [".", "source", "themes/t", "..", "/", "../outside"])
def test_clean_and_generate_refuse_unsafe_public_dir(blog, public_dir):
    cfg = blog / "_config.yml"
    cfg.write_text(cfg.read_text() + f"public_dir: {public_dir!r}\n")
    before = sorted(str(p) for p in blog.parent.rglob("*"))
    for cmd in ("clean", "generate"):
        code, out = run(blog, cmd)
        assert code == 1 and "refusing to use" in out, (cmd, out)
    assert sorted(str(p) for p in blog.parent.rglob("*")) == before


# ---- config --------------------------------------------------------------------------------

def test_config_read_and_write_keeps_comments(blog):
    cfg = blog / "_config.yml"
    cfg.write_text("# My site\ntitle: Old # the name\nurl: http://example.com\ntheme: t\n"
                   "timezone: UTC\nlist:\n  - { a: 1 }\n")
    assert run(blog, "config", "title") == (0, "Old\n")
    assert run(blog, "config", "per_page") == (0, "10\n")                 # a default
    assert run(blog, "config", "list") == (0, "- a: 1\n")
    code, out = run(blog, "config", "title", "New: Title")
    assert code == 0 and "was Old" in out
    assert cfg.read_text() == ("# My site\ntitle: 'New: Title' # the name\n"
                               "url: http://example.com\ntheme: t\ntimezone: UTC\n"
                               "list:\n  - { a: 1 }\n")
    assert run(blog, "config", "per_page", "5")[0] == 0
    assert run(blog, "config", "deploy.branch", "gh-pages")[0] == 0
    assert cfg.read_text().endswith("per_page: 5\ndeploy:\n  branch: gh-pages\n")
    assert run(blog, "config", "deploy.branch")[1] == "gh-pages\n"
    assert run(blog, "config", "nope.nothing")[0] == 1
    before = cfg.read_text()
    code, out = run(blog, "config", "timezone", "Mars/Olympus")           # invalid: rolled back
    assert code == 1 and "unknown timezone" in out and cfg.read_text() == before
    code, out = run(blog, "config")
    assert code == 0 and "title: 'New: Title'" in out and "per_page: 5" in out


def test_config_with_alternate_config_file(blog):
    (blog / "alt.yml").write_text("title: Alt\nurl: http://alt.example\ntheme: t\n")
    assert run(blog, "--config", "alt.yml", "config", "title")[1] == "Alt\n"
    assert run(blog, "--config", "alt.yml", "config", "title", "Alt2")[0] == 0
    assert "title: Alt2" in (blog / "alt.yml").read_text()
    assert "title: Test" in (blog / "_config.yml").read_text()


# ---- render ---------------------------------------------------------------------------------

def test_render(blog, tmp_path):
    md = tmp_path / "doc.md"
    md.write_text("---\ntitle: x\n---\n# Head\n\nSome *text*.\n\n```python\nprint(1)\n```\n")
    code, out = run(blog, "render", str(md))
    assert code == 0 and '<h1 id="Head">' in out and "<em>text</em>" in out
    assert "title: x" not in out and '<figure class="highlight python">' in out
    code, out = run(blog, "render", str(md), "-o", str(tmp_path / "out/doc.html"))
    assert code == 0 and "<em>text</em>" in (tmp_path / "out/doc.html").read_text()
    assert run(blog, "render", str(tmp_path / "missing.md"))[0] == 1
    (tmp_path / "x.css").write_text("a{}")
    assert run(blog, "render", str(tmp_path / "x.css"))[0] == 1
    assert run(blog, "render", str(md), "--engine", "ejs")[0] == 2
    proc = sub("render", "source/about/index.md", cwd=blog)                 # relative to the site
    assert proc.returncode == 0 and proc.stdout.strip() == "<p>Hi</p>"


# ---- generate options, global options ----------------------------------------------------------

def test_generate_force_bail_concurrency(blog, monkeypatch):
    from engine import stamp
    monkeypatch.setattr(stamp, "RACY_NS", 0)   # the fixture wrote the site a moment ago
    code, out = run(blog, "generate")
    assert code == 0
    written = int(re.search(r"(\d+) files written", out).group(1))
    code, out = run(blog, "generate")
    assert "Nothing changed" in out                                  # the build stamp
    (blog / "_config.yml").touch()                                   # touched, same bytes
    code, out = run(blog, "generate")
    assert "0 files written" in out
    code, out = run(blog, "generate", "--force")
    assert int(re.search(r"(\d+) files written", out).group(1)) == written
    assert run(blog, "g", "-c", "1")[0] == 0
    assert run(blog, "generate", "-c", "0")[0] == 2
    (blog / "source/_posts/bad.md").write_text("---\ntitle: [x\n---\n")
    index = (blog / "public/index.html").read_bytes()
    (blog / "source/_posts/three.md").write_text(POST.format(title="Three", day=3, tags="", extra=""))
    code, out = run(blog, "generate", "--bail")
    assert code == 1 and "--bail" in out
    assert not (blog / "public/2024/01/03/three").exists()          # nothing written
    assert (blog / "public/index.html").read_bytes() == index
    code, out = run(blog, "generate")
    assert code == 1 and (blog / "public/2024/01/03/three/index.html").exists()


def test_global_options(blog):
    (blog / "scripts").mkdir()
    (blog / "scripts/gen.py").write_text(
        "from engine.routes import Route\n"
        "def register(extend):\n"
        "    extend.generators.register('hello', lambda site, engine: "
        "[Route('hello.txt', None, 'hi', 'raw')])\n")
    code, out = run(blog, "--silent", "generate")
    assert code == 0 and out == ""
    assert (blog / "public/hello.txt").read_text() == "hi"
    assert not (blog / "public/2024/01/01/idea").exists()
    run(blog, "clean")
    assert run(blog, "--safe", "--draft", "generate")[0] == 0
    assert not (blog / "public/hello.txt").exists()                     # --safe: no plugins
    drafts = list((blog / "public").rglob("idea/index.html"))
    assert drafts                                                       # --draft: drafts built
    (blog / "other.yml").write_text("title: Other\nurl: http://o.example\ntheme: t\n"
                                    "public_dir: out\n")
    assert run(blog, "--config", "other.yml", "generate")[0] == 0
    assert (blog / "out/index.html").is_file()
    (blog / "source/_posts/bad.md").write_text("---\ndate: not a date\n---\n")
    code, out = run(blog, "--debug", "generate")
    assert code == 1 and "bad.md" in out


def test_theme_fallback_is_one_warning_and_the_build_succeeds(make_site):
    site = make_site({"source/_posts/p.md": POST.format(title="P", day=1, tags="", extra=""),
                      "themes/landscape/layout/index.ejs": "<%- body %>",
                      "themes/landscape/layout/post.ejs": "<%- page.content %>"},
                     theme=False, config="title: T\nurl: http://example.com\ntheme: landscape\n")
    code, out = run(site, "generate")
    assert code == 0, out
    warnings = [line for line in out.splitlines() if line.startswith("WARN")]
    assert len(warnings) == 1 and "bundled 'scholar' theme" in warnings[0]
    assert "site-header" in (site / "public/2024/01/01/p/index.html").read_text()


def test_version_completion_help(blog):
    code, out = run(None, "version")
    assert code == 0 and out.startswith("pyhexo: ") and "ruamel.yaml" in out
    assert run(None, "--version")[0] == 0
    for shell in ("bash", "zsh", "fish"):
        code, out = run(None, "completion", shell)
        assert code == 0 and "_PYHEXO_COMPLETE" in out, shell
    assert run(None, "completion", "tcsh")[0] == 2
    code, out = run(None, "--help")
    for name in ("init", "new", "publish", "list", "clean", "config", "render", "deploy",
                 "generate", "server", "version", "completion"):
        assert name in out
    # click's completion protocol through a real process
    env = {"_PYHEXO_COMPLETE": "bash_complete", "COMP_WORDS": "pyhexo li", "COMP_CWORD": "1"}
    proc = subprocess.run([sys.executable, "-c", "from engine.cli import main; main()"],
                          capture_output=True, text=True, env={**os.environ, **env}, cwd=blog)
    assert "plain,list" in proc.stdout


def test_exit_codes_through_subprocess(blog, tmp_path):
    assert sub("generate", cwd=blog).returncode == 0
    assert sub("nosuchcommand", cwd=blog).returncode == 2
    assert sub("list", "post", cwd=tmp_path).returncode == 1
    (blog / "source/_posts/bad.md").write_text("---\ntitle: [x\n---\n")
    proc = sub("generate", cwd=blog, env={"CI": "true"})
    assert proc.returncode == 1 and "bad.md:2" in proc.stderr and not ANSI.search(proc.stderr)


def test_generate_watch_rebuilds(blog):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "engine", "generate", "--watch"], cwd=blog,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        out = ""
        deadline = time.time() + 60
        while "Watching" not in out and time.time() < deadline:
            out += proc.stdout.readline()
        assert "Watching" in out
        time.sleep(0.5)
        (blog / "source/_posts/three.md").write_text(
            POST.format(title="Three", day=3, tags="", extra=""))
        target = blog / "public/2024/01/03/three/index.html"
        while not target.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert target.exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
