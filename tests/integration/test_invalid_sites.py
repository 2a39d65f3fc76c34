"""The corpus of broken sites (tests/sites/invalid/<case>/): each one runs `pyhexo generate` as a
real subprocess and must give ONE clear message naming the file (and line), the right exit code,
no Python traceback, and every good page still built.

A case directory is overlaid on `_base/` (config, a good post, a page, an asset) with `_theme/`
as `themes/t`. Its `expect.yml`:

    exit: 1                      # expected exit code (0 where a warning is the right call)
    error: 'regex'               # the ERROR line (searched in the text after 'ERROR ')
    errors: 1                    # how many ERROR lines (default: 1 when `error` is set, else 0)
    warning: 'regex'             # a WARN line that must be there; without it no WARN is allowed
    warnings: 1                  # how many WARN lines (default: 1 when `warning` is set, else 0)
    outputs: [path, ...]         # extra files that must exist in public/
    base_outputs: [path, ...]    # replaces the default good outputs of _base
    absent: [path, ...]          # must not exist in public/
    absent_site: [path, ...]     # must not exist relative to the site dir
    contains: {path: text}       # a public/ file must contain the text
    generate: name               # input made at test time (symlinks, binary, huge, chmod)
    slow: true                   # marked slow
    xfail: reason                # a known gap in a module this corpus may not change (strict)
"""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent.parent / "sites" / "invalid"
REPO = CORPUS.parent.parent.parent
BASE_OUTPUTS = ["2024/01/01/good/index.html", "about/index.html", "img/logo.txt", "index.html"]
HEAD = "---\ntitle: Bad\ndate: 2024-01-02 10:00:00\n---\n"
NOBODY = 65534


# ---- inputs made at test time -----------------------------------------------------------------

def _deep_yaml(site: Path) -> None:
    n = 100_000
    (site / "source/_posts/bad.md").write_text("---\ntitle: " + "[" * n + "]" * n + "\n---\nx\n")


def _deep_json(site: Path) -> None:
    n = 100_000
    (site / "source/_posts/bad.md").write_text(';;;\n"title": ' + "[" * n + "]" * n + "\n;;;\nx\n")


def _latin1(site: Path) -> None:
    (site / "source/_posts/bad.md").write_bytes("---\ntitle: Café\n---\nx\n".encode("latin-1"))


def _utf16(site: Path) -> None:
    (site / "source/_posts/bad.md").write_bytes("---\ntitle: Bad\n---\nx\n".encode("utf-16"))


def _nul_bytes(site: Path) -> None:
    (site / "source/_posts/bad.md").write_bytes(HEAD.encode() + b"line five\nab\x00cd\nmore\n")


def _binary_junk(site: Path) -> None:
    rng = random.Random(8)
    (site / "source/_posts/bad.md").write_bytes(bytes(rng.randrange(256) for _ in range(8192)))


def _huge_post(site: Path) -> None:
    para = "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, sed do `eiusmod`.\n" * 8 + "\n"
    body = para * (50_000_000 // len(para))
    (site / "source/_posts/huge.md").write_text("---\ntitle: Huge\ndate: 2024-01-03\n---\n" + body)


def _deep_markdown(site: Path) -> None:
    body = ">" * 20_000 + " deep\n\n" + "[" * 50_000 + "\n\n" + "*" * 50_000 + "\n\n" + \
        "- " * 5_000 + "x\n\n" + "<div>" * 10_000 + "\n"
    (site / "source/_posts/deep.md").write_text("---\ntitle: Deep\ndate: 2024-01-03\n---\n" + body)


def _symlink_loop(site: Path) -> None:
    os.symlink("..", site / "source/img/loop")


def _symlink_outside(site: Path) -> None:
    os.symlink("/etc", site / "source/etc")
    os.symlink("/etc/passwd", site / "source/passwd.txt")


def _symlink_post_asset(site: Path) -> None:
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text() + "post_asset_folder: true\n")
    (site / "source/_posts/p.md").write_text("---\ntitle: P\ndate: 2024-01-02\n---\nx\n")
    (site / "source/_posts/p").mkdir()
    (site / "source/_posts/p/ok.txt").write_text("ok")
    os.symlink("/etc/passwd", site / "source/_posts/p/passwd.txt")


def _unreadable(site: Path) -> None:
    (site / "source/_posts/secret.md").write_text("---\ntitle: S\ndate: 2024-01-02\n---\nx\n")
    (site / "source/img/secret.png").write_bytes(b"\x89PNG")
    os.chmod(site / "source/_posts/secret.md", 0)
    os.chmod(site / "source/img/secret.png", 0)


