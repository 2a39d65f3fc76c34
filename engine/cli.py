"""The `pyhexo` command line: argument parsing and reporting only; the work lives in the engine.

Exit codes: 0 success; 1 the site has errors (everything else was still built) or the command
could not do its job (not a site, a refused public_dir, a missing draft, git failed...); 2 usage
errors (unknown command or option, missing or extra arguments).
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Iterator

import click

from engine import __version__
from engine.errors import EngineError, format_error


class Reporter:
    """Terminal output: colour only on a terminal and never under CI=true; --silent hides info."""

    def __init__(self, silent: bool = False, debug: bool = False):
        self.silent = silent
        self.debug = debug
        ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        self.color = (sys.stderr.isatty() and not ci and not os.environ.get("NO_COLOR")
                      and os.environ.get("TERM") != "dumb")

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

    aliases = {"g": "generate", "s": "server", "n": "new", "p": "publish", "d": "deploy",
               "l": "list"}

    def get_command(self, ctx: click.Context, name: str):
        cmd = super().get_command(ctx, self.aliases.get(name, name))
        if cmd is None and not name.startswith("-"):
            cmd = self._plugin_commands(ctx).get(name)
            engine = ctx.meta.get("pyhexo.engine")
            if cmd is None and engine is not None:   # a broken plugin may be why it is missing
                for err in engine.startup_errors:
                    if type(err).__name__ == "PluginError":
                        click.echo(f"WARN  {format_error(err)}", err=True)
        return cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return names + sorted(n for n in self._plugin_commands(ctx) if n not in names)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `--help` is eager: it lists commands before `--cwd` & co. are in ctx.params.
        ctx.meta["pyhexo.argv"] = list(args)
        return super().parse_args(ctx, args)

    @staticmethod
    def _global_option(ctx: click.Context, name: str, flag: bool = False):
        if name in ctx.params:
            return ctx.params[name]
        argv = ctx.meta.get("pyhexo.argv", [])
        found, i = None, 0
        while i < len(argv) and argv[i].startswith("-"):    # stop at the command name
            arg = argv[i]
            takes_value = arg in ("--cwd", "--config")
            if arg == f"--{name}":
                found = True if flag else (argv[i + 1] if i + 1 < len(argv) else None)
            elif not flag and arg.startswith(f"--{name}="):
                found = arg.split("=", 1)[1]
            i += 2 if takes_value else 1
        return found

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        """Commands plugins registered in `extend.commands` (docs/plugins.md), looked up lazily:
        only when a name is not a built-in (or for --help) is an Engine built for `--cwd`, with
        `--config`/`--safe` respected. Built-in names always win. Cached per invocation."""
        if "pyhexo.plugin_commands" in ctx.meta:
            return ctx.meta["pyhexo.plugin_commands"]
        found: dict[str, click.Command] = {}
        ctx.meta["pyhexo.plugin_commands"] = found
        opt = self._global_option
        if opt(ctx, "safe", flag=True):
            return found
        site = Path(opt(ctx, "cwd") or ".")
        config = opt(ctx, "config")
        if not (site / "_config.yml").is_file() and not config:
            return found          # not a site: nothing to load
        try:
            from engine.core import Engine
            engine = Engine(site, [c.strip() for c in config.split(",") if c.strip()]
                            if config else None, drafts=bool(opt(ctx, "draft", flag=True)),
                            debug=bool(opt(ctx, "debug", flag=True)))
        except Exception:         # a broken config is reported by the command that needs it
            return found
        ctx.meta["pyhexo.engine"] = engine
        for cmd_name, cmd in engine.extend.commands.items():
            if not isinstance(cmd, click.Command) and callable(cmd):
                cmd = click.Command(cmd_name, callback=cmd, help=getattr(cmd, "__doc__", None))
            if isinstance(cmd, click.Command):
                found[cmd_name] = cmd
        return found


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


def _require_site(opts: Options) -> None:
    """Commands that read or change a site refuse a folder that is not one (exit 1)."""
    if opts.config_files or any((opts.cwd / n).is_file() for n in ("_config.yml", "_config.yaml",
                                                                  "_config.json")):
        return
    _fail(opts, EngineError(f"{opts.cwd} is not a site folder (no _config.yml)",
                            hint="run `pyhexo init <folder>` to make one, or pass --cwd <site>"))


def _shown(path: Path) -> str:
    """A path for messages: relative to the current directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cli.command("generate")
