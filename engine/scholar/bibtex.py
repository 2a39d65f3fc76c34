"""Publications: BibTeX (bibtexparser 2) and CSL-JSON parsed into plain `Publication` objects.

`load_publications(path, shown)` reads a `.bib` or `.json` file and returns a `PublicationSet`:
the good entries (file order) plus one `SourceError` per bad entry (file and 1-based line), which
is skipped. LaTeX in titles, names and venues is decoded with pylatexenc (bibtexparser's own
dependency): `R{\\'e}` → `Ré`, `{GPT}` → `GPT`, `\\&` → `&`, `--` → `–`; URL-like fields are only
unescaped (`\\_` → `_`), never decoded as LaTeX.

Fields the site uses beyond standard BibTeX (all optional; Zotero and Google Scholar exports simply
lack them): `selected = {true}`, `award`, `pdf`, `code`, `slides`, `video`, `poster`, `project`
(or `website`), `arxiv` (or `eprint` with `archiveprefix = {arXiv}`), `doi`, `url`, `venue` (a
short venue such as "ICML 2025" that replaces booktitle/journal), `equal = {1,2}` (1-based author
positions marked as equal contribution), `note`, `abstract`.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from engine.errors import SourceError

__all__ = ["Author", "Link", "Publication", "PublicationSet", "load_publications",
           "parse_bibtex", "parse_csl_json", "decode_latex", "match_owner", "normalize_name"]

# Fields that only drive the website; left out of the "copy BibTeX" text.
SITE_FIELDS = frozenset({
    "selected", "award", "pdf", "code", "slides", "video", "poster", "project", "website",
    "venue", "equal", "abstract", "file", "keywords", "preview", "bibtex_show", "html", "abbr",
    "blog", "supp", "award_name", "dimensions", "altmetric", "google_scholar_id", "annote",
})

# (field, button label) in display order; `doi` and `arxiv` get full URLs built from their ids.
LINK_FIELDS = (
    ("pdf", "PDF"), ("code", "Code"), ("arxiv", "arXiv"), ("doi", "DOI"), ("slides", "Slides"),
    ("video", "Video"), ("poster", "Poster"), ("project", "Project"), ("website", "Project"),
    ("supp", "Supplement"), ("blog", "Blog"),
)
_URL_FIELDS = frozenset({"url", "doi", "arxiv", "eprint"} | {f for f, _ in LINK_FIELDS})

MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}

TYPE_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online"}

# CSL-JSON item types → BibTeX entry types
CSL_TYPES = {
    "article-journal": "article", "article": "article", "article-magazine": "article",
    "article-newspaper": "article", "paper-conference": "inproceedings", "chapter": "incollection",
    "book": "book", "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished",
    "webpage": "online", "post-weblog": "online", "dataset": "misc", "software": "misc",
    "speech": "misc", "patent": "patent",
}


@dataclass
class Author:
    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    literal: bool = False            # a corporate name in braces, or a CSL `literal`

    @property
    def name(self) -> str:
        """Display form: 'First von Last, Jr.'"""
        if self.literal:
            return self.last
        parts = [p for p in (self.first, self.von, self.last) if p]
        text = " ".join(parts)
        return f"{text}, {self.jr}" if self.jr else text

    @property
    def is_others(self) -> bool:
        return not self.literal and not self.first and self.last.lower() == "others"


@dataclass
class Link:
    kind: str          # pdf, code, arxiv, doi, slides, video, poster, project, url ...
    label: str         # button text
    url: str


@dataclass
class Publication:
    key: str
    type: str                                   # lower-case BibTeX entry type
    title: str
    authors: list[Author] = field(default_factory=list)
    others: bool = False                        # the author list ended with 'and others'
    year: int | None = None
    month: int | None = None
    venue: str = ""
    fields: dict[str, str] = field(default_factory=dict)   # decoded, lower-case keys
    raw_fields: dict[str, str] = field(default_factory=dict)   # as written (braces kept)
    selected: bool = False
    award: str = ""
    note: str = ""
    url: str = ""                               # the title's link
    links: list[Link] = field(default_factory=list)
    equal: set[int] = field(default_factory=set)   # 0-based author indices (equal contribution)
    bibtex: str = ""                            # clean BibTeX for the copy button
    source: str = ""                            # file shown in messages
    line: int | None = None                     # 1-based line of the entry in that file
    index: int = 0                              # position in the file

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name.lower(), default)


@dataclass
class PublicationSet:
    publications: list[Publication] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    source: str = ""


# ---- LaTeX ------------------------------------------------------------------------------------

@functools.cache
def _latex_converter():
    """One stateless pylatexenc converter per process (it holds no site data)."""
    from pylatexenc.latex2text import LatexNodes2Text
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def decode_latex(text: str) -> str:
    """LaTeX → Unicode text; braces dropped, accents and `\\&`-style escapes decoded."""
    if not text:
        return ""
    if "\\" not in text and "{" not in text and "$" not in text and "~" not in text \
            and "--" not in text and "``" not in text:
        return _squash(text)
    try:
        out = _latex_converter().latex_to_text(text)
    except Exception:   # pylatexenc is lenient; this only guards against odd input
        out = re.sub(r"[{}]", "", text)
    return _squash(out.replace("\u00a0", " "))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def decode_url(text: str) -> str:
    """A URL-like field: drop enclosing braces, `\\url{}`, and TeX escapes; never decode accents."""
    text = text.strip()
    m = re.fullmatch(r"\\(?:url|href)\s*\{(.*?)\}(?:\{.*\})?", text, re.S)
    if m:
        text = m.group(1)
    text = re.sub(r"\\([_%#&~$])", r"\1", text)
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", "", text)


# ---- names ------------------------------------------------------------------------------------

def normalize_name(name: str) -> str:
    """Comparable form of a person's name: 'Wang, Jue' / 'JUE  WANG' / 'Jué Wang.' → 'jue wang'."""
    import unicodedata
    name = decode_latex(name) if ("\\" in name or "{" in name) else name
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"[.\s]+", " ", name.replace("-", " ")).strip()
    return name.casefold()


