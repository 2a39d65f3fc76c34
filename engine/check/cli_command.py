"""The `pyhexo check` click command, and `report_check` for `pyhexo generate --check`.

Registered by the CLI with one line (`cli.add_command(check_command)`); it uses the group's
`Options` object (`ctx.obj`: `.engine()`, `.report`), so it needs nothing else from engine.cli.

Exit codes: 0 no problems (or only warnings), 1 the build has errors or, with `--strict`, any
problem was found.
"""
from __future__ import annotations

import sys

import click

__all__ = ["check_command", "report_check"]


def report_check(opts, engine, result, *, strict: bool = False, external: bool = False,
                 fmt: str = "text", timeout: float = 10.0, deadline: float = 60.0) -> int:
    """Run the checker on a finished build and print the problems; returns how many count as
    errors (all of them under `strict`, else 0)."""
    from engine.check import format_json, format_text, run_check
    report = run_check(engine, result, external=external, strict=strict, timeout=timeout,
                       deadline=deadline)
    if fmt == "json":
        click.echo(format_json(report, list(getattr(result, "errors", []) or [])))
    else:
        lines = format_text(report)
        for problem in report.problems:
            (opts.report.error if strict else opts.report.warn)(problem.to_error())
        opts.report.info(lines[-1])
    return len(report.problems) if strict else 0


@click.command("check")
@click.option("--external", is_flag=True,
              help="Also check outside links (concurrent, cached, time-bounded).")
@click.option("--strict", is_flag=True, help="Problems are errors: exit 1 when any is found.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json: machine-readable, on stdout).")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds per external request.")
@click.option("--deadline", type=float, default=60.0, show_default=True,
              help="Seconds for all external requests together.")
@click.pass_obj
def check_command(opts, external: bool, strict: bool, fmt: str, timeout: float,
                  deadline: float) -> None:
    """Check links, anchors, assets and URLs of the built site (nothing is written)."""
    from engine.errors import EngineError
    try:
        engine = opts.engine()
        result = engine.build()
    except EngineError as err:
        opts.report.error(err)
        sys.exit(1)
    if fmt != "json":
        for w in result.warnings:
            opts.report.warn(w)
        for e in result.errors:
            opts.report.error(e)
    failures = report_check(opts, engine, result, strict=strict, external=external, fmt=fmt,
                            timeout=timeout, deadline=deadline)
    sys.exit(1 if (result.errors or failures) else 0)
