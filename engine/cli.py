"""The `pyhexo` command line: argument parsing and reporting only; the work lives in the engine.

Exit codes: 0 success, 1 the site has errors (everything else was still built), 2 usage errors.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

from engine import __version__
from engine.errors import EngineError, format_error


class Reporter:
    """Terminal output: colour only on a terminal and never under CI=true; --silent hides info."""

    def __init__(self, silent: bool = False, debug: bool = False):
        self.silent = silent
        self.debug = debug
        self.color = sys.stderr.isatty() and not os.environ.get("CI") and not os.environ.get("NO_COLOR")

    def info(self, text: str) -> None:
        if not self.silent:
            click.echo(text)

    def _styled(self, label: str, colour: str) -> str:
        return click.style(label, fg=colour, bold=True) if self.color else label

    def error(self, err: BaseException) -> None:
        click.echo(f"{self._styled('ERROR', 'red')} {format_error(err)}", err=True)
        if self.debug and err.__traceback__ is not None:
            click.echo("".join(traceback.format_exception(err)), err=True)

    def warn(self, err: BaseException) -> None:
        if not self.silent:
            click.echo(f"{self._styled('WARN', 'yellow')}  {format_error(err)}", err=True)


class Options:
    def __init__(self, cwd: str, config: str | None, debug: bool, silent: bool, safe: bool,
                 draft: bool):
        self.cwd = Path(cwd).resolve()
        self.config_files = [c.strip() for c in config.split(",") if c.strip()] if config else None
        self.debug = debug
        self.safe = safe
        self.draft = draft
        self.report = Reporter(silent, debug)

    def engine(self, drafts: bool = False):
        from engine.core import Engine
        return Engine(self.cwd, self.config_files, drafts=self.draft or drafts, safe=self.safe,
                      debug=self.debug)


pass_options = click.make_pass_decorator(Options)


class AliasGroup(click.Group):
    """Hexo's short verbs: `pyhexo g`, `pyhexo s`, `pyhexo n`."""

    aliases = {"g": "generate", "s": "server", "n": "new", "p": "publish"}

    def get_command(self, ctx: click.Context, name: str):
        return super().get_command(ctx, self.aliases.get(name, name))


@click.group(cls=AliasGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="pyhexo")
@click.option("--cwd", default=".", type=click.Path(file_okay=False), help="Site directory.")
@click.option("--config", help="Config files to use instead of _config.yml (comma-separated).")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug output.")
@click.option("--silent", is_flag=True, help="Only print errors.")
@click.option("--safe", is_flag=True, help="Do not load plugins (scripts/ and entry points).")
@click.option("--draft", is_flag=True, help="Include drafts (source/_drafts).")
@click.pass_context
def cli(ctx: click.Context, cwd: str, config: str | None, debug: bool, silent: bool, safe: bool,
        draft: bool) -> None:
    """pyhexo: build and serve Hexo sites with Jinja2 themes."""
    ctx.obj = Options(cwd, config, debug, silent, safe, draft)


def _fail(opts: Options, err: BaseException) -> None:
    opts.report.error(err)
    sys.exit(1)


@cli.command("generate")
@click.option("-w", "--watch", is_flag=True, help="Rebuild when files change.")
@click.option("-f", "--force", is_flag=True, help="Rewrite every file (ignore the previous build).")
@click.option("-b", "--bail", is_flag=True, help="Stop at the first error without writing.")
@click.option("-c", "--concurrency", type=int, default=None, help="Worker processes for posts.")
@click.option("-d", "--deploy", is_flag=True, help="Deploy after generating.")
@pass_options
def generate_cmd(opts: Options, watch: bool, force: bool, bail: bool, concurrency: int | None,
                 deploy: bool) -> None:
    """Build the site into public/."""
    code = _generate_once(opts, force=force, bail=bail, concurrency=concurrency)
    if watch:
        from engine.watch import watch_site
        opts.report.info("Watching for changes. Press Ctrl+C to stop.")
        watch_site(opts.cwd, lambda changes: _generate_once(opts, force=False, bail=False,
                                                          concurrency=concurrency))
        return
    sys.exit(code)


def _generate_once(opts: Options, *, force: bool, bail: bool, concurrency: int | None) -> int:
    start = time.perf_counter()
    try:
        engine = opts.engine()
        if concurrency is not None:
            engine.concurrency = concurrency
        if force:
            from engine.writer import MANIFEST_NAME
            (engine.cache_dir / MANIFEST_NAME).unlink(missing_ok=True)
        result = engine.build()
        for w in result.warnings:
            opts.report.warn(w)
        for e in result.errors:
            opts.report.error(e)
        if bail and result.errors:
            opts.report.info("Stopped: --bail and the site has errors; nothing written.")
            return 1
        from engine.core import check_public_dir
        from engine.writer import write_outputs
        check_public_dir(engine)
        stats = write_outputs(result.outputs, engine.public_dir, engine.cache_dir, result.keep,
                              result.sources, result.failed_sources)
    except EngineError as err:
        opts.report.error(err)
        return 1
    elapsed = time.perf_counter() - start
    opts.report.info(f"{len(stats.written)} files written, {stats.unchanged} unchanged, "
                     f"{len(stats.removed)} removed, in {elapsed:.2f} s"
                     + (f" ({len(result.errors)} error(s))" if result.errors else ""))
    return 1 if result.errors else 0


@cli.command("server")
@click.option("-p", "--port", type=int, default=4000, show_default=True,
              help="Port (0: the next free port).")
@click.option("-i", "--ip", "host", default="127.0.0.1", show_default=True,
              help="Address to bind (0.0.0.0 exposes the server to your network).")
@click.option("-s", "--static", is_flag=True, help="Serve public/ only; no building or watching.")
@click.option("-l", "--log", is_flag=True, help="Log every request.")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@pass_options
def server_cmd(opts: Options, port: int, host: str, static: bool, log: bool,
               open_browser: bool) -> None:
    """Serve the site with live reload."""
    from engine.server import run_server
    try:
        code = run_server(opts.cwd, config_files=opts.config_files, host=host, port=port,
                          static=static, log=log, open_browser=open_browser, drafts=opts.draft,
                          safe=opts.safe, debug=opts.debug)
    except EngineError as err:
        _fail(opts, err)
        return
    sys.exit(code or 0)


@cli.command("clean")
@pass_options
def clean_cmd(opts: Options) -> None:
    """Remove generated files (public/) and the cache."""
    from engine.clean import clean_site
    try:
        removed = clean_site(opts.engine())
    except EngineError as err:
        _fail(opts, err)
        return
    opts.report.info(f"Removed {removed} generated file(s) and the cache.")


@cli.command("version")
def version_cmd() -> None:
    """Print versions."""
    import platform
    click.echo(f"pyhexo: {__version__}")
    click.echo(f"python: {platform.python_version()}")
    for dist in ("mistune", "jinja2", "python-frontmatter", "watchdog", "pygments", "click"):
        try:
            from importlib.metadata import version
            click.echo(f"{dist}: {version(dist)}")
        except Exception:
            pass


def main() -> None:
    cli(prog_name="pyhexo")


if __name__ == "__main__":
    main()