@click.option("-w", "--watch", is_flag=True, help="Rebuild when files change.")
@click.option("-f", "--force", is_flag=True, help="Rewrite every file (ignore the previous build).")
@click.option("-b", "--bail", is_flag=True, help="Stop at the first error without writing.")
@click.option("-c", "--concurrency", type=int, default=None, help="Worker processes for posts.")
@click.option("-d", "--deploy", is_flag=True, help="Deploy after generating.")
@click.option("--check", "check_links", is_flag=True,
              help="Check links after building (as `pyhexo check`).")
@click.option("--profile", is_flag=True,
              help="Print time per phase and the slowest posts and templates (one process).")
@pass_options
def generate_cmd(opts: Options, watch: bool, force: bool, bail: bool, concurrency: int | None,
                 deploy: bool, check_links: bool, profile: bool) -> None:
    """Build the site into public/."""
    _require_site(opts)
    if concurrency is not None and concurrency < 1:
        raise click.BadParameter("must be at least 1", param_hint="-c/--concurrency")
    code = _generate_once(opts, force=force or profile, bail=bail,
                          concurrency=1 if profile else concurrency, check_links=check_links,
                          profile=profile)
    if deploy:
        if code == 0:
            code = _deploy(opts)
        else:
            opts.report.info("Not deploying: the site has errors.")
    if watch:
        from engine.watch import watch_site
        opts.report.info("Watching for changes. Press Ctrl+C to stop.")
        watch_site(opts.cwd, lambda changes: _generate_once(opts, force=False, bail=False,
                                                          concurrency=concurrency),
                   config_files=opts.config_files)
        return
    sys.exit(code)


def _generate_once(opts: Options, *, force: bool, bail: bool, concurrency: int | None,
                   check_links: bool = False, profile: bool = False) -> int:
    start = time.perf_counter()
    from engine import stamp
    if not force and not check_links:
        # Nothing the build reads has changed and public/ is intact: no need to build at all.
        up_to_date = stamp.unchanged(opts.cwd, config_files=opts.config_files, drafts=opts.draft,
                                     safe=opts.safe)
        if up_to_date is not None:
            opts.report.info(f"Nothing changed: {up_to_date} files up to date "
                             f"({time.perf_counter() - start:.2f} s)")
            return 0
    try:
        engine = opts.engine()
        from engine.clean import check_public_dir
        from engine.writer import OutputWriter
        check_public_dir(engine)        # before building: a refused output folder writes nothing
        if concurrency is not None:
            engine.concurrency = concurrency
        if force:
            from engine.writer import MANIFEST_NAME
            (engine.cache_dir / MANIFEST_NAME).unlink(missing_ok=True)
            engine.use_cache = False
        if profile:
            engine.profile = {}
        roots = [engine.site_dir]
        theme = engine.config.theme_dir
        if theme is not None and not Path(theme).resolve().is_relative_to(engine.site_dir):
            roots.append(Path(theme).resolve())   # the bundled theme, outside the site
        inputs = stamp.take(roots, engine.public_dir, engine.cache_dir)
        # Pages are written as they are rendered, except when --bail must see every error
        # first or --check reads the pages from memory.
        writer = None if bail or check_links else OutputWriter(engine.public_dir,
                                                               engine.cache_dir)
        with _progress(opts, "Building"):
            result = engine.build(writer=writer)
        for w in result.warnings:
            opts.report.warn(w)
        for e in result.errors:
            opts.report.error(e)
        if bail and result.errors:
            opts.report.info("Stopped: --bail and the site has errors; nothing written.")
            return 1
        from engine.clean import check_public_dir
        from engine.writer import write_outputs
        if writer is not None:
            stats = writer.finish(result.outputs, result.keep, result.sources,
                                  result.failed_sources, result.copy_failures)
        else:
            check_public_dir(engine)
            with _progress(opts, "Writing"):
                stats = write_outputs(result.outputs, engine.public_dir, engine.cache_dir,
                                      result.keep, result.sources, result.failed_sources)
        if check_links:
            from engine.check.cli_command import report_check
            report_check(opts, engine, result)
        if result.errors or engine.config.raw.get("future") is False:
            stamp.clear_stamp(engine.cache_dir)   # errors must be shown again; `future` reads the clock
        else:
            stamp.write_stamp(engine.cache_dir, inputs, config_files=opts.config_files,
                              drafts=opts.draft, safe=opts.safe)
    except EngineError as err:
        opts.report.error(err)
        return 1
    except Exception as err:  # a bug or an OS failure (disk full): one line, not a traceback
        if opts.debug:
            raise
        opts.report.error(EngineError(f"internal error: {type(err).__name__}: {err}",
                                      hint="rerun with --debug for the traceback"))
        return 1
    elapsed = time.perf_counter() - start
    if profile:
        _print_profile(opts, result.timings, engine.profile or {})
    if opts.debug or elapsed >= 5:
        stages = ", ".join(f"{k.replace('_', ' ')} {v:.2f} s" for k, v in result.timings.items())
        if stages:
            opts.report.info(f"Timing: {stages}")
    kept = f" ({result.pages_kept} pages kept without rendering)" if result.pages_kept else ""
    opts.report.info(f"{len(stats.written)} files written, {stats.unchanged} unchanged{kept}, "
                     f"{len(stats.removed)} removed, in {elapsed:.2f} s"
                     + (f" ({len(result.errors)} error(s))" if result.errors else ""))
    return 1 if result.errors else 0


