"""Registries for every extension kind: helpers, tags, generators, filters, commands.

One `Extend` instance lives on the `Engine`; built-ins and plugins register through the same calls
(`extend.helpers.register("url_for", fn)`). Nothing here is a module global, so two engines in one
process (tests, the dev server rebuilding) never see each other's plugins.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterator, TypeVar

T = TypeVar("T")

# Hexo's filter names, kept so plugin authors can follow Hexo's docs.
FILTER_NAMES = (
    "before_post_render",   # (doc) before Markdown: doc.body may be rewritten
    "after_post_render",    # (doc) after Markdown and tags: doc.content, excerpt, more are set
    "before_generate",      # (site) the site model is complete, before generators run
    "after_generate",       # (routes) list of Route after generators ran
    "template_locals",      # (locals dict) before a route is rendered
    "after_render:html",    # (html str, ctx) final HTML of every page, after the theme
    "before_exit",
)


class Registry(Generic[T]):
    """Name → value. `register` works as a call or as a decorator; later registrations win."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, value: T | None = None, **options: Any):
        def add(v: T) -> T:
            if options:
                # Options are stored beside the value for registries that need them (tags).
                setattr(v, "_pyhexo_options", options) if callable(v) else None
            self._items[name] = v
            return v

        return add(value) if value is not None else add

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def get(self, name: str, default: T | None = None) -> T | None:
        return self._items.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self):
        return self._items.items()

    def names(self) -> list[str]:
        return sorted(self._items)


@dataclass(frozen=True)
class TagSpec:
    """A tag plugin: `fn(ctx, args, content)`; `ends=True` means `{% name %}…{% endname %}`."""

    name: str
    fn: Callable[..., str]
    ends: bool = False


class TagRegistry(Registry[TagSpec]):
    def register(self, name: str, fn: Callable[..., str] | None = None, *, ends: bool = False):  # type: ignore[override]
        def add(f: Callable[..., str]) -> Callable[..., str]:
            self._items[name] = TagSpec(name, f, ends)
            return f

        return add(fn) if fn is not None else add


@dataclass(order=True)
class _Filter:
    priority: int
    seq: int
    fn: Callable[..., Any] = field(compare=False)
    # Keyword context the function accepts: None = any (**kwargs), else the parameter names.
    # Hexo-style filters `fn(doc)` then keep working when the engine passes `engine=`.
    accepts: frozenset[str] | None = field(compare=False, default=None)


def _accepted_keywords(fn: Callable[..., Any]) -> frozenset[str] | None:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params
                     if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))


class FilterRegistry:
    """Named value pipelines ordered by priority (lower first, default 10), as Hexo's filters.

    `run(name, value, *args)` passes `value` through each function; a function that returns None
    keeps the current value (so in-place mutation works too).
    """

    def __init__(self) -> None:
        self._filters: dict[str, list[_Filter]] = {}
        self._seq = 0

    def register(self, name: str, fn: Callable[..., Any] | None = None, priority: int = 10):
        def add(f: Callable[..., Any]) -> Callable[..., Any]:
            self._seq += 1
            chain = self._filters.setdefault(name, [])
            chain.append(_Filter(priority, self._seq, f, _accepted_keywords(f)))
            chain.sort()
            return f

        return add(fn) if fn is not None else add

    def unregister(self, name: str, fn: Callable[..., Any]) -> None:
        # A plugin's filters are wrapped for error reporting (engine.plugins); match the original too.
        self._filters[name] = [f for f in self._filters.get(name, [])
                               if f.fn is not fn and getattr(f.fn, "__wrapped__", None) is not fn]

    def list(self, name: str) -> list[Callable[..., Any]]:
        return [f.fn for f in self._filters.get(name, [])]

    def has(self, name: str) -> bool:
        return bool(self._filters.get(name))

    def run(self, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        for f in self._filters.get(name, ()):
            kw = kwargs if f.accepts is None else {k: v for k, v in kwargs.items() if k in f.accepts}
            result = f.fn(value, *args, **kw)
            if result is not None:
                value = result
        return value


@dataclass
class Extend:
    """Everything plugins can add to. One per Engine."""

    helpers: Registry[Callable[..., Any]] = field(default_factory=lambda: Registry("helper"))
    tags: TagRegistry = field(default_factory=lambda: TagRegistry("tag"))
    generators: Registry[Callable[..., Any]] = field(default_factory=lambda: Registry("generator"))
    filters: FilterRegistry = field(default_factory=FilterRegistry)
    renderers: Registry[Callable[..., Any]] = field(default_factory=lambda: Registry("renderer"))
    commands: Registry[Any] = field(default_factory=lambda: Registry("command"))