def match_owner(author: Author, variants: Iterable[str]) -> bool:
    """True when the author is one of the owner's name variants (case, accents, order ignored)."""
    wanted = {normalize_name(v) for v in variants if v}
    if not wanted:
        return False
    return normalize_name(author.name) in wanted


def _split_authors(value: str) -> tuple[list[Author], bool]:
    from bibtexparser.middlewares.names import (parse_single_name_into_parts,
                                                split_multiple_persons_names)
    authors: list[Author] = []
    others = False
    for raw in split_multiple_persons_names(value):
        raw = raw.strip()
        if not raw:
            continue
        if raw.lower() == "others":
            others = True
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced_outer(raw):
            authors.append(Author(last=decode_latex(raw[1:-1]), literal=True))
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except TypeError:   # older signature
            parts = parse_single_name_into_parts(raw)
        except Exception:
            authors.append(Author(last=decode_latex(raw), literal=True))
            continue
        authors.append(Author(first=decode_latex(" ".join(parts.first)),
                              von=decode_latex(" ".join(parts.von)),
                              last=decode_latex(" ".join(parts.last)),
                              jr=decode_latex(" ".join(parts.jr))))
    return authors, others


def _balanced_outer(text: str) -> bool:
    depth = 0
    for i, c in enumerate(text):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


# ---- common normalisation -------------------------------------------------------------------

_TRUE = {"true", "yes", "1", "y", "on", "selected"}


def _year_month(year: str, month: str, date: str) -> tuple[int | None, int | None]:
    y = m = None
    if date:   # biblatex `date = {2023-07-21}` / `{2023-07}` / `{2023}`
        d = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?", date)
        if d:
            y = int(d.group(1))
            m = int(d.group(2)) if d.group(2) else None
    if year:
        d = re.search(r"\d{4}", year)
        if d:
            y = int(d.group(0))
    if month:
        mm = month.strip().lower()
        if mm.isdigit():
            m = int(mm) if 1 <= int(mm) <= 12 else m
        elif mm[:3] in MONTHS:
            m = MONTHS[mm[:3]]
    return y, m