def _print_profile(opts: Options, timings: dict[str, float], profile: dict) -> None:
    """Where a build spends its time, so users can find their own hot spots."""
    echo = click.echo
    echo("Time per phase:")
    for name, secs in timings.items():
        echo(f"  {name.replace('_', ' '):<16} {secs:8.3f} s")
    for title, key in (("Slowest posts and pages (Markdown, tags, highlighting):", "posts"),
                       ("Slowest routes (theme):", "routes"),
                       ("Time per template (all routes rendered by it):", "views")):
        items = sorted((profile.get(key) or {}).items(), key=lambda kv: -kv[1])[:8]
        if items:
            echo(title)
            for name, secs in items:
                echo(f"  {secs * 1000:9.1f} ms  {name}")


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
    _require_site(opts)
    from engine.clean import clean_site
    try:
        removed = clean_site(opts.engine())
    except EngineError as err:
        _fail(opts, err)
        return
    opts.report.info(f"Removed {removed} generated file(s) and the cache.")


@cli.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("-f", "--force", is_flag=True,
              help="Use a folder that is not empty (existing files are kept).")
@click.option("--no-clone", is_flag=True, hidden=True, help="Accepted for Hexo; pyhexo never clones.")
@click.option("--no-install", is_flag=True, hidden=True, help="Accepted for Hexo; nothing to install.")
@pass_options
def init_cmd(opts: Options, folder: str, force: bool, no_clone: bool, no_install: bool) -> None:
    """Create a new site in FOLDER (default: the current folder), offline."""
    from engine.init_site import init_site
    target = Path(folder)
    target = target if target.is_absolute() else opts.cwd / target
    try:
        result = init_site(target, force=force)
    except EngineError as err:
        _fail(opts, err)
        return
    for rel in result.kept:
        opts.report.info(f"Kept existing {rel}")
    opts.report.info(f"Created a site in {_shown(result.site_dir)} ({len(result.created)} files).")
    where = _shown(result.site_dir)
    steps = ([f"cd {where}"] if where != "." else []) + ["pyhexo server"]
    opts.report.info("Next: " + " && ".join(steps))


@cli.command("new")
@click.argument("words", nargs=-1)
@click.option("-p", "--path", "path", help="File path, relative to the layout's folder "
                                           "(_posts/, _drafts/ or source/).")
