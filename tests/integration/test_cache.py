"""The render cache never changes output: after any edits, a cached build equals a cold build."""
from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core import Engine
from sitekit import write_site

BASE = {
    "source/_posts/a.md": "---\ntitle: Alpha\ndate: 2024-01-01\ntags: [x]\n---\nAlpha body.\n",
    "source/_posts/b.md": "---\ntitle: Beta\ndate: 2024-01-02\n---\nSee {% post_link a %}.\n",
    "source/_posts/c.md": "---\ntitle: Gamma\ndate: 2024-01-03\n---\n```py\nprint(1)\n```\n",
    "source/about/index.md": "---\ntitle: About\n---\nAbout **me**.\n",
}

EDITS = st.sampled_from([
    ("body", "a"), ("body", "c"), ("title", "a"), ("title", "b"), ("tag", "a"),
    ("new", "d"), ("delete", "c"), ("config", ""), ("page", ""),
])


def apply(site: Path, edit: tuple[str, str], n: int) -> None:
    kind, name = edit
    post = site / "source/_posts" / f"{name}.md"
    if kind in ("body", "title", "tag") and post.exists():
        text = post.read_text()
        if kind == "body":
            text += f"\nMore text {n}.\n"
        elif kind == "title":
            text = text.replace("title: ", f"title: T{n} ", 1)
        else:
            text = text.replace("tags: [x]", f"tags: [x, t{n}]")
        post.write_text(text)
    elif kind == "new":
        post.write_text(f"---\ntitle: New {n}\ndate: 2024-02-0{n % 9 + 1}\n---\nLinks {{% post_link a %}}\n")
    elif kind == "delete":
        post.unlink(missing_ok=True)
    elif kind == "config":
        cfg = site / "_config.yml"
        lines = [ln for ln in cfg.read_text().splitlines() if not ln.startswith("subtitle:")]
        cfg.write_text("\n".join(lines + [f"subtitle: S{n}"]) + "\n")
    elif kind == "page":
        (site / "source/about/index.md").write_text(f"---\ntitle: About {n}\n---\nChanged {n}.\n")


def outputs(site: Path, *, cache: bool) -> dict[str, bytes]:
    engine = Engine(site)
    engine.concurrency = 1
    engine.use_cache = cache
    result = engine.build()
    assert not result.errors, result.errors
    return {k: (v.read_bytes() if isinstance(v, Path) else v) for k, v in result.outputs.items()}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDITS, min_size=1, max_size=4))
def test_cached_builds_equal_cold_builds(tmp_path_factory, edits):
    root = tmp_path_factory.mktemp("cache")
    site = write_site(root / "site", dict(BASE))
    outputs(site, cache=True)                       # fills the cache
    for n, edit in enumerate(edits, 1):
        apply(site, edit, n)
        warm = outputs(site, cache=True)
        cold_site = root / f"cold{n}"
        shutil.copytree(site, cold_site, ignore=shutil.ignore_patterns(".pyhexo-cache", "public"))
        assert warm == outputs(cold_site, cache=False), f"after {edits[:n]}"


def test_cache_hits_skip_rendering(make_site, monkeypatch):
    site = make_site(dict(BASE))
    outputs(site, cache=True)
    import engine.post_render as pr
    calls = []
    real = pr.render_document
    monkeypatch.setattr(pr, "render_document", lambda *a, **k: calls.append(a[1].source) or real(*a, **k))
    (site / "source/_posts/a.md").write_text(BASE["source/_posts/a.md"] + "\nedited\n")
    outputs(site, cache=True)
    # a.md changed; b.md links a (its tags read other posts, but a's title did not change)
    assert calls == ["_posts/a.md"]