def _venue(fields: dict[str, str], etype: str) -> str:
    if fields.get("venue"):
        return fields["venue"]
    for name in ("booktitle", "journal", "journaltitle"):
        if fields.get(name):
            return fields[name]
    if etype in ("phdthesis", "mastersthesis", "thesis"):
        kind = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}.get(etype, "Thesis")
        return ", ".join(x for x in (kind, fields.get("school", "")) if x)
    if etype == "techreport":
        return ", ".join(x for x in (fields.get("institution", ""), fields.get("number", "")) if x)
    if etype in ("book", "inbook"):
        return fields.get("publisher", "")
    if fields.get("howpublished"):
        return fields["howpublished"]
    arxiv = _arxiv_id(fields)
    if arxiv:
        return f"arXiv:{arxiv}"
    return fields.get("publisher", "") or fields.get("organization", "")


def _arxiv_id(fields: dict[str, str]) -> str:
    if fields.get("arxiv"):
        return fields["arxiv"]
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and prefix == "arxiv":
        return fields["eprint"]
    journal = fields.get("journal", "")
    m = re.match(r"arxiv(?: preprint)?\s*(?:arxiv:)?\s*(\d{4}\.\d{4,5}(?:v\d+)?)", journal, re.I)
    return m.group(1) if m else ""


def _link_url(kind: str, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if kind == "doi" and not re.match(r"https?://", value):
        return "https://doi.org/" + re.sub(r"^doi:\s*", "", value, flags=re.I)
    if kind == "arxiv" and not re.match(r"https?://", value):
        return "https://arxiv.org/abs/" + re.sub(r"^arxiv:\s*", "", value, flags=re.I)
    return value


def _parse_equal(value: str, n_authors: int) -> set[int]:
    out: set[int] = set()
    for part in re.split(r"[,\s;]+", value or ""):
        if part.isdigit() and 1 <= int(part) <= max(n_authors, 1):
            out.add(int(part) - 1)
    return out


def _finish(pub: Publication) -> Publication:
    """Venue, year, links and flags from `pub.fields`."""
    f = pub.fields
    pub.year, pub.month = _year_month(f.get("year", ""), f.get("month", ""), f.get("date", ""))
    pub.venue = _venue(f, pub.type)
    pub.selected = f.get("selected", "").strip().lower() in _TRUE
    pub.award = f.get("award", "")
    pub.note = f.get("note", "")
    arxiv = _arxiv_id(f)
    links: list[Link] = []
    seen: set[str] = set()
    for name, label in LINK_FIELDS:
        value = arxiv if name == "arxiv" else f.get(name, "")
        url = _link_url(name, value)
        if url and url not in seen:
            seen.add(url)
            links.append(Link(name, label, url))
    pub.links = links
    pub.url = f.get("url", "") or next((lk.url for lk in links if lk.kind in ("doi", "arxiv", "pdf")),
                                       "")
    pub.equal = _parse_equal(f.get("equal", ""), len(pub.authors))
    return pub


# ---- BibTeX ---------------------------------------------------------------------------------

def _line_of(text: str, raw: str, hint: int | None) -> int | None:
    """1-based line where `raw` (an entry's text) starts; bibtexparser's 0-based hint first."""
    lines = text.splitlines()
    if hint is not None and 0 <= hint < len(lines) and raw and \
            lines[hint].strip() and raw.lstrip()[:20].startswith(lines[hint].strip()[:20]):
        return hint + 1
    if raw:
        pos = text.find(raw.lstrip()[:200])
        if pos >= 0:
            return text.count("\n", 0, pos) + 1
    return hint + 1 if hint is not None else None


def _bibtex_text(etype: str, key: str, raw_fields: dict[str, str]) -> str:
    lines = [f"@{etype}{{{key},"]
    items = [(k, v) for k, v in raw_fields.items() if k.lower() not in SITE_FIELDS]
    for k, v in items:
        v = v.strip()
        bare = v.isdigit() or (k.lower() == "month" and v.lower() in MONTHS)
        value = v if bare else "{" + v + "}"
        lines.append(f"  {k} = {value},")
    if len(lines) > 1:
        lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines)