@click.option("-s", "--slug", help="File name (slug) instead of the one made from the title.")
@click.option("-r", "--replace", is_flag=True, help="Overwrite a file of the same name.")
@pass_options
def new_cmd(opts: Options, words: tuple[str, ...], path: str | None, slug: str | None,
            replace: bool) -> None:
    """Create a post, page or draft:  new [LAYOUT] "TITLE".

    LAYOUT is post (default), page, draft, or any scaffold in scaffolds/."""
    if len(words) > 2:
        raise click.UsageError(f'too many arguments ({len(words)}): quote the title, e.g. '
                               f'pyhexo new "{" ".join(words)}"')
    if not words and not path:
        raise click.UsageError('missing the title, e.g. pyhexo new "My First Post"')
    layout = words[0] if len(words) == 2 else None
    title = words[-1] if words else Path(path or "").stem
    _require_site(opts)
    from engine.config import load_config
    from engine.scaffold import new_post
    try:
        config = load_config(opts.cwd, opts.config_files)
        created = new_post(config, title, layout, slug=slug, path=path, replace=replace)
    except EngineError as err:
        _fail(opts, err)
        return
    opts.report.info(f"Created: {created.path}")


@cli.command("publish")
@click.argument("words", nargs=-1, required=True)
@click.option("-r", "--replace", is_flag=True, help="Overwrite a post of the same name.")
@pass_options
def publish_cmd(opts: Options, words: tuple[str, ...], replace: bool) -> None:
    """Move a draft to _posts/ with today's date:  publish [LAYOUT] FILENAME."""
    if len(words) > 2:
        raise click.UsageError("expected [LAYOUT] FILENAME")
    layout = words[0] if len(words) == 2 else None
    _require_site(opts)
    from engine.config import load_config
    from engine.scaffold import publish_draft
    try:
        config = load_config(opts.cwd, opts.config_files)
        created = publish_draft(config, words[-1], layout, replace=replace)
    except EngineError as err:
        _fail(opts, err)
        return
    opts.report.info(f"Published: {created.path}")


@cli.command("list")
@click.argument("kind", type=click.Choice(["post", "page", "route", "tag", "category"]),
                metavar="post|page|route|tag|category")
@pass_options
def list_cmd(opts: Options, kind: str) -> None:
    """List the site's posts, pages, routes, tags or categories."""
    _require_site(opts)
    from engine.listing import listing, render
    try:
        with _progress(opts, "Loading"):
            result = listing(opts.engine(), kind)
    except EngineError as err:
        _fail(opts, err)
        return
    render(result)
    for err in result.errors:
        opts.report.error(err)
    sys.exit(1 if result.errors else 0)


@cli.command("config")
@click.argument("key", required=False)
@click.argument("value", required=False)
@pass_options
def config_cmd(opts: Options, key: str | None, value: str | None) -> None:
    """Show the config, one KEY (dotted: deploy.branch), or set KEY to VALUE in _config.yml.

    VALUE: true/false, null and numbers are typed, [a, b] is a list, anything else is a string;
    quote it to force a string ('10'). Comments and key order in the file are kept."""
    _require_site(opts)
    from engine.config import load_config
    from engine.site_config_edit import config_file_for, format_value, lookup, parse_value, set_value
    try:
        if value is None:
            config = load_config(opts.cwd, opts.config_files)
            if key is None:
                click.echo(format_value(config.raw))
                return
            try:
                found = lookup(config.raw, key)
            except KeyError:
                _fail(opts, EngineError(f"'{key}' is not set", hint="`pyhexo config` shows all keys"))
                return
            click.echo(format_value(found))
            return
        path = config_file_for(opts.cwd, opts.config_files)
        # the result must still load; if not, the file is restored and the error shown
        old, new = set_value(path, key, parse_value(value),
                             check=lambda: load_config(opts.cwd, opts.config_files))
    except EngineError as err:
        _fail(opts, err)
        return
    opts.report.info(f"{key}: {format_value(new)}" + (f" (was {format_value(old)})"
                                                       if old is not None else "")
                     + f"  [{_shown(path)}]")


@cli.command("render")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the HTML to this file (default: standard output).")
@click.option("--engine", "engine_name", default=None, help="Renderer: markdown (the only one).")
@click.option("--pretty", is_flag=True, hidden=True, help="Accepted for Hexo (JSON output only).")
@pass_options
def render_cmd(opts: Options, files: tuple[str, ...], output: str | None,
               engine_name: str | None, pretty: bool) -> None:
    """Render Markdown FILES to HTML (front-matter removed, code highlighted)."""
    if engine_name and engine_name.lower() not in ("markdown", "md", "marked"):
        raise click.BadParameter(f"unknown renderer '{engine_name}' (use markdown)",
                                 param_hint="--engine")
    if output and len(files) > 1:
        raise click.UsageError("-o/--output takes one input file")
    from engine.render_file import render_markdown_file
    try:
        engine = opts.engine()
        parts = [render_markdown_file(engine, _input_path(opts, f)) for f in files]
    except EngineError as err:
        _fail(opts, err)
        return
    html = "".join(parts)
    if output:
        out = Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, "utf-8")
        opts.report.info(f"Rendered {files[0]} -> {_shown(out)}")
    else:
        click.echo(html, nl=False)


