"""Error types that carry a location (file, line, column) and a hint.

Every stage raises one of these for bad input; the build collects them instead of stopping, and the
CLI and the dev server format them (`format_error`). This module does no I/O.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path


class EngineError(Exception):
    """Base class: an error that a user can fix, reported in one clear line."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None, context: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        # A few source lines around the error, already numbered, for tag and template errors.
        self.context = context

    def __reduce__(self):
        # Keep the location when errors cross a process boundary (the render pool pickles them).
        return (_rebuild, (type(self), self.message, self.path, self.line, self.column, self.hint,
                           self.context))

    @property
    def location(self) -> str:
        if not self.path:
            return ""
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.column:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def _rebuild(cls, message, path, line, column, hint, context):
    return cls(message, path=path, line=line, column=column, hint=hint, context=context)


class ConfigError(EngineError):
    """`_config.yml` (or a theme config) cannot be read."""


class SourceError(EngineError):
    """A source file (front-matter, Markdown, tag) is invalid."""


class TemplateError(EngineError):
    """A theme template fails to compile or render."""


class PluginError(EngineError):
    """A plugin (scripts/*.py or an entry point) raised."""


class RouteError(EngineError):
    """Two sources want the same output path, or a route has no layout."""


@dataclass
class ErrorList:
    """Errors and warnings collected during one build (an instance per build, never global)."""

    errors: list[EngineError] = field(default_factory=list)
    warnings: list[EngineError] = field(default_factory=list)

    def error(self, err: EngineError) -> None:
        self.errors.append(err)

    def warn(self, err: EngineError) -> None:
        self.warnings.append(err)

    def __bool__(self) -> bool:
        return bool(self.errors)


def format_error(err: BaseException) -> str:
    """One line (plus optional context lines) for the terminal."""
    if isinstance(err, EngineError):
        text = str(err)
        if err.context:
            text += "\n" + err.context
        return text
    return f"{type(err).__name__}: {err}"


def format_error_html(err: BaseException) -> str:
    """The same report as an HTML fragment, for the dev server's overlay."""
    if isinstance(err, EngineError):
        head = html.escape(err.location or "")
        body = html.escape(err.message + (f" ({err.hint})" if err.hint else ""))
        ctx = f"<pre>{html.escape(err.context)}</pre>" if err.context else ""
        return f"<p><strong>{head}</strong></p><p>{body}</p>{ctx}"
    return f"<p>{html.escape(format_error(err))}</p>"


def source_context(text: str, line: int, radius: int = 2) -> str:
    """Numbered lines around `line` (1-based), the failing one marked with `>`."""
    lines = text.splitlines()
    lo, hi = max(1, line - radius), min(len(lines), line + radius)
    width = len(str(hi))
    out = []
    for n in range(lo, hi + 1):
        mark = ">" if n == line else " "
        out.append(f"{mark} {n:>{width}} | {lines[n - 1]}")
    return "\n".join(out)
