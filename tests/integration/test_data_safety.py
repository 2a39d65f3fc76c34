"""Data safety of `new`, `publish`, `clean`, `config` and `deploy` (issue 8): they never overwrite
or delete user files outside their documented targets, including when interrupted.

Every test snapshots a whole "world" (a realistic site: sources with post and draft asset folders,
a theme, scaffolds, a commented `_config.yml`, a CNAME and a `.git` folder in public/; plus files
next to the site) as {path: sha256 | 'dir' | 'link:<target>'}, runs a command and compares the
snapshots: exactly the documented targets may change.

Interruptions, two ways (the engine has no test-delay hook, and none is added for this):
- random SIGKILLs of the command's whole process group (git children included) at random short
  delays, on sites large enough that `clean` and `deploy` spend time in the filesystem;
- deterministic crash points: the command runs under a small driver that counts every mutating
  call (os.replace/rename/link/unlink/rmdir/mkdir, opens for writing, each write, each git
  subprocess) and calls `os._exit` just before the N-th one, a write being cut in half first.
After every interruption: the user's files have the same hashes, the target is old or whole-new,
and a rerun succeeds.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from sitekit import write_site
from engine.cli import cli
from engine.config import load_config
from engine.frontmatter import load_yaml, parse_front_matter
from engine.site_config_edit import parse_value

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks, SIGKILL and process groups")

HAS_GIT = shutil.which("git") is not None
SEED = int(os.environ.get("PYHEXO_CRASH_SEED", "8"))
KILLS = 6                      # random SIGKILLs per command
MAX_POINTS = 10                # deterministic crash points per command (bounded)

CONFIG = """\
# Site
title: Data Safety   # shown in the header
url: http://example.com
theme: t
timezone: UTC