def _input_path(opts: Options, name: str) -> Path:
    path = Path(name)
    if not path.is_absolute() and not path.exists() and (opts.cwd / path).exists():
        return opts.cwd / path
    return path


@cli.command("deploy")
@click.option("-g", "--generate", "generate_first", is_flag=True, help="Generate before deploying.")
@click.option("--setup", is_flag=True, help="Only prepare .deploy_git/; push nothing.")
@pass_options
def deploy_cmd(opts: Options, generate_first: bool, setup: bool) -> None:
    """Push public/ to the git branch set under `deploy:` in _config.yml."""
    _require_site(opts)
    if setup:
        from engine.deploy import parse_deploy_config, setup_deploy_dir
        try:
            engine = opts.engine()
            parse_deploy_config(engine.config.raw)
            setup_deploy_dir(engine)
        except EngineError as err:
            _fail(opts, err)
            return
        opts.report.info("Prepared .deploy_git/")
        return
    if generate_first:
        code = _generate_once(opts, force=False, bail=False, concurrency=None)
        if code != 0:
            opts.report.info("Not deploying: the site has errors.")
            sys.exit(code)
    sys.exit(_deploy(opts))


def _deploy(opts: Options) -> int:
    from engine.deploy import deploy
    try:
        engine = opts.engine()
        with _progress(opts, "Deploying"):
            results = deploy(engine, log=opts.report.info)
    except EngineError as err:
        opts.report.error(err)
        return 1
    pushed = sum(1 for r in results if r.commit)
    opts.report.info(f"Deploy done: {pushed} branch(es) updated, "
                     f"{len(results) - pushed} already up to date.")
    return 0


@cli.command("completion")
@click.argument("shell", required=False, type=click.Choice(["bash", "zsh", "fish"]))
def completion_cmd(shell: str | None) -> None:
    """Print the shell completion script (bash, zsh or fish).

    \b
    bash:  eval "$(pyhexo completion bash)"      (add to ~/.bashrc)
    zsh:   eval "$(pyhexo completion zsh)"       (add to ~/.zshrc)
    fish:  pyhexo completion fish > ~/.config/fish/completions/pyhexo.fish"""
    from click.shell_completion import get_completion_class
    if shell is None:
        shell = Path(os.environ.get("SHELL", "bash")).name
        if shell not in ("bash", "zsh", "fish"):
            raise click.UsageError("name the shell: pyhexo completion bash|zsh|fish")
    cls = get_completion_class(shell)
    if cls is None:   # pragma: no cover - click ships all three
        raise click.UsageError(f"no completion for {shell}")
    click.echo(cls(cli, {}, "pyhexo", "_PYHEXO_COMPLETE").source())


@contextlib.contextmanager
def _progress(opts: Options, label: str) -> Iterator[None]:
    """A transient spinner with the step's name and elapsed time on stderr, on an interactive
    terminal only (never under CI=true, NO_COLOR, TERM=dumb, a pipe, or --silent)."""
    if opts.report.silent or not opts.report.color:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    with Progress(SpinnerColumn(), TextColumn(f"{label}..."), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        bar.add_task(label, total=None)
        yield


@cli.command("version")
def version_cmd() -> None:
    """Print versions."""
    import platform
    click.echo(f"pyhexo: {__version__}")
    click.echo(f"python: {platform.python_version()}")
    for dist in ("mistune", "jinja2", "python-frontmatter", "pyyaml", "ruamel.yaml", "watchdog",
                 "pygments", "click", "rich"):
        try:
            from importlib.metadata import version
            click.echo(f"{dist}: {version(dist)}")
        except Exception:
            pass


from engine.check.cli_command import check_command  # noqa: E402

cli.add_command(check_command)


def main() -> None:
    try:
        cli(prog_name="pyhexo")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
