"""`pyhexo deploy`: the git deployer of Hexo's `deploy:` config, pushing public/ to a branch.

    deploy:
      type: git
      repo: git@github.com:me/me.github.io.git     # any git remote, a local bare repo too
      branch: gh-pages                             # default gh-pages
      message: "Site updated: {{ now('YYYY-MM-DD HH:mm:ss') }}"
      name: Me                                     # commit identity (else git's own, else pyhexo)
      email: me@example.org
      ignore_hidden: true                          # skip dot-files of public/ (not .nojekyll)

`repo` may also be `url,branch`, a mapping of names to such strings (several remotes), or
`{url: ..., branch: ...}`; `deploy:` may be a list of deployers. Only `type: git` exists.

How: `.deploy_git/` in the site is a private repository. For each target the remote branch is
fetched (when it exists) and the new commit is made on top of it, so every deploy is one
incremental, fast-forward push; a new branch starts as an orphan. Nothing is force-pushed, and
every git command names `.deploy_git` explicitly (`--git-dir`/`--work-tree`, inherited GIT_*
variables dropped), so the site's own repository, its HEAD and its branches are never touched.
A target that is the site's own repository and its checked-out branch, or a branch whose tip
looks like a site's sources (`_config.yml` + `source/`), is refused.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import jinja2

from engine.dates import moment_format
from engine.errors import EngineError

if TYPE_CHECKING:
    from engine.core import Engine

DEPLOY_DIR = ".deploy_git"
DEFAULT_BRANCH = "gh-pages"
DEFAULT_MESSAGE = "Site updated: {{ now('YYYY-MM-DD HH:mm:ss') }}"
_KEEP_HIDDEN = frozenset({".nojekyll", ".well-known"})
_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                 "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX",
                 "GIT_COMMON_DIR")


class DeployError(EngineError):
    """The deploy config is wrong, or git failed."""


@dataclass
class Target:
    url: str
    branch: str
    name: str = ""


@dataclass
class DeployResult:
    target: Target
    commit: str | None          # the commit pushed; None when nothing changed
    created_branch: bool = False
    files: int = 0


@dataclass
class GitDeployer:
    targets: list[Target]
    message: str = DEFAULT_MESSAGE
    name: str | None = None
    email: str | None = None
    ignore_hidden: bool = True
    ignore_pattern: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# config

def _bad(message: str, hint: str | None = None) -> DeployError:
    return DeployError(message, path="_config.yml",
                       hint=hint or "see `deploy:` in the pyhexo docs: type: git, repo, branch")


def _targets(repo: Any, branch: Any) -> list[Target]:
    default_branch = str(branch) if branch else DEFAULT_BRANCH

    def one(value: Any, name: str = "") -> Target:
        if isinstance(value, dict):
            url = value.get("url") or value.get("repo")
            if not url:
                raise _bad(f"`deploy.repo{'.' + name if name else ''}` has no `url`")
            return Target(str(url), str(value.get("branch") or default_branch), name)
        text = str(value).strip()
        url, _, br = text.partition(",")
        if not url.strip():
            raise _bad("`deploy.repo` is empty")
        return Target(url.strip(), br.strip() or default_branch, name)

    if isinstance(repo, str):
        return [one(repo)]
    if isinstance(repo, list):
        return [one(r) for r in repo]
    if isinstance(repo, dict):
        if "url" in repo:
            return [one(repo)]
        return [one(v, str(k)) for k, v in repo.items()]
    raise _bad("`deploy.repo` is missing", hint="add `repo: <git url>` under `deploy:`")


def parse_deploy_config(raw: dict[str, Any]) -> list[GitDeployer]:
    deploy = raw.get("deploy")
    items = deploy if isinstance(deploy, list) else [deploy] if deploy else []
    if not items:
        raise _bad("there is no `deploy:` section in _config.yml",
                   hint="add:  deploy: {type: git, repo: <git url>, branch: gh-pages}")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise _bad("each `deploy:` entry must be a mapping with `type:`")
        kind = str(item.get("type") or "").strip().lower()
        if kind != "git":
            raise _bad(f"deployer type '{kind or '(none)'}' is not supported; pyhexo deploys with "
                       "`type: git`")
        ignore_pattern = item.get("ignore_pattern") or []
        if isinstance(ignore_pattern, (str, dict)):
            ignore_pattern = list(ignore_pattern.values()) if isinstance(ignore_pattern, dict) \
                else [ignore_pattern]
        out.append(GitDeployer(
            targets=_targets(item.get("repo") or item.get("repository"), item.get("branch")),
            message=str(item.get("message") or DEFAULT_MESSAGE),
            name=str(item["name"]) if item.get("name") else None,
            email=str(item["email"]) if item.get("email") else None,
            ignore_hidden=item.get("ignore_hidden", True) is not False,
            ignore_pattern=[str(p) for p in ignore_pattern],
        ))
    return out


def render_message(template: str, tz=None, now: datetime | None = None) -> str:
    if now is not None:
        moment = now
    else:
        moment = datetime.now(tz) if tz is not None else datetime.now().astimezone()

    def now_fn(fmt: str = "YYYY-MM-DD HH:mm:ss") -> str:
        return moment_format(moment, fmt, tz)

    try:
        return jinja2.Environment(autoescape=False).from_string(template).render(now=now_fn)
    except jinja2.TemplateError as err:
        raise _bad(f"`deploy.message` is not a valid template: {err}") from None


# ---------------------------------------------------------------------------------------------
# git plumbing

class Git:
    """git commands on one repository folder, never on whatever repository encloses it."""

    def __init__(self, work_tree: Path, *, log: Callable[[str], None] | None = None):
        self.work_tree = work_tree
        self.git_dir = work_tree / ".git"
        self.log = log
        env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
        env.setdefault("GIT_TERMINAL_PROMPT", "1" if sys.stdin and sys.stdin.isatty() else "0")
        env["LC_ALL"] = "C"
        self.env = env
        self.pass_fds: tuple[int, ...] = ()     # the deploy lock, held by git children too

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None,
            bare: bool = False) -> subprocess.CompletedProcess[str]:
        cmd = ["git"] if bare else ["git", f"--git-dir={self.git_dir}",
                                    f"--work-tree={self.work_tree}"]
        cmd += list(args)
        try:
            proc = subprocess.run(cmd, cwd=self.work_tree, env={**self.env, **(env or {})},
                                  pass_fds=self.pass_fds,
                                  capture_output=True, text=True, encoding="utf-8",
                                  errors="replace")
        except FileNotFoundError:
            raise DeployError("git is not installed (or not on PATH)",
                              hint="install git to deploy") from None
        if check and proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise DeployError(f"git {args[0]} failed: " + (detail[-1] if detail else
                                                             f"exit code {proc.returncode}"),
                              context="\n".join(detail[-8:]) if len(detail) > 1 else None)
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()


def _site_repo(site_dir: Path, env: dict[str, str]) -> tuple[Path, str, list[str]] | None:
    """(top level, checked-out branch, remote URLs) of the repository holding the site; read-only."""
    def q(*args: str) -> str | None:
        try:
            p = subprocess.run(["git", "-C", str(site_dir), *args], capture_output=True, text=True,
                               env=env)
        except FileNotFoundError:
            return None
        return p.stdout.strip() if p.returncode == 0 else None

    top = q("rev-parse", "--show-toplevel")
    if not top:
        return None
    branch = q("symbolic-ref", "--quiet", "--short", "HEAD") or ""
    urls = []
    for line in (q("config", "--get-regexp", r"^remote\..*\.url$") or "").splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            urls.append(parts[1])
    return Path(top).resolve(), branch, urls


def _same_repo(a: str, b: str, base: Path) -> bool:
    def norm(u: str) -> str:
        u = u.strip()
        if u.startswith("file://"):
            u = u[7:]
        if "://" not in u and not _scp_like(u):
            p = Path(u)
            p = (base / p) if not p.is_absolute() else p
            try:
                return str(p.resolve()).rstrip("/").removesuffix("/.git").removesuffix(".git")
            except OSError:
                return u
        return u.rstrip("/").removesuffix(".git").lower()
    return norm(a) == norm(b)


def _absolute_local(target: Target, site: Path) -> Target:
    """A relative local path in `repo:` is relative to the site folder."""
    url = target.url
    if "://" in url or _scp_like(url) or Path(url).is_absolute():
        return target
    return Target(str((site / url).resolve()), target.branch, target.name)


def _scp_like(u: str) -> bool:
    head = u.split("/", 1)[0]
    return ":" in head and not (len(head) == 2 and head[1] == ":")   # user@host:path, not C:


# ---------------------------------------------------------------------------------------------
# deploy

def deploy_dir(engine: "Engine") -> Path:
    return Path(engine.site_dir) / DEPLOY_DIR


def setup_deploy_dir(engine: "Engine") -> Git:
    """Create `.deploy_git/` as its own repository (idempotent)."""
    path = deploy_dir(engine)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise DeployError(f"{DEPLOY_DIR} is not a folder", path=DEPLOY_DIR,
                          hint=f"remove {DEPLOY_DIR}; pyhexo recreates it")
    path.mkdir(exist_ok=True)
    git = Git(path)
    if not (path / ".git" / "HEAD").is_file():     # new, or an init that was interrupted
        git.run("init", "-q", bare=True)
    return git


LOCK_NAME = "pyhexo-deploy.flock"
LOCK_WAIT = 120.0


@contextlib.contextmanager
def _deploy_lock(git: Git, log: Callable[[str], None]) -> Iterator[None]:
    """One deploy at a time in `.deploy_git/`. The lock (flock) is inherited by the git commands,
    so it lasts until the last of them exits, even if pyhexo itself was killed. Holding it, any
    git `*.lock` file left in `.deploy_git/.git` is stale (a deploy killed with its git
    children) and is removed; otherwise the next deploy would fail on `index.lock`."""
    try:
        import fcntl
    except ImportError:          # no flock (Windows): no stale-lock recovery either
        yield
        return
    fd = os.open(git.git_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + LOCK_WAIT
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DeployError(f"another deploy is still running in {DEPLOY_DIR}",
                                      path=DEPLOY_DIR, hint="wait for it, then deploy again")
                if not waiting:
                    log(f"waiting for another deploy to finish in {DEPLOY_DIR}...")
                    waiting = True
                time.sleep(0.1)
        _remove_stale_git_locks(git.git_dir)
        git.pass_fds = (fd,)
        try:
            yield
        finally:
            git.pass_fds = ()
    finally:
        os.close(fd)


def _remove_stale_git_locks(git_dir: Path) -> None:
    candidates = list(git_dir.glob("*.lock"))
    refs = git_dir / "refs"
    if refs.is_dir():
        candidates += refs.rglob("*.lock")
    for path in candidates:
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def deploy(engine: "Engine", *, log: Callable[[str], None] = lambda s: None,
           now: datetime | None = None) -> list[DeployResult]:
    deployers = parse_deploy_config(engine.config.raw)
    public = Path(engine.public_dir)
    if not public.is_dir() or not any(public.iterdir()):
        raise DeployError(f"{public.name}/ is empty: nothing to deploy",
                          hint="run `pyhexo generate` first, or `pyhexo deploy -g`")
    results = []
    git = setup_deploy_dir(engine)
    with _deploy_lock(git, log):
        for deployer in deployers:
            for target in deployer.targets:
                results.append(_deploy_one(engine, deployer, target, public, log, now, git))
    return results


def _deploy_one(engine: "Engine", deployer: GitDeployer, target: Target, public: Path,
                log: Callable[[str], None], now: datetime | None,
                git: Git | None = None) -> DeployResult:
    git = git or setup_deploy_dir(engine)
    site = Path(engine.site_dir)
    target = _absolute_local(target, site)
    shown = f"{target.url} ({target.branch})"
    _refuse_source_branch(site, target, git.env)
    if git.run("check-ref-format", "--branch", target.branch, check=False, bare=True).returncode:
        raise _bad(f"invalid branch name '{target.branch}'")

    heads = git.run("ls-remote", "--heads", target.url, f"refs/heads/{target.branch}",
                    check=False)
    if heads.returncode != 0:
        detail = (heads.stderr or "").strip().splitlines()
        raise DeployError(f"cannot reach the deploy repository {target.url}: "
                          + (detail[-1] if detail else f"git exit code {heads.returncode}"),
                          path="_config.yml", hint="check `deploy.repo` and your access to it")
    exists = bool(heads.stdout.strip())
    ref = f"refs/heads/{target.branch}"
    if exists:
        git.run("fetch", "-q", "--no-tags", target.url, f"+{ref}:refs/pyhexo/remote")
        tip = git.out("rev-parse", "refs/pyhexo/remote")
        _refuse_source_tree(git, tip, target)
        git.run("update-ref", ref, tip)
        git.run("symbolic-ref", "HEAD", ref)
        git.run("read-tree", tip)
    else:
        git.run("symbolic-ref", "HEAD", ref)
        git.run("update-ref", "-d", ref, check=False)
        git.run("read-tree", "--empty")

    files = _replace_work_tree(git.work_tree, public, deployer)
    git.run("add", "-A", ".")
    changed = git.run("diff", "--cached", "--quiet", check=False).returncode != 0
    if exists and not changed:
        log(f"{shown}: already up to date")
        return DeployResult(target, None, False, files)
    message = render_message(deployer.message, engine.config.tz, now)
    ident = _identity(git, deployer)
    git.run("commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=ident)
    commit = git.out("rev-parse", "HEAD")
    push = git.run("push", "-q", "--no-verify", target.url, f"HEAD:{ref}", check=False)
    if push.returncode != 0:
        detail = (push.stderr or "").strip().splitlines()
        raise DeployError(f"git push to {shown} failed: " + (detail[-1] if detail else
                                                             f"exit code {push.returncode}"),
                          hint="if someone else pushed meanwhile, run deploy again",
                          context="\n".join(detail[-8:]) if len(detail) > 1 else None)
    log(f"{shown}: pushed {commit[:8]} ({files} files)")
    return DeployResult(target, commit, not exists, files)


def _identity(git: Git, deployer: GitDeployer) -> dict[str, str]:
    env: dict[str, str] = {}
    name = deployer.name or git.run("config", "user.name", check=False).stdout.strip() \
        or os.environ.get("GIT_AUTHOR_NAME") or "pyhexo"
    email = deployer.email or git.run("config", "user.email", check=False).stdout.strip() \
        or os.environ.get("GIT_AUTHOR_EMAIL") or "pyhexo@localhost"
    env.update(GIT_AUTHOR_NAME=name, GIT_COMMITTER_NAME=name, GIT_AUTHOR_EMAIL=email,
               GIT_COMMITTER_EMAIL=email)
    return env


def _refuse_source_branch(site: Path, target: Target, env: dict[str, str]) -> None:
    repo = _site_repo(site, env)
    if repo is None:
        return
    top, branch, urls = repo
    same = _same_repo(target.url, str(top), site) or any(_same_repo(target.url, u, top)
                                                         for u in urls)
    if same and branch and target.branch == branch:
        raise DeployError(f"refusing to deploy into '{target.branch}', the branch your site's "
                          "sources are on", path="_config.yml",
                          hint="deploy to another branch, e.g. `branch: gh-pages`")


def _refuse_source_tree(git: Git, tip: str, target: Target) -> None:
    names = set(git.out("ls-tree", "--name-only", tip).splitlines())
    if "_config.yml" in names and "source" in names:
        raise DeployError(f"refusing to deploy into '{target.branch}' of {target.url}: it holds "
                          "a site's sources (_config.yml, source/), not a built site",
                          path="_config.yml", hint="deploy to another branch, e.g. gh-pages")


def _ignored(rel: str, deployer: GitDeployer) -> bool:
    parts = rel.split("/")
    if parts[0] == ".git":
        return True
    if deployer.ignore_hidden and any(p.startswith(".") and p not in _KEEP_HIDDEN for p in parts):
        return True
    if deployer.ignore_pattern:
        import re
        return any(re.search(p, rel) for p in deployer.ignore_pattern)
    return False


def _replace_work_tree(work: Path, public: Path, deployer: GitDeployer) -> int:
    for child in work.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    count = 0
    root = public.resolve()
    for dirpath, dirnames, filenames in os.walk(public):
        rel_dir = Path(dirpath).relative_to(public).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = [d for d in dirnames if not _ignored(rel_dir + d, deployer)]
        for name in filenames:
            rel = rel_dir + name
            if _ignored(rel, deployer):
                continue
            # A symlink in public/ that leads outside it (to ~/.ssh/id_rsa, say) is never
            # published: only files that really live in the output are pushed.
            if not Path(os.path.realpath(os.path.join(dirpath, name))).is_relative_to(root):
                continue
            dest = work / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.join(dirpath, name), dest)
            count += 1
    return count