def _failed_message(block: Any) -> str:
    err = getattr(block, "error", None)
    name = type(block).__name__
    if name == "DuplicateBlockKeyBlock":
        return f"duplicate entry key '{getattr(block, 'key', '?')}' (this entry is skipped)"
    if name == "DuplicateFieldKeyBlock":
        dup = ", ".join(sorted(getattr(block, "duplicate_keys", []) or [])) or "?"
        return f"entry repeats the field(s) {dup}"
    msg = str(getattr(err, "abort_reason", "") or err or "") if err is not None else ""
    msg = re.sub(r"\s+", " ", msg).strip()
    # bibtexparser names its own lines (0-based); the location is given separately.
    msg = re.sub(r"^Parsing of `?@?\w*`? block \(line \d+\) aborted on line \d+ due to ", "", msg)
    msg = re.sub(r"^syntactical error in bibtex: ?", "", msg)
    return "invalid BibTeX: " + (msg or "syntax error")


def parse_bibtex(text: str, shown: str = "publications.bib") -> PublicationSet:
    """Parse BibTeX text; bad entries become errors (with their line) and are skipped."""
    import logging

    import bibtexparser
    result = PublicationSet(source=shown)
    # bibtexparser logs every failed block itself; the caller reports them with file and line.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(level)
    for block in library.failed_blocks:
        raw = getattr(block, "raw", "") or ""
        line = _line_of(text, raw, getattr(block, "start_line", None))
        head = raw.strip().splitlines()[0][:60] if raw.strip() else ""
        result.errors.append(SourceError(_failed_message(block), path=shown, line=line,
                                         hint=f"entry skipped: {head}" if head else "entry skipped"))
    for i, entry in enumerate(library.entries):
        line = _line_of(text, entry.raw or "", entry.start_line)
        raw_fields: dict[str, str] = {}
        for f in entry.fields:
            value = f.value if isinstance(f.value, str) else str(f.value)
            raw_fields[f.key] = value
        lower = {k.lower(): v for k, v in raw_fields.items()}
        etype = TYPE_ALIASES.get(entry.entry_type.lower(), entry.entry_type.lower())
        decoded = {k: (decode_url(v) if k in _URL_FIELDS else decode_latex(v))
                   for k, v in lower.items() if k not in ("author", "editor")}
        title = decoded.get("title", "")
        if not title:
            result.errors.append(SourceError(f"entry '{entry.key}' has no title", path=shown,
                                             line=line, hint="add `title = {...}`; entry skipped"))
            continue
        authors, others = _split_authors(lower.get("author", "") or lower.get("editor", ""))
        pub = Publication(key=entry.key, type=etype, title=title, authors=authors, others=others,
                          fields=decoded, raw_fields=raw_fields, source=shown, line=line, index=i)
        pub.bibtex = _bibtex_text(entry.entry_type, entry.key, raw_fields)
        result.publications.append(_finish(pub))
    return result


# ---- CSL-JSON -------------------------------------------------------------------------------

def _csl_line(text: str, key: str) -> int | None:
    m = re.search(r'"id"\s*:\s*"?' + re.escape(str(key)), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _csl_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_csl_text(v) for v in value)
    text = str(value)
    return _squash(re.sub(r"<[^>]+>", "", text))   # CSL allows <i>, <b>, <sub> in titles


