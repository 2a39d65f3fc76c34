"""`pyhexo deploy` with the git deployer, against local bare repositories: incremental commits,
the site's own repository untouched, refusals, messages and identities."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitekit import write_site
from engine.cli import cli
from engine.deploy import DeployError, parse_deploy_config, render_message

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

POST = "---\ntitle: {title}\ndate: 2024-01-0{day} 10:00:00\n---\n{body}\n"


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def bare(tmp_path: Path, name: str = "remote.git") -> Path:
    path = tmp_path / name
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


def run(site: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--cwd", str(site), *args], catch_exceptions=False)
    return result.exit_code, result.output


def make(tmp_path: Path, deploy: str) -> Path:
    cfg = f"title: T\nurl: http://example.com\ntheme: t\ntimezone: UTC\n{deploy}"
    return write_site(tmp_path / "site", {
        "source/_posts/one.md": POST.format(title="One", day=1, body="First."),
        "source/CNAME": "example.com\n",
    }, config=cfg)


def files_on(repo: Path, branch: str) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", branch).splitlines())


def test_deploy_twice_pushes_an_incremental_commit(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy:\n  type: git\n  repo: {remote}\n  branch: gh-pages\n"
                          f"  name: Deployer\n  email: d@example.org\n")
    assert run(site, "generate")[0] == 0
    code, out = run(site, "deploy")
    assert code == 0, out
    first = git(remote, "rev-parse", "gh-pages")
    tree = files_on(remote, "gh-pages")
    assert "2024/01/01/one/index.html" in tree and "index.html" in tree and "CNAME" in tree
    assert git(remote, "log", "-1", "--format=%an <%ae>", "gh-pages") == "Deployer <d@example.org>"
    assert git(remote, "log", "-1", "--format=%s", "gh-pages").startswith("Site updated: 20")

    (site / "source/_posts/two.md").write_text(POST.format(title="Two", day=2, body="Second."))
    (site / "source/_posts/one.md").unlink()
    code, out = run(site, "generate", "--deploy")
    assert code == 0, out
    second = git(remote, "rev-parse", "gh-pages")
    assert second != first
    assert git(remote, "rev-parse", "gh-pages^") == first            # on top of the first
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    tree = files_on(remote, "gh-pages")
    assert "2024/01/02/two/index.html" in tree and "2024/01/01/one/index.html" not in tree

    code, out = run(site, "d")                                        # nothing changed
    assert code == 0 and "up to date" in out
    assert git(remote, "rev-parse", "gh-pages") == second


def test_deploy_builds_on_the_remote_even_without_deploy_git(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote},pages'}}\n")
    assert run(site, "deploy", "-g")[0] == 0
    first = git(remote, "rev-parse", "pages")
    shutil.rmtree(site / ".deploy_git")
    (site / "source/_posts/one.md").write_text(POST.format(title="One", day=1, body="Edited."))
    assert run(site, "deploy", "--generate")[0] == 0
    assert git(remote, "rev-parse", "pages^") == first               # never force-pushed


def test_site_repository_head_and_branches_are_untouched(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy:\n  type: git\n  repo: {remote}\n")
    (site / ".gitignore").write_text("public/\n.deploy_git/\n.pyhexo-cache/\n")
    git(site, "init", "-q", "-b", "main")
    git(site, "-c", "user.name=A", "-c", "user.email=a@b", "add", "-A")
    git(site, "-c", "user.name=A", "-c", "user.email=a@b", "commit", "-q", "-m", "sources")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "-q", "origin", "main")
    refs_before = git(site, "for-each-ref")
    head_before = git(site, "rev-parse", "HEAD")
    assert run(site, "deploy", "-g")[0] == 0
    assert git(site, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(site, "rev-parse", "HEAD") == head_before
    assert git(site, "for-each-ref") == refs_before
    assert git(site, "status", "--porcelain") == ""
    assert git(remote, "rev-parse", "main") == head_before            # source branch untouched
    assert "2024/01/01/one/index.html" in files_on(remote, "gh-pages")   # default branch

    # deploying into the branch the sources are on is refused, before anything is pushed
    (site / "_config.yml").write_text((site / "_config.yml").read_text()
                                      + "  branch: main\n")
    code, out = run(site, "deploy")
    assert code == 1 and "the branch your site's sources are on" in out
    assert git(remote, "rev-parse", "main") == head_before


def test_a_branch_holding_site_sources_is_refused(tmp_path):
    remote = bare(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "src")
    (other / "_config.yml").write_text("title: x\n")
    (other / "source").mkdir()
    (other / "source" / "a.md").write_text("a")
    git(other, "add", "-A")
    git(other, "-c", "user.name=A", "-c", "user.email=a@b", "commit", "-q", "-m", "x")
    git(other, "push", "-q", str(remote), "src")
    tip = git(remote, "rev-parse", "src")
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote}', branch: src}}\n")
    code, out = run(site, "deploy", "-g")
    assert code == 1 and "holds a site's sources" in out
    assert git(remote, "rev-parse", "src") == tip


def test_hidden_files_and_nojekyll(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote}'}}\n")
    assert run(site, "generate")[0] == 0
    (site / "public/.nojekyll").write_text("")
    (site / "public/.secret").write_text("x")
    assert run(site, "deploy")[0] == 0
    tree = files_on(remote, "gh-pages")
    assert ".nojekyll" in tree and ".secret" not in tree


def test_symlinks_leading_outside_public_are_not_published(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote}'}}\n")
    assert run(site, "generate")[0] == 0
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE KEY")
    (site / "public/key.txt").symlink_to(secret)
    (site / "public/alias.html").symlink_to(site / "public/index.html")   # inside: fine
    assert run(site, "deploy")[0] == 0
    tree = files_on(remote, "gh-pages")
    assert "key.txt" not in tree and "alias.html" in tree


def test_deploy_errors_exit_1(tmp_path):
    site = make(tmp_path, "")
    code, out = run(site, "deploy")
    assert code == 1 and "no `deploy:` section" in out
    site2 = make(tmp_path / "b", "deploy: {type: rsync, host: x}\n")
    code, out = run(site2, "deploy")
    assert code == 1 and "'rsync' is not supported" in out
    site3 = make(tmp_path / "c", f"deploy: {{type: git, repo: '{tmp_path / 'nope.git'}'}}\n")
    code, out = run(site3, "deploy")
    assert code == 1 and "nothing to deploy" in out
    assert run(site3, "generate")[0] == 0
    code, out = run(site3, "deploy")
    assert code == 1 and "cannot reach the deploy repository" in out


def test_generate_with_errors_does_not_deploy(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote}'}}\n")
    (site / "source/_posts/bad.md").write_text("---\ntitle: [unclosed\n---\nx\n")
    code, out = run(site, "generate", "-d")
    assert code == 1 and "Not deploying" in out
    assert git(remote, "branch", "--list") == ""


def test_deploy_setup_only_prepares(tmp_path):
    remote = bare(tmp_path)
    site = make(tmp_path, f"deploy: {{type: git, repo: '{remote}'}}\n")
    assert run(site, "deploy", "--setup")[0] == 0
    assert (site / ".deploy_git/.git").is_dir() and git(remote, "branch", "--list") == ""


def test_config_forms_and_message():
    [d] = parse_deploy_config({"deploy": {"type": "git", "repo": {
        "github": "git@github.com:me/me.github.io.git,main",
        "mirror": {"url": "https://example.org/x.git"}}}})
    assert [(t.name, t.url, t.branch) for t in d.targets] == [
        ("github", "git@github.com:me/me.github.io.git", "main"),
        ("mirror", "https://example.org/x.git", "gh-pages")]
    ds = parse_deploy_config({"deploy": [{"type": "git", "repo": "a"},
                                         {"type": "git", "repo": "b", "branch": "web"}]})
    assert [(d.targets[0].url, d.targets[0].branch) for d in ds] == [("a", "gh-pages"),
                                                                     ("b", "web")]
    from datetime import datetime
    from zoneinfo import ZoneInfo
    tz = ZoneInfo("UTC")
    msg = render_message("Built {{ now('YYYY-MM-DD') }} at {{ now('HH:mm') }}", tz,
                         datetime(2024, 2, 3, 4, 5, tzinfo=tz))
    assert msg == "Built 2024-02-03 at 04:05"
    with pytest.raises(DeployError):
        parse_deploy_config({"deploy": {"type": "git"}})