GENERATORS = {f.__name__[1:]: f for f in (
    _deep_yaml, _deep_json, _latin1, _utf16, _nul_bytes, _binary_junk, _huge_post, _deep_markdown,
    _symlink_loop, _symlink_outside, _symlink_post_asset, _unreadable)}


# ---- the test ---------------------------------------------------------------------------------

def _cases() -> list:
    params = []
    for d in sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_")):
        expect = yaml.safe_load((d / "expect.yml").read_text("utf-8"))
        marks = []
        if expect.get("slow"):
            marks.append(pytest.mark.slow)
        if expect.get("xfail"):
            marks.append(pytest.mark.xfail(reason=expect["xfail"], strict=True))
        params.append(pytest.param(d.name, expect, id=d.name, marks=marks))
    return params


def test_corpus_is_big_enough():
    assert len(_cases()) >= 25


def _assemble(case: str, expect: dict, root: Path) -> Path:
    site = root / "site"
    shutil.copytree(CORPUS / "_base", site)
    shutil.copytree(CORPUS / "_theme", site / "themes" / "t")
    shutil.copytree(CORPUS / case, site, dirs_exist_ok=True,
                    ignore=lambda _dir, names: [n for n in names if n == "expect.yml"])
    if expect.get("generate"):
        GENERATORS[expect["generate"]](site)
    return site


def _as_nobody_if_root(site: Path, root: Path) -> list[str]:
    """chmod 000 denies nothing to root: run the build as `nobody` (through setpriv) instead, and
    check first that the file really is unreadable that way; skip honestly when it is not."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: an unreadable file cannot be simulated")
    os.chmod(root, 0o755)
    for p in [root, *root.rglob("*")]:
        if not p.is_symlink():
            os.chown(p, NOBODY, NOBODY)
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c",
                            "import sys; open(sys.argv[1]).read()",
                            str(site / "source/_posts/secret.md")], capture_output=True, text=True)
    if "PermissionError" not in probe.stderr:
        pytest.skip(f"cannot make a file unreadable here (as nobody: {probe.stderr.strip()[-200:]})")
    return prefix


def run_generate(site: Path, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "CI": "1", "NO_COLOR": "1", "TZ": "UTC"}
    return subprocess.run([*prefix, sys.executable, "-m", "engine", "--cwd", str(site), "generate"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


@pytest.mark.parametrize("case, expect", _cases())
def test_invalid_site(case: str, expect: dict, tmp_path: Path):
    root = tmp_path
    if expect.get("generate") == "unreadable":
        # pytest's tmp dirs are private to root; `nobody` needs a traversable one.
        root = Path(tempfile.mkdtemp(prefix="pyhexo-invalid-"))
    try:
        site = _assemble(case, expect, root)
        prefix = _as_nobody_if_root(site, root) if expect.get("generate") == "unreadable" else []
        proc = run_generate(site, prefix)
        _check(case, expect, site, proc)
    finally:
        if root != tmp_path:
            shutil.rmtree(root, ignore_errors=True)


def _check(case: str, expect: dict, site: Path, proc: subprocess.CompletedProcess) -> None:
    out = proc.stdout + proc.stderr
    report = f"[{case}] exit {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"
    assert "Traceback" not in out, report
    assert proc.returncode == expect["exit"], report

    errors = [ln[len("ERROR "):] for ln in proc.stderr.splitlines() if ln.startswith("ERROR ")]
    n_errors = expect.get("errors", 1 if "error" in expect else 0)
    assert len(errors) == n_errors, report
    if "error" in expect:
        assert any(re.search(expect["error"], e) for e in errors), report
        for e in errors:   # every message names a file
            assert re.match(r"\S+\.(md|yml|json|html|py|png)(:\d+)?(:\d+)?: ", e), report

    warns = [ln[len("WARN "):].lstrip() for ln in proc.stderr.splitlines() if ln.startswith("WARN ")]
    assert len(warns) == expect.get("warnings", 1 if "warning" in expect else 0), report
    if "warning" in expect:
        assert any(re.search(expect["warning"], w) for w in warns), report

    public = site / "public"
    for rel in expect.get("base_outputs", BASE_OUTPUTS) + expect.get("outputs", []):
        assert (public / rel).is_file(), f"{rel} missing\n{report}"
    for rel in expect.get("absent", []):
        assert not (public / rel).exists(), f"{rel} must not be written\n{report}"
    for rel in expect.get("absent_site", []):
        assert not (site / rel).exists(), f"{rel} must not be written\n{report}"
    for rel, text in (expect.get("contains") or {}).items():
        assert text in (public / rel).read_text("utf-8"), f"{rel} lacks {text!r}\n{report}"
    # sources are never touched
    assert (site / "source/_posts/good.md").is_file()
