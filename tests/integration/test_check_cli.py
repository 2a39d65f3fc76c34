"""`pyhexo check` and `generate --check` on the reference page report exactly its two defects."""
from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from engine.cli import cli
from sitekit import SHARED


def _site(tmp_path):
    site = tmp_path / "seed004"
    shutil.copytree(SHARED / "corpora" / "seed004-post", site)
    return site


def test_check_reports_placeholder_and_malformed_links_with_lines(tmp_path):
    site = _site(tmp_path)
    result = CliRunner().invoke(cli, ["--cwd", str(site), "check", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    problems = {(p["kind"], p["path"], p["line"]) for p in data["problems"]}
    assert problems == {("placeholder", "source/_posts/jue-wang.md", 12),
                        ("placeholder", "source/_posts/jue-wang.md", 16),
                        ("malformed", "source/_posts/jue-wang.md", 105)}


def test_check_strict_fails_and_generate_check_reports(tmp_path):
    site = _site(tmp_path)
    strict = CliRunner().invoke(cli, ["--cwd", str(site), "check", "--strict"])
    assert strict.exit_code == 1
    assert re.search(r"ERROR\s+source/_posts/jue-wang\.md:105:\d+: malformed URL", strict.output)
    gen = CliRunner().invoke(cli, ["--cwd", str(site), "generate", "--check"])
    assert "jue-wang.md:12" in gen.output and (site / "public" / "index.html").exists()