def parse_csl_json(text: str, shown: str = "publications.json") -> PublicationSet:
    result = PublicationSet(source=shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(SourceError(f"invalid JSON: {exc.msg}", path=shown, line=exc.lineno,
                                         column=exc.colno))
        return result
    if isinstance(data, dict):
        data = data.get("items") or data.get("references") or [data]
    if not isinstance(data, list):
        result.errors.append(SourceError("CSL-JSON must be a list of items", path=shown, line=1))
        return result
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            result.errors.append(SourceError(f"item {i + 1} is not an object", path=shown))
            continue
        key = str(item.get("id") or item.get("citation-key") or f"item{i + 1}")
        line = _csl_line(text, key)
        title = _csl_text(item.get("title"))
        if not title:
            result.errors.append(SourceError(f"item '{key}' has no title", path=shown, line=line,
                                             hint="entry skipped"))
            continue
        authors: list[Author] = []
        others = False
        for a in item.get("author") or item.get("editor") or []:
            if not isinstance(a, dict):
                continue
            if a.get("literal"):
                if str(a["literal"]).lower() == "others":
                    others = True
                else:
                    authors.append(Author(last=str(a["literal"]), literal=True))
                continue
            authors.append(Author(first=str(a.get("given") or ""),
                                  von=str(a.get("non-dropping-particle") or
                                          a.get("dropping-particle") or ""),
                                  last=str(a.get("family") or ""), jr=str(a.get("suffix") or "")))
        fields: dict[str, str] = {}
        for k, v in item.items():
            if k in ("author", "editor", "issued", "id", "type"):
                continue
            if isinstance(v, (str, int, float, bool)):
                fields[k.lower()] = str(v).lower() if isinstance(v, bool) else str(v)
        fields["title"] = title
        for src, dst in (("container-title", "journal"), ("DOI", "doi"), ("URL", "url"),
                         ("publisher", "publisher")):
            if item.get(src) and dst not in fields:
                fields[dst] = _csl_text(item[src])
        if "doi" not in fields and item.get("doi"):
            fields["doi"] = str(item["doi"])
        issued = item.get("issued") or {}
        parts = (issued.get("date-parts") or [[None]])[0] if isinstance(issued, dict) else [None]
        if parts and parts[0]:
            fields["year"] = str(parts[0])
            if len(parts) > 1 and parts[1]:
                fields["month"] = str(parts[1])
        elif isinstance(issued, dict) and issued.get("raw"):
            fields["date"] = str(issued["raw"])
        etype = CSL_TYPES.get(str(item.get("type") or ""), "misc")
        if etype == "inproceedings" and "journal" in fields and "booktitle" not in fields:
            fields["booktitle"] = fields.pop("journal")
        pub = Publication(key=key, type=etype, title=title, authors=authors, others=others,
                          fields=fields, raw_fields={}, source=shown, line=line, index=i)
        pub.bibtex = _csl_to_bibtex(pub)
        result.publications.append(_finish(pub))
    return result


def _csl_to_bibtex(pub: Publication) -> str:
    raw: dict[str, str] = {"title": pub.title}
    names = [a.last if a.literal else ", ".join(x for x in (" ".join(p for p in (a.von, a.last) if p),
                                                          a.first) if x)
             for a in pub.authors]
    if pub.others:
        names.append("others")
    if names:
        raw["author"] = " and ".join(names)
    for k in ("booktitle", "journal", "publisher", "volume", "issue", "page", "doi", "url", "year",
              "month"):
        if pub.fields.get(k):
            raw[{"issue": "number", "page": "pages"}.get(k, k)] = pub.fields[k]
    raw = {k: re.sub(r"([&%#_])", r"\\\1", v) if k not in ("url", "doi") else v
           for k, v in raw.items()}
    return _bibtex_text(pub.type, pub.key, raw)


# ---- files ----------------------------------------------------------------------------------

def load_publications(path: Path, shown: str | None = None) -> PublicationSet:
    """Read a `.bib` (BibTeX/biblatex) or `.json` (CSL-JSON) file."""
    shown = shown or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return PublicationSet(errors=[SourceError(f"cannot read publications: {exc.strerror}",
                                                  path=shown)], source=shown)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return PublicationSet(errors=[SourceError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                                  path=shown, line=line,
                                                  hint="save the file as UTF-8")], source=shown)
    if path.suffix.lower() in (".json", ".csl-json", ".csljson"):
        return parse_csl_json(text, shown)
    return parse_bibtex(text, shown)
