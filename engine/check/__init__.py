"""`pyhexo check`: broken internal links and anchors, missing assets, `root` mistakes, placeholder
and malformed URLs (and, with `--external`, dead outside links), each with file and line; plus the
site's publication and news data files when it uses them.

    from engine.check import run_check
    report = run_check(engine, result)          # result: a BuildResult (built if omitted)
    for problem in report.problems: print(problem.to_error())

Problems are warnings; `strict=True` makes them errors (the CLI's `--strict` exits 1).
"""
from __future__ import annotations

import json
from typing import Any

from engine.check.links import CheckReport, Problem, check_links, classify_url

__all__ = ["run_check", "CheckReport", "Problem", "check_links", "classify_url", "format_text",
           "format_json", "data_problems"]


def data_problems(engine: Any, result: Any) -> list[Problem]:
    """Bad BibTeX/CSL entries and news items, one problem each (the build reports them as one)."""
    out: list[Problem] = []
    try:
        from engine.scholar import Scholar, _TAG_USE, scholar_options
    except ImportError:   # pragma: no cover
        return out
    site = getattr(result, "site", None)
    docs = [*(getattr(site, "posts", []) or []), *(getattr(site, "pages", []) or [])]
    uses = bool(scholar_options(engine.config.raw)) or any(
        _TAG_USE.search(getattr(d, "raw", "") or "") for d in docs)
    state = Scholar()
    if uses:
        for err in state.load(engine).errors:
            out.append(Problem("bibtex", err.message, "", err.path, err.line, err.column, "",
                               err.hint))
    if engine.config.raw.get("news") and site is not None:
        _items, errors = state.news_items(engine, site)
        for err in errors:
            out.append(Problem("news", err.message, "", err.path, err.line, err.column, "",
                               err.hint))
    return out


def run_check(engine: Any, result: Any = None, *, external: bool = False, strict: bool = False,
              timeout: float = 10.0, deadline: float = 60.0, workers: int = 16) -> CheckReport:
    if result is None:
        result = engine.build()
    report = check_links(result, engine.config.raw, site_dir=engine.site_dir, external=external,
                         external_options={"timeout": timeout, "deadline": deadline,
                                           "workers": workers},
                         cache_dir=getattr(engine, "cache_dir", None),
                         source_display=getattr(engine, "source_display", "source"))
    report.problems = data_problems(engine, result) + report.problems
    if strict:
        for p in report.problems:
            p.severity = "error"
    return report


def format_text(report: CheckReport) -> list[str]:
    """One line per problem (`path:line:col: message (hint)`), then a summary line."""
    lines = []
    for p in report.problems:
        label = "ERROR" if p.severity == "error" else "WARN "
        lines.append(f"{label} [{p.kind}] {p.to_error()}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.by_kind().items()))
    summary = (f"checked {report.links} links on {report.pages} pages: "
               + (f"{len(report.problems)} problem(s) ({kinds})" if report.problems
                  else "no problems"))
    if report.external_checked or report.external_skipped:
        summary += (f"; {report.external_checked} external URL(s) checked, "
                    f"{report.external_skipped} not verifiable")
    lines.append(summary)
    return lines


def format_json(report: CheckReport, build_errors: list | None = None) -> str:
    data = report.to_dict()
    data["build_errors"] = [
        {"message": e.message, "path": e.path, "line": e.line, "column": e.column, "hint": e.hint}
        for e in (build_errors or [])]
    return json.dumps(data, indent=2, ensure_ascii=False)