# Writing
new_post_name: :title.md     # the default
post_asset_folder: true
"""
PNG = bytes(range(256)) * 4
# Temp files the commands may leave behind when killed: hidden, never read as content.
OUR_TEMP = re.compile(r"^(?:\.pyhexo-new-[0-9a-z_]{8}(?:\.tmp)?|\._config\.yml\.[0-9a-z_]{8}|"
                      r"\.pyhexo-[0-9a-z_]{8}\.tmp|\.manifest-[0-9a-z_]{8})$")


def realistic_site(root: Path, *, config: str = CONFIG, extra: dict | None = None) -> Path:
    """`root/site` plus user files next to it (`root/outside.txt`, `root/neighbour/`)."""
    files: dict = {
        "_config.yml": config,
        "README.md": "# my blog\n",
        ".gitignore": "public/\n.pyhexo-cache/\n.deploy_git/\n",
        "source/_posts/hello.md": "---\ntitle: Hello\ndate: 2024-01-02 10:00:00\ntags: [a]\n---\n"
                                  "Hello ![](photo.png)\n",
        "source/_posts/hello/photo.png": PNG,
        "source/_drafts/idea.md": "---\ntitle: A Great Idea\ntags: [later]\nmood: hopeful\n---\n"
                                  "The idea, in full.\n\nSecond paragraph.\n",
        "source/_drafts/idea/sketch.png": PNG[::-1],
        "source/about/index.md": "---\ntitle: About\ndate: 2024-01-03\n---\nAbout me.\n",
        "source/_data/menu.yml": "Home: /\nAbout: /about/\n",
        "source/CNAME": "example.com\n",
        "scaffolds/post.md": "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n",
        "scaffolds/page.md": "---\ntitle: {{ title }}\ndate: {{ date }}\n---\n",
        "scaffolds/draft.md": "---\ntitle: {{ title }}\ntags:\n---\n",
        "themes/t/_config.yml": "menu:\n  Home: /\n",
        "public/CNAME": "example.com\n",
        "public/.nojekyll": "",
        "public/.git/HEAD": "ref: refs/heads/gh-pages\n",
        "public/.git/config": "[core]\n\tbare = false\n",
        "public/.git/objects/ab/cdef0123": b"\x78\x01binary",
        "public/index.html": "<p>an old build</p>\n",
    }
    files.update(extra or {})
    site = write_site(root / "site", files)
    (root / "outside.txt").write_text("next to the site, never touched\n")
    (root / "neighbour").mkdir(exist_ok=True)
    (root / "neighbour" / "notes.md").write_text("---\ntitle: not mine\n---\n")
    return site


def snapshot(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root).replace(os.sep, "/")
            if os.path.islink(p):
                out[rel] = "link:" + os.readlink(p)
            elif os.path.isdir(p):
                out[rel] = "dir"
            else:
                with open(p, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple]:
    return {k: (before.get(k), after.get(k)) for k in sorted(before.keys() | after.keys())
            if before.get(k) != after.get(k)}


def without_temp(diff: dict[str, tuple]) -> dict[str, tuple]:
    """The changes minus our own temp files appearing (what a SIGKILL may leave)."""
    return {k: v for k, v in diff.items()
            if not (v[0] is None and OUR_TEMP.match(k.rsplit("/", 1)[-1]))}


def run(site: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--cwd", str(site), *args])
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
                "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(var, raising=False)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _mask_date(text: str) -> str:
    return re.sub(r"^date: .*$", "date: <now>", text, flags=re.M)


# =============================================================================================
# new

def test_new_adds_only_the_post_and_its_asset_folder(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    before = snapshot(root)
    code, out = run(site, "new", "Hello World")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    assert set(diff) == {"site/source/_posts/Hello-World.md", "site/source/_posts/Hello-World"}
    assert all(old is None for old, _ in diff.values())                  # only additions
    text = (site / "source/_posts/Hello-World.md").read_text()
    assert _mask_date(text) == "---\ntitle: Hello World\ndate: <now>\ntags:\n---\n"


@pytest.mark.parametrize("args,added", [
    (("new", "hello"), {"source/_posts/hello-1.md", "source/_posts/hello-1"}),
    (("new", "page", "about"), {"source/about/index-1.md"}),
    (("new", "draft", "idea"), {"source/_drafts/idea-1.md", "source/_drafts/idea-1"}),
    (("new", "--slug", "hello", "Other title"), {"source/_posts/hello-1.md", "source/_posts/hello-1"}),
    (("new", "--path", "notes/first", "First"),
     {"source/_posts/notes", "source/_posts/notes/first.md", "source/_posts/notes/first"}),
    # a directory or a dangling symlink where the file would go: never replaced, next name used
    (("new", "dirpost"), {"source/_posts/dirpost-1.md", "source/_posts/dirpost-1"}),
    (("new", "dangling"), {"source/_posts/dangling-1.md", "source/_posts/dangling-1"}),
])
def test_new_name_collisions_never_touch_existing_files(tmp_path, args, added):
    root = tmp_path / "w"
    site = realistic_site(root, extra={"source/_posts/dirpost.md/keep.txt": "a folder named .md"})
    (site / "source/_posts/dangling.md").symlink_to("../../../nowhere.md")
    before = snapshot(root)
    code, out = run(site, *args)
    assert code == 0, out
    diff = changes(before, snapshot(root))
    assert set(diff) == {f"site/{a}" for a in added}
    assert all(old is None for old, _ in diff.values())                  # only additions
    assert not (root / "nowhere.md").exists()


def test_new_replace_only_touches_its_target(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    run(site, "new", "hello")                                             # hello-1.md exists too
    (site / "source/_posts/hello.md").chmod(0o664)
    before = snapshot(root)
    code, out = run(site, "new", "--replace", "hello")
    assert code == 0, out
    assert set(changes(before, snapshot(root))) == {"site/source/_posts/hello.md"}
    assert (site / "source/_posts/hello/photo.png").read_bytes() == PNG   # asset folder kept
    assert (site / "source/_posts/hello.md").stat().st_mode & 0o777 == 0o664   # mode kept


def test_new_replace_never_writes_through_a_symlink_or_onto_a_folder(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root, extra={"source/_posts/dirpost.md/keep.txt": "folder"})
    (site / "source/_posts/linked.md").symlink_to("../../../outside.txt")
    before = snapshot(root)
    code, out = run(site, "new", "--replace", "linked")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    assert set(diff) <= {"site/source/_posts/linked.md", "site/source/_posts/linked"}
    assert "outside.txt" not in diff                                      # not written through
    before = snapshot(root)
    code, out = run(site, "new", "--replace", "dirpost")
    assert code != 0
    assert changes(before, snapshot(root)) == {}


@pytest.mark.parametrize("path", ["../../../outside", "/tmp/x", "../../README", "../_drafts/idea"])
def test_new_path_leaving_its_folder_changes_nothing(tmp_path, path):
    root = tmp_path / "w"
    site = realistic_site(root)
    before = snapshot(root)
    code, _ = run(site, "new", "--path", path, "Escape")
    assert code == 1
    assert changes(before, snapshot(root)) == {}


# =============================================================================================
# publish

DRAFT_BODY = "The idea, in full.\n\nSecond paragraph.\n"


def _assert_post_is_the_draft(path: Path) -> None:
    fm = parse_front_matter(path.read_text(), path.name)
    assert fm.data["title"] == "A Great Idea" and fm.data["mood"] == "hopeful"
    assert fm.data["tags"] == ["later"] and fm.data.get("date") is not None
    assert fm.body.endswith(DRAFT_BODY)


def test_publish_moves_the_draft_and_its_assets_and_nothing_else(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    before = snapshot(root)
    code, out = run(site, "publish", "idea")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    assert set(diff) == {"site/source/_drafts/idea.md", "site/source/_drafts/idea",
                         "site/source/_drafts/idea/sketch.png", "site/source/_posts/idea.md",
                         "site/source/_posts/idea", "site/source/_posts/idea/sketch.png"}
    assert diff["site/source/_posts/idea/sketch.png"][1] == \
        before["site/source/_drafts/idea/sketch.png"]
    _assert_post_is_the_draft(site / "source/_posts/idea.md")


def test_publish_when_the_post_exists_keeps_it(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root, extra={"source/_posts/idea.md": "---\ntitle: mine\n---\nMine.\n",
                                       "source/_posts/idea/mine.png": b"mine"})
    before = snapshot(root)
    code, out = run(site, "publish", "idea")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    assert set(diff) == {"site/source/_drafts/idea.md", "site/source/_drafts/idea",
                         "site/source/_drafts/idea/sketch.png", "site/source/_posts/idea-1.md",
                         "site/source/_posts/idea-1", "site/source/_posts/idea-1/sketch.png"}
    _assert_post_is_the_draft(site / "source/_posts/idea-1.md")


def test_publish_replace_overwrites_only_the_post_and_keeps_clashing_assets(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root, extra={"source/_posts/idea.md": "---\ntitle: old\n---\nOld.\n",
                                       "source/_posts/idea/sketch.png": b"an older sketch",
                                       "source/_drafts/idea/extra.png": b"extra"})
    before = snapshot(root)
    code, out = run(site, "publish", "--replace", "idea")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    # the clashing asset stays in the draft's folder: nothing is lost
    assert set(diff) == {"site/source/_drafts/idea.md", "site/source/_posts/idea.md",
                         "site/source/_drafts/idea/extra.png", "site/source/_posts/idea/extra.png"}
    assert (site / "source/_drafts/idea/sketch.png").read_bytes() == PNG[::-1]
    assert (site / "source/_posts/idea/sketch.png").read_bytes() == b"an older sketch"
    _assert_post_is_the_draft(site / "source/_posts/idea.md")


@pytest.mark.parametrize("name", ["nope", "../_posts/hello", "../../README"])
def test_publish_of_a_missing_or_escaping_draft_changes_nothing(tmp_path, name):
    root = tmp_path / "w"
    site = realistic_site(root)
    before = snapshot(root)
    assert run(site, "publish", name)[0] == 1
    assert changes(before, snapshot(root)) == {}


# =============================================================================================
# clean

def _clean_changes_ok(diff: dict[str, tuple], *, public: str = "site/public") -> None:
    """Every change is the removal of something generated: under public/ (not .git, CNAME,
    .nojekyll) or the cache."""
    for rel, (old, new) in diff.items():
        assert new is None, f"clean created or modified {rel}"
        if rel.startswith(public + "/"):
            top = rel[len(public) + 1:].split("/")[0]
            assert top not in (".git", "CNAME", ".nojekyll"), f"clean removed {rel}"
        else:
            assert rel == "site/.pyhexo-cache" or rel.startswith("site/.pyhexo-cache/"), \
                f"clean removed {rel}, outside public/"


def test_clean_removes_only_generated_files(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    assert run(site, "generate")[0] == 0
    pub = site / "public"
    (pub / "to-source").symlink_to("../source", target_is_directory=True)
    (pub / "to-neighbour").symlink_to("../../neighbour", target_is_directory=True)
    (pub / "about" / "to-outside.txt").symlink_to("../../../outside.txt")
    before = snapshot(root)
    code, out = run(site, "clean")
    assert code == 0, out
    diff = changes(before, snapshot(root))
    _clean_changes_ok(diff)
    assert sorted(p.name for p in pub.iterdir()) == [".git", ".nojekyll", "CNAME"]
    assert "site/public/to-source" in diff and "site/public/index.html" in diff
    assert not (site / ".pyhexo-cache").exists()


HOSTILE = [".", "./", "..", "../neighbour", "/", "source", "source/_posts", "source/../source",
           "public/../source", "themes", "themes/t", "scaffolds", "_config.yml", ".pyhexo-cache",
           ".deploy_git", "public/.git", "public/.git/objects", "{root}/neighbour", "{root}"]
LINKS = {        # public_dir: out, a symlink to ...
    "to-source": "source", "to-posts": "source/_posts", "to-site": ".", "to-parent": "..",
    "to-neighbour": "../neighbour", "to-root": "/", "to-outside-file": "../outside.txt",
    "chain": "out2", "to-theme": "themes/t", "to-asset-folder": "source/_posts/hello",
    "to-public-git": "public/.git",
}


def _refused_by_clean_and_generate(root: Path, site: Path) -> None:
    before = snapshot(root)
    code, out = run(site, "clean")
    assert code == 1 and "refusing to use" in out, out
    assert changes(before, snapshot(root)) == {}
    code, out = run(site, "generate")              # the same guard; it may only fill its cache
    assert code == 1 and "refusing to use" in out, out
    assert all(k.startswith("site/.pyhexo-cache") for k in changes(before, snapshot(root)))


@pytest.mark.parametrize("public_dir", HOSTILE)
def test_clean_with_a_hostile_public_dir_touches_nothing(tmp_path, public_dir):
    root = tmp_path / "w"
    site = realistic_site(root, config=CONFIG + f"public_dir: '{public_dir.format(root=root)}'\n")
    (site / ".deploy_git").mkdir()
    (site / ".deploy_git" / "precious").write_text("deploy state")
    _refused_by_clean_and_generate(root, site)


@pytest.mark.parametrize("kind", sorted(LINKS))
def test_clean_with_public_dir_a_symlink_out_touches_nothing(tmp_path, kind):
    root = tmp_path / "w"
    site = realistic_site(root, config=CONFIG + "public_dir: out\n")
    (site / "out").symlink_to(LINKS[kind])
    if kind == "chain":
        (site / "out2").symlink_to("source")
    _refused_by_clean_and_generate(root, site)


def test_clean_when_public_itself_is_a_symlink_out_of_the_site(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    shutil.rmtree(site / "public")
    (site / "public").symlink_to("../neighbour", target_is_directory=True)
    before = snapshot(root)
    code, out = run(site, "clean")
    assert code == 1 and "refusing to use" in out
    assert changes(before, snapshot(root)) == {}


def test_clean_with_public_dir_a_user_file_touches_nothing(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root, config=CONFIG + "public_dir: README.md\n")
    before = snapshot(root)
    run(site, "clean")
    assert changes(before, snapshot(root)) == {}


# =============================================================================================
# config

YAML_BREAKERS = [": bad", "a: b", "- x", "# not a comment", "x # y", "{unclosed", "[1, 2", "*ref",
                 "&anchor x", "!!python/object/apply:os.system", "'quoted", '"dq', "line1\nline2",
                 "%TAG", "@x", "`x", "---", "...", "\ttab", "trailing ", " lead", "yes", "on",
                 "0o17", "0x1F", "1_000", "2024-01-01", "12:30:00", "<<", "? q", "|", ">",
                 "{{ now }}", "{a: [}", "key: [x", "c:\\path", "http://x/#a", "é ü",
                 "\x85nel", "x\u2028y", "a\u2029b", "\x00nul", "\x1b[31m", "\ufeffbom", "cr\rx"]


@pytest.mark.parametrize("value", YAML_BREAKERS)
def test_config_value_that_would_break_yaml_reads_back_and_keeps_the_rest(tmp_path, value):
    root = tmp_path / "w"
    site = realistic_site(root)
    cfg = site / "_config.yml"
    before = snapshot(root)
    code, out = run(site, "config", "--", "title", value)
    assert code == 0, out
    assert set(changes(before, snapshot(root))) == {"site/_config.yml"}
    text = cfg.read_text()
    title = re.search(r"^title: .*\n", text, re.M).group(0)
    assert title.endswith(" # shown in the header\n")             # the comment is kept
    assert text.replace(title, "") == CONFIG.replace("title: Data Safety   # shown in the header\n", "")
    assert load_config(site).raw["title"] == parse_value(value)
    assert isinstance(load_yaml(text), dict)
    # and a second edit of another key keeps the first value
    assert run(site, "config", "deploy.branch", "gh-pages")[0] == 0
    assert load_config(site).raw["title"] == parse_value(value)


@pytest.mark.parametrize("args", [("timezone", "Mars/Olympus"), ("a..b", "x"), ("title.sub", "x"),
                                  ("new_post_name.x", "1")])
def test_config_refused_edit_changes_nothing(tmp_path, args):
    root = tmp_path / "w"
    site = realistic_site(root)
    before = snapshot(root)
    assert run(site, "config", *args)[0] == 1
    assert changes(before, snapshot(root)) == {}


def test_config_through_a_symlinked_config_file_keeps_the_link(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root)
    (root / "dotfiles").mkdir()
    shutil.move(site / "_config.yml", root / "dotfiles" / "blog.yml")
    (site / "_config.yml").symlink_to("../dotfiles/blog.yml")
    before = snapshot(root)
    assert run(site, "config", "title", "Linked")[0] == 0
    assert set(changes(before, snapshot(root))) == {"dotfiles/blog.yml"}
    assert (site / "_config.yml").is_symlink()
    assert load_config(site).raw["title"] == "Linked"


def test_config_json_file_only_changes_that_file(tmp_path):
    root = tmp_path / "w"
    site = realistic_site(root, extra={"alt.json": '{"title": "J", "theme": "t"}\n'})
    before = snapshot(root)
    assert run(site, "--config", "alt.json", "config", "title", "New: {x}")[0] == 0
    assert set(changes(before, snapshot(root))) == {"site/alt.json"}
    assert load_config(site, ["alt.json"]).raw["title"] == "New: {x}"


# =============================================================================================
# deploy

def _deploy_config(remote: Path) -> str:
    return CONFIG + (f"\n# Deployment\ndeploy:\n  type: git\n  repo: {remote}\n  branch: gh-pages\n"
                     "  name: Deployer\n  email: d@example.org\n")


def _site_repo(site: Path) -> None:
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "-c", "user.name=U", "-c", "user.email=u@x", "commit", "-q", "-m", "sources")


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _expected_tree(public: Path) -> dict[str, str]:
    out = {}
    for p in public.rglob("*"):
        rel = p.relative_to(public).as_posix()
        if p.is_file() and not any(part.startswith(".") and part != ".nojekyll"
                                   for part in rel.split("/")):
            out[rel] = _blob(p.read_bytes())
    return out


def _tree(remote: Path, ref: str) -> dict[str, str]:
    out = {}
    for line in git(remote, "ls-tree", "-r", ref).splitlines():
        meta, path = line.split("\t", 1)
        out[path] = meta.split()[2]
    return out


def _deploy_changes_ok(diff: dict[str, tuple]) -> None:
    for rel in diff:
        assert rel.startswith(("site/.deploy_git/", "remote.git/")) or rel == "site/.deploy_git", \
            f"deploy changed {rel}"


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_deploy_to_a_local_bare_repo_only_touches_deploy_git_and_the_remote(tmp_path):
    root = tmp_path / "w"
    remote = root / "remote.git"
    site = realistic_site(root, config=_deploy_config(remote))
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _site_repo(site)
    assert run(site, "generate")[0] == 0
    for attempt in range(2):                  # the second deploy has nothing new to push
        before = snapshot(root)
        code, out = run(site, "deploy")
        assert code == 0, out
        diff = changes(before, snapshot(root))
        _deploy_changes_ok(diff)
        assert _tree(remote, "gh-pages") == _expected_tree(site / "public")
    assert not any(k.startswith("remote.git/") for k in diff)          # up to date: no push
    assert "CNAME" in _tree(remote, "gh-pages") and ".git/HEAD" not in _tree(remote, "gh-pages")


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_deploy_refusals_change_nothing(tmp_path):
    root = tmp_path / "w"
    remote = root / "remote.git"
    site = realistic_site(root, config=_deploy_config(remote))
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _site_repo(site)
    # .deploy_git as a symlink to a user folder
    (site / ".deploy_git").symlink_to("../neighbour", target_is_directory=True)
    before = snapshot(root)
    assert run(site, "deploy")[0] == 1
    assert changes(before, snapshot(root)) == {}
    (site / ".deploy_git").unlink()
    # the site's own repository, on its checked-out branch
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text().replace(f"repo: {remote}", f"repo: {site}")
                   .replace("branch: gh-pages", "branch: main"))
    before = snapshot(root)
    code, out = run(site, "deploy")
    assert code == 1 and "refusing" in out
    diff = changes(before, snapshot(root))
    assert set(diff) <= {"site/.deploy_git"} | {k for k in diff if k.startswith("site/.deploy_git/")}
    assert not any(k.startswith("site/.git/") for k in diff)


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_deploy_recovers_from_git_locks_left_by_a_killed_deploy(tmp_path, monkeypatch):
    import fcntl
    import engine.deploy as deploy_mod
    root = tmp_path / "w"
    remote = root / "remote.git"
    site = realistic_site(root, config=_deploy_config(remote))
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    assert run(site, "deploy", "--setup")[0] == 0
    gitdir = site / ".deploy_git/.git"
    stale = [gitdir / "index.lock", gitdir / "HEAD.lock", gitdir / "refs/heads/gh-pages.lock"]
    for lock in stale:
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text("")
    # while another deploy (or its git children) holds .deploy_git, nothing is removed
    monkeypatch.setattr(deploy_mod, "LOCK_WAIT", 0.3)
    fd = os.open(gitdir / deploy_mod.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    code, out = run(site, "deploy")
    assert code == 1 and "another deploy" in out
    assert all(lock.exists() for lock in stale)
    os.close(fd)
    # once free, the locks are known stale: removed, and the deploy goes through
    before = snapshot(root)
    code, out = run(site, "deploy")
    assert code == 0, out
    _deploy_changes_ok(changes(before, snapshot(root)))
    assert _tree(remote, "gh-pages") == _expected_tree(site / "public")


def test_new_without_hard_links_still_never_overwrites(tmp_path, monkeypatch):
    import errno
    root = tmp_path / "w"
    site = realistic_site(root)

    def no_link(*a, **k):
        raise OSError(errno.EPERM, "no hard links here")
    monkeypatch.setattr(os, "link", no_link)
    before = snapshot(root)
    code, out = run(site, "new", "hello")
    assert code == 0, out
    assert set(changes(before, snapshot(root))) == {"site/source/_posts/hello-1.md",
                                                    "site/source/_posts/hello-1"}


# =============================================================================================
# interruptions

DRIVER = r'''
import builtins, io, os, subprocess, sys
_AT = int(sys.argv[1])
sys.argv = ["pyhexo"] + sys.argv[2:]
_n = 0

def _point(cut=None):
    global _n
    _n += 1
    if _n == _AT:
        if cut is not None:
            cut()
        os._exit(137)

class _Writer:
    def __init__(self, f):
        self._f = f
    def write(self, data):
        def cut():
            self._f.write(data[: len(data) // 2])
            self._f.flush()
        _point(cut)
        return self._f.write(data)
    def __enter__(self):
        self._f.__enter__()
        return self
    def __exit__(self, *exc):
        return self._f.__exit__(*exc)
    def __iter__(self):
        return iter(self._f)
    def __getattr__(self, name):
        return getattr(self._f, name)

def _hook(mod, name):
    real = getattr(mod, name)
    def hooked(*a, **k):
        _point()
        return real(*a, **k)
    setattr(mod, name, hooked)

for _name in ("replace", "rename", "link", "unlink", "remove", "rmdir", "mkdir", "symlink",
              "chmod"):
    _hook(os, _name)
_hook(subprocess, "run")
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_real_os_open, _real_fdopen, _real_open = os.open, os.fdopen, io.open

def _os_open(path, flags, *a, **k):
    if flags & _WRITE:
        _point()
    return _real_os_open(path, flags, *a, **k)

def _writing(mode):
    return any(c in mode for c in "wax+")

def _fdopen(fd, mode="r", *a, **k):
    f = _real_fdopen(fd, mode, *a, **k)
    return _Writer(f) if _writing(mode) else f

def _open(file, mode="r", *a, **k):
    if _writing(mode):
        _point()
        return _Writer(_real_open(file, mode, *a, **k))
    return _real_open(file, mode, *a, **k)

os.open, os.fdopen, io.open, builtins.open = _os_open, _fdopen, _open, _open

def _report():
    path = os.environ.get("PYHEXO_DS_COUNT")
    if path:
        with _real_open(path, "w") as fh:
            fh.write(str(_n))
import atexit
atexit.register(_report)
from engine.cli import main
main()
'''


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(CI="1", TZ="UTC", PYTHONDONTWRITEBYTECODE="1", HOME=str(home),
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / ".gitconfig"))
    return env


@dataclass
class Case:
    """One command under interruption. `check_killed(before, after)` runs after every kill,
    `check_done(before, after)` after the rerun that follows it."""
    name: str
    argv: list[str]
    check_killed: Callable[[dict, dict], None]
    check_done: Callable[[dict, dict], None]
    rerun_argv: Callable[[], list[str] | None] | None = None    # None: rerun `argv`


class World:
    """A pristine world kept aside and restored before every interrupted run: all of it, or only
    `parts` (the command's targets; the rest is checked unchanged after every run anyway)."""

    def __init__(self, tmp_path: Path, build: Callable[[Path], None],
                 parts: tuple[str, ...] = ("",)):
        self.tmp_path = tmp_path
        self.parts = parts
        self.root = tmp_path / "w"
        self.pristine = tmp_path / "pristine"
        build(self.root)
        shutil.copytree(self.root, self.pristine, symlinks=True)
        self.site = self.root / "site"
        self.env = _env(tmp_path)
        self.driver = tmp_path / "driver.py"
        self.driver.write_text(DRIVER)

    def restore(self) -> dict[str, str]:
        for rel in self.parts:
            dst, src = self.root / rel, self.pristine / rel
            if dst.is_symlink() or dst.is_file():
                dst.unlink()
            elif dst.exists():
                shutil.rmtree(dst)
            if src.is_dir() and not src.is_symlink():
                shutil.copytree(src, dst, symlinks=True)
            elif src.exists() or src.is_symlink():
                shutil.copy2(src, dst, follow_symlinks=False)
        return snapshot(self.root)

    def argv(self, args: list[str]) -> list[str]:
        return ["--cwd", str(self.site), *args]

    def popen(self, args: list[str], crash_at: int | None = None) -> subprocess.Popen:
        cmd = [sys.executable] + ([str(self.driver), str(crash_at)] if crash_at is not None
                                  else ["-m", "engine"]) + self.argv(args)
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env, start_new_session=True)

    def run(self, args: list[str]) -> float:
        start = time.perf_counter()
        proc = self.popen(args)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (args, out.decode(), err.decode())
        return time.perf_counter() - start

    def count_points(self, args: list[str]) -> int:
        counter = self.tmp_path / "count"
        proc = subprocess.Popen([sys.executable, str(self.driver), "0", *self.argv(args)],
                                env={**self.env, "PYHEXO_DS_COUNT": str(counter)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
        return int(counter.read_text())


def _after_interruption(world: World, case: Case, before: dict) -> None:
    after = snapshot(world.root)
    case.check_killed(before, after)
    rerun = case.rerun_argv() if case.rerun_argv else case.argv
    if rerun is not None:
        world.run(rerun)
        case.check_done(before, snapshot(world.root))


def interrupt(world: World, case: Case, *, kills: int = KILLS, points: int = MAX_POINTS) -> str:
    """Random SIGKILLs, then deterministic crash points; returns a summary line."""
    rng = random.Random(f"{SEED}-{case.name}")
    world.restore()
    full = world.run(case.argv)
    for _ in range(kills):
        before = world.restore()
        proc = world.popen(case.argv)
        time.sleep(rng.uniform(0.25, 1.1) * full)
        try:
            os.killpg(proc.pid, signal.SIGKILL)       # the command and its git children
        except ProcessLookupError:
            pass
        proc.communicate(timeout=60)
        _after_interruption(world, case, before)

    world.restore()
    total = world.count_points(case.argv)
    assert total > 0
    if total <= points:
        chosen = list(range(1, total + 1))
    else:
        chosen = sorted({1 + round(i * (total - 1) / (points - 1)) for i in range(points)})
    for at in chosen:
        before = world.restore()
        proc = world.popen(case.argv, crash_at=at)
        proc.communicate(timeout=300)
        assert proc.returncode == 137, f"crash point {at} of {total} not reached"
        _after_interruption(world, case, before)
    return f"{case.name}: {kills} SIGKILLs, {len(chosen)} of {total} crash points"


# ---- new ------------------------------------------------------------------------------------

def _check_new(world: World, post_rel: str, asset_rel: str, expected: str):
    def killed(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        assert set(diff) <= {post_rel, asset_rel}, diff
        assert all(old is None for old, _ in diff.values())
        post = world.root / post_rel
        if post.exists():          # whole, never a half-written post
            assert _mask_date(post.read_text()) == expected

    def done(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        posts = [k for k in diff if k.endswith(".md")]
        assert posts and all(_mask_date((world.root / p).read_text()) == expected for p in posts)
        assert all(old is None for old, _ in diff.values())
    return killed, done


@pytest.mark.slow
def test_new_publish_config_survive_sigkill_and_crash_points(tmp_path):
    world = World(tmp_path, lambda root: realistic_site(root))
    summaries = []

    killed, done = _check_new(world, "site/source/_posts/Big-Plan.md", "site/source/_posts/Big-Plan",
                              "---\ntitle: Big Plan\ndate: <now>\ntags:\n---\n")
    summaries.append(interrupt(world, Case("new", ["new", "Big Plan"], killed, done)))

    # --replace onto an existing post: the post is old or new bytes, never anything else
    old_hello = (world.pristine / "site/source/_posts/hello.md").read_bytes()

    def replace_killed(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        assert set(diff) <= {"site/source/_posts/hello.md"}, diff
        data = (world.site / "source/_posts/hello.md").read_bytes()
        assert data == old_hello or _mask_date(data.decode()) == \
            "---\ntitle: hello\ndate: <now>\ntags:\n---\n"

    def replace_done(before: dict, after: dict) -> None:
        replace_killed(before, after)
        assert (world.site / "source/_posts/hello.md").read_bytes() != old_hello
    summaries.append(interrupt(world, Case("new --replace", ["new", "--replace", "hello"],
                                           replace_killed, replace_done)))

    # publish: the draft is never lost; it is whole in _drafts/ or whole in _posts/
    draft = (world.pristine / "site/source/_drafts/idea.md").read_bytes()
    sketch = hashlib.sha256(PNG[::-1]).hexdigest()
    state: dict = {}

    def publish_killed(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        allowed = {"site/source/_drafts/idea.md", "site/source/_drafts/idea",
                   "site/source/_drafts/idea/sketch.png"}
        posts = {k for k in diff if re.fullmatch(r"site/source/_posts/idea(-\d+)?\.md", k)}
        assets = {k for k in diff if re.fullmatch(r"site/source/_posts/idea(-\d+)?(/sketch.png)?", k)}
        assert set(diff) - posts - assets <= allowed, diff
        src = world.site / "source/_drafts/idea.md"
        assert (src.exists() and src.read_bytes() == draft) or posts, "the draft was lost"
        for p in posts:
            _assert_post_is_the_draft(world.root / p)
        assert sketch in {after.get(k) for k in ["site/source/_drafts/idea/sketch.png", *assets]}, \
            "asset lost"
        state["draft_left"] = src.exists()

    def publish_done(before: dict, after: dict) -> None:
        # a kill between writing the post and removing the draft leaves both; the rerun then
        # publishes it again as idea-1.md (a duplicate, nothing lost)
        assert not (world.site / "source/_drafts/idea.md").exists()
        posts = [k for k in changes(before, after)
                 if re.fullmatch(r"site/source/_posts/idea(-\d+)?\.md", k)]
        assert posts
        for p in posts:
            _assert_post_is_the_draft(world.root / p)
        assert any(after.get(p[:-3] + "/sketch.png") == sketch for p in posts)
    summaries.append(interrupt(world, Case(
        "publish", ["publish", "idea"], publish_killed, publish_done,
        rerun_argv=lambda: ["publish", "idea"] if state["draft_left"] else ["list", "post"])))

    # config: _config.yml is its old bytes or the new valid YAML, never truncated
    old_cfg = (world.pristine / "site/_config.yml").read_bytes()
    world.restore()
    world.run(["config", "deploy.branch", "gh-pages: {x}"])
    new_cfg = (world.site / "_config.yml").read_bytes()
    assert load_yaml(new_cfg.decode())["deploy"]["branch"] == "gh-pages: {x}"

    def config_killed(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        assert set(diff) <= {"site/_config.yml"}, diff
        assert (world.site / "_config.yml").read_bytes() in (old_cfg, new_cfg)

    def config_done(before: dict, after: dict) -> None:
        assert set(without_temp(changes(before, after))) == {"site/_config.yml"}
        assert (world.site / "_config.yml").read_bytes() == new_cfg
    summaries.append(interrupt(world, Case("config", ["config", "deploy.branch", "gh-pages: {x}"],
                                           config_killed, config_done)))
    print("\n".join(summaries))


# ---- clean and deploy on a large site ----------------------------------------------------

def _large_public(public: Path, version: str, n: int) -> None:
    for i in range(n):
        p = public / f"{2024 - i % 5}" / f"{i % 40:02d}" / f"post-{i:04d}" / "index.html"
        p.parent.mkdir(parents=True, exist_ok=True)
        if version == "new" and i % 3 == 0:
            continue                                   # a third of the pages are gone
        p.write_text(f"<html><body>{version} page {i} " + "lorem ipsum " * 60 + "</body></html>")
    if version == "new":
        for i in range(n // 4):
            p = public / "tags" / f"t{i:04d}" / "index.html"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(f"tag {i}")


@pytest.mark.slow
def test_clean_survives_sigkill_and_crash_points(tmp_path):
    def build(root: Path) -> None:
        site = realistic_site(root)
        _large_public(site / "public", "old", 500)
        (site / "public/to-source").symlink_to("../source", target_is_directory=True)
        (site / "public/2024/to-outside.txt").symlink_to("../../../outside.txt")
        (site / ".pyhexo-cache").mkdir()
        (site / ".pyhexo-cache/manifest.json").write_text('{"complete": true}')

    world = World(tmp_path, build, parts=("site/public", "site/.pyhexo-cache"))

    outcomes: dict[str, int] = {}

    def killed(before: dict, after: dict) -> None:
        diff = without_temp(changes(before, after))
        _clean_changes_ok(diff)
        gone = sum(1 for k in diff if k.endswith(".html"))
        kind = "untouched" if not diff else "done" if gone >= 500 else "part-way"
        outcomes[kind] = outcomes.get(kind, 0) + 1

    def done(before: dict, after: dict) -> None:
        diff = changes(before, after)
        _clean_changes_ok(diff)
        assert sorted(p.name for p in (world.site / "public").iterdir()) == \
            [".git", ".nojekyll", "CNAME"]
        assert not (world.site / ".pyhexo-cache").exists()
    print(interrupt(world, Case("clean", ["clean"], killed, done), points=6), outcomes)


@pytest.mark.slow
@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_deploy_survives_sigkill_and_crash_points(tmp_path):
    remote = tmp_path / "w" / "remote.git"
    old_tip: list[str] = []

    def build(root: Path) -> None:
        site = realistic_site(root, config=_deploy_config(remote))
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        _site_repo(site)
        _large_public(site / "public", "old", 300)
        assert run(site, "deploy")[0] == 0
        old_tip.append(git(remote, "rev-parse", "gh-pages"))
        for child in (site / ".deploy_git").iterdir():          # deploy rebuilds the work tree
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for repo in (remote, site / ".deploy_git/.git"):     # packed: quick to restore
            subprocess.run(["git", "--git-dir", str(repo), "repack", "-adq"], check=True)
            subprocess.run(["git", "--git-dir", str(repo), "prune-packed"], check=True)
        for p in (site / "public").rglob("index.html"):
            if p.parent != site / "public":
                p.unlink()
        _large_public(site / "public", "new", 300)

    world = World(tmp_path, build, parts=("site/.deploy_git", "remote.git"))
    expected = _expected_tree(world.site / "public")

    outcomes: dict[str, int] = {}

    def killed(before: dict, after: dict) -> None:
        _deploy_changes_ok(without_temp(changes(before, after)))
        tip = git(remote, "rev-parse", "gh-pages")
        assert tip == old_tip[0] or _tree(remote, tip) == expected
        kind = "pushed" if tip != old_tip[0] else "not pushed"
        if list((world.site / ".deploy_git/.git").glob("*.lock")):
            kind += ", stale git lock"
        outcomes[kind] = outcomes.get(kind, 0) + 1
        assert git(remote, "fsck", "--connectivity-only") == ""

    def done(before: dict, after: dict) -> None:
        _deploy_changes_ok(changes(before, after))
        assert _tree(remote, "gh-pages") == expected
        assert git(remote, "rev-parse", "gh-pages^") == old_tip[0]      # one incremental commit
    print(interrupt(world, Case("deploy", ["deploy"], killed, done), points=6), outcomes)
