"""The link checker: every link of every HTML output of a `BuildResult`, resolved against the
routes the build produced, each problem mapped back to the source file and line that wrote it.

What is reported (`Problem.kind`):

- `placeholder`  `[x](#)`, `href="#"`, `javascript:void(0)`, `TODO` — a link never filled in
- `empty`        `href=""` / `src=""`
- `malformed`    `((https://…))`, `htps://`, `http:/x`, `www.x.org` without a scheme, spaces or
                 backslashes in a URL, `mailto:` without an address, a bad port …
- `broken-link`  an internal page that the build does not produce
- `missing-asset` an image, script, stylesheet … that the build does not produce
- `broken-anchor` `page#frag` / `#frag` with no element of that id on the target page (ids come
                 from the built HTML, so heading ids are exactly the Markdown renderer's slugs)
- `root-prefix`  `/about/` on a site whose `root` is `/blog/` (the page exists under the root)
- `external`     (only with `external=True`) an outside URL that answers 404/410/5xx or not at all

Links written by a document (its rendered content) are located in its source: the URL is searched
in `doc.raw` (Markdown link, reference definition, HTML attribute, or the bare URL), skipping HTML
comments and fenced code, and the n-th occurrence in the HTML is matched with the n-th in the
source. Links of the theme (the same on many pages) are reported once, at the first page, with the
number of pages. Placeholders in theme markup (`href="#"` menu toggles) are not reported.
"""
from __future__ import annotations

import html as _html
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from engine.errors import EngineError, SourceError

__all__ = ["Problem", "CheckReport", "check_links", "PageLinks", "parse_page", "classify_url"]

KNOWN_SCHEMES = frozenset({
    "http", "https", "mailto", "tel", "sms", "ftp", "ftps", "sftp", "data", "javascript", "file",
    "irc", "ircs", "magnet", "git", "ssh", "svn", "news", "nntp", "xmpp", "webcal", "geo", "skype",
    "zoommtg", "slack", "matrix", "bitcoin", "ethereum", "ipfs", "ipns", "urn", "doi", "about",
    "blob", "chrome", "feed", "spotify", "steam", "vscode", "obsidian", "zotero", "facetime",
    "whatsapp", "tg", "weixin", "mms", "rtsp", "callto", "ws", "wss", "view-source", "market",
    "itms-apps", "intent", "fb", "twitter", "maps", "ms-windows-store", "onenote", "notes",
})
PLACEHOLDERS = frozenset({"#", "#!", "#0", "javascript:void(0)", "javascript:void(0);",
                          "javascript:;", "javascript:", "todo", "tbd", "xxx", "url", "link",
                          "http://", "https://", "about:blank", "(#)"})

# tag → attributes holding one URL; srcset attributes hold a list
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
    "source": ("src",), "video": ("src", "poster"), "audio": ("src",), "iframe": ("src",),
    "embed": ("src",), "track": ("src",), "object": ("data",), "input": ("src",),
}
SRCSET_TAGS = frozenset({"img", "source"})
ASSET_TAGS = frozenset({"img", "script", "source", "video", "audio", "embed", "track", "object",
                        "input", "iframe"})
LINK_REL_SKIP = frozenset({"preconnect", "dns-prefetch"})

KINDS = ("placeholder", "empty", "malformed", "broken-link", "missing-asset", "broken-anchor",
         "root-prefix", "external")


@dataclass
class Problem:
    kind: str
    message: str
    url: str
    path: str | None = None          # the file to fix: a source file, or the output page
    line: int | None = None
    column: int | None = None
    page: str = ""                   # output path where it was seen ('2024/01/02/x/index.html')
    hint: str | None = None
    severity: str = "warning"
    pages: int = 1                   # how many pages show it (theme links)

    def to_error(self) -> EngineError:
        msg = f"{self.message}: {self.url!r}" if self.url or self.kind == "empty" else self.message
        if not self.path and self.page:
            msg += (f" (theme or generated markup, on {self.pages} pages)" if self.pages > 1
                    else " (theme or generated markup)")
        elif self.pages > 1:
            msg += f" (on {self.pages} pages)"
        return SourceError(msg, path=self.path or self.page or None, line=self.line,
                           column=self.column, hint=self.hint)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    external_checked: int = 0
    external_skipped: int = 0

    def by_kind(self) -> dict[str, int]:
        return dict(Counter(p.kind for p in self.problems))

    def to_dict(self) -> dict[str, Any]:
        return {"problems": [p.to_dict() for p in self.problems],
                "summary": {"pages": self.pages, "links": self.links,
                            "problems": len(self.problems), "by_kind": self.by_kind(),
                            "external_checked": self.external_checked,
                            "external_skipped": self.external_skipped}}


# ---- HTML ------------------------------------------------------------------------------------

@dataclass
class Link:
    tag: str
    attr: str
    url: str                 # attribute value, entities decoded
    line: int                # line in the HTML
    rel: str = ""


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    base: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if a.get("id"):
            self.out.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.out.ids.add(a["name"])
        if tag == "base" and "href" in a and self.out.base is None:
            self.out.base = a["href"]
            return
        line = self.getpos()[0]
        for attr in URL_ATTRS.get(tag, ()):
            if attr in a:
                if tag == "link" and set(a.get("rel", "").lower().split()) & LINK_REL_SKIP:
                    continue
                self.out.links.append(Link(tag, attr, a[attr], line, a.get("rel", "").lower()))
        if tag in SRCSET_TAGS and a.get("srcset"):
            for candidate in a["srcset"].split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self.out.links.append(Link(tag, "srcset", url, line))

    handle_startendtag = handle_starttag


def parse_page(text: str) -> PageLinks:
    p = _Collector()
    try:
        p.feed(text)
        p.close()
    except Exception:   # html.parser is lenient; never let one odd page stop the check
        pass
    return p.out


# ---- URL classification -------------------------------------------------------------------

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-_~%!$&'()*+,;=:\[\]]+$")


def classify_url(url: str) -> tuple[str, str, str | None] | None:
    """A problem with the URL text alone: (kind, message, hint), or None when well-formed."""
    raw = url
    s = url.strip()
    if s == "":
        return ("empty", "empty link", "fill in the URL or remove the link")
    if s.lower() in PLACEHOLDERS or re.fullmatch(r"javascript:\s*void\s*\(\s*0\s*\)\s*;?", s, re.I):
        return ("placeholder", "placeholder link", "fill in the real URL or remove the link")
    if s[0] in "([<\"'" or "](" in s or (s.endswith(")") and s.count("(") < s.count(")")):
        inner = s.strip("()[]<>\"' ")
        hint = f"remove the extra brackets: {inner}" if inner else None
        return ("malformed", "malformed URL (stray bracket or quote)", hint)
    if "\\" in s:
        return ("malformed", "malformed URL (backslash)", "use forward slashes '/'")
    if raw != s and raw.strip(" ") != raw:
        return ("malformed", "malformed URL (leading or trailing space)", "remove the spaces")
    m = _SCHEME_RE.match(s)
    if m:
        scheme = m.group(1).lower()
        rest = s[m.end():]
        if scheme in ("http", "https"):
            if not rest.startswith("//"):
                return ("malformed", f"malformed URL ('{scheme}:' must be followed by '//')",
                        f"write {scheme}://{rest.lstrip('/')}")
            if re.match(r"//(?:https?:|https?//|www\.https?)", rest, re.I):
                return ("malformed", "malformed URL (scheme written twice)", None)
            if re.search(r"\s", s):
                return ("malformed", "malformed URL (contains whitespace)",
                        "encode spaces as %20")
            try:
                parts = urlsplit(s)
                host = parts.hostname
                parts.port  # noqa: B018 - raises ValueError on a bad port
            except ValueError as exc:
                return ("malformed", f"malformed URL ({exc})", None)
            if not host:
                return ("malformed", "malformed URL (no host name)", None)
            netloc_host = parts.netloc.rsplit("@", 1)[-1]
            if not _HOST_RE.match(netloc_host) or ".." in host or host.startswith(".") \
                    or host.endswith("-"):
                return ("malformed", f"malformed URL (invalid host '{host}')", None)
            return None
        if scheme == "mailto":
            addr = unquote(rest.split("?", 1)[0])
            if not addr and "?" not in rest:
                return ("malformed", "mailto: link without an address", None)
            if addr and any("@" not in a for a in addr.split(",") if a.strip()):
                return ("malformed", "malformed e-mail address in mailto: link", None)
            return None
        if scheme == "tel":
            if not re.fullmatch(r"[+0-9()./\-\s%a-zA-Z;=]*\d[+0-9()./\-\s%a-zA-Z;=]*", rest):
                return ("malformed", "malformed tel: link", None)
            return None
        if len(scheme) == 1 and rest.startswith(("\\", "/")):
            return ("malformed", "a local file path, not a URL", "link to a file under source/")
        if scheme not in KNOWN_SCHEMES:
            if re.fullmatch(r"h?t?t?p?s?", scheme) or scheme in ("htp", "htps", "htttp", "htttps",
                                                                  "hhtp", "hhtps", "http2"):
                return ("malformed", f"malformed URL (misspelt scheme '{scheme}:')",
                        "write http:// or https://")
            if rest.startswith("//"):
                return ("malformed", f"malformed URL (unknown scheme '{scheme}:')", None)
        return None
    if s.startswith("//"):
        return None
    if re.match(r"(?:https?|ftp)//", s, re.I):
        return ("malformed", "malformed URL (missing ':' after the scheme)", None)
    if re.match(r"www\.[^/]+\.[a-z]{2,}", s, re.I):
        return ("malformed", "link without a scheme (treated as a relative path)",
                f"write https://{s}")
    return None


# ---- source location ---------------------------------------------------------------------------

_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_FENCE_RE = re.compile(r"^(?P<f>`{3,}|~{3,})[^\n]*\n.*?^(?P=f)[ \t]*$", re.S | re.M)


class SourceLocator:
    """Find the n-th occurrence of a URL in one document's source text."""

    def __init__(self, raw: str, shown: str, offset_line: int = 0, root: str = "/",
                 site_url: str = ""):
        self.raw = raw
        self.root = root
        self.site_url = site_url.rstrip("/")
        self.shown = shown
        self.offset_line = offset_line
        skip = [m.span() for m in _COMMENT_RE.finditer(raw)]
        skip += [m.span() for m in _FENCE_RE.finditer(raw)]
        self._skip = sorted(skip)
        self._found: dict[str, list[int]] = {}
        self._used: Counter[str] = Counter()

    def _skipped(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self._skip)

    def _positions(self, url: str) -> list[int]:
        if url in self._found:
            return self._found[url]
        cands = {url, _html.escape(url, quote=True), _html.escape(url, quote=False)}
        try:
            cands.add(unquote(url))
        except Exception:
            pass
        if url.startswith("mailto:"):
            cands.add(url[len("mailto:"):])
        # renderers and tags add `root` (or the whole site URL) to what the author wrote
        for c in list(cands):
            if self.site_url and c.startswith(self.site_url + "/"):
                c = c[len(self.site_url):]
                cands.add(c)
            if self.root != "/" and c.startswith(self.root):
                cands.add("/" + c[len(self.root):])
                cands.add(c[len(self.root):])
        cands = {c for c in cands if c}
        positions: set[int] = set()
        if not url.strip():
            for m in re.finditer(r"\]\(\s*\)|(?:href|src)\s*=\s*(?:\"\"|'')", self.raw):
                if not self._skipped(m.start()):
                    positions.add(m.start())
        for c in cands:
            e = re.escape(c)
            patterns = [
                r"\]\(\s*<?" + e + r">?(?=[\s)\"'])",                   # [text](url) / (<url>)
                r"^\s{0,3}\[[^\]]+\]:\s*<?" + e + r">?(?=\s|$)",        # [ref]: url
                r"(?:href|src|srcset|poster|data)\s*=\s*[\"']?" + e + r"(?=[\"'\s>])",
                r"\{%-?\s*\w+[^%]*?(?<=\s)" + e + r"(?=[\s%])",        # {% link text url %}
            ]
            for pat in patterns:
                for m in re.finditer(pat, self.raw, re.M):
                    start = self.raw.find(c, m.start())
                    if start >= 0 and not self._skipped(start):
                        positions.add(start)
        if not positions:
            for c in cands:
                if len(c) < 4:
                    continue   # a bare '#' or 'x' would match anywhere
                start = self.raw.find(c)
                while start >= 0:
                    if not self._skipped(start):
                        positions.add(start)
                    start = self.raw.find(c, start + 1)
        found = sorted(positions)
        self._found[url] = found
        return found

    def locate(self, url: str) -> tuple[int | None, int | None]:
        """(line, column) of the next unused occurrence of `url`."""
        positions = self._positions(url)
        if not positions:
            return None, None
        n = self._used[url]
        self._used[url] += 1
        pos = positions[min(n, len(positions) - 1)]
        line = self.raw.count("\n", 0, pos) + 1 + self.offset_line
        col = pos - (self.raw.rfind("\n", 0, pos) + 1) + 1
        return line, col


# ---- the checker -----------------------------------------------------------------------------

def _output_text(value: bytes | Path) -> str | None:
    try:
        data = value.read_bytes() if isinstance(value, Path) else value
    except OSError:
        return None
    return data.decode("utf-8", "replace")


def _is_html(path: str) -> bool:
    return path.endswith((".html", ".htm"))


class _Site:
    """What resolution needs from the build: output paths, root, the site's own host."""

    def __init__(self, raw: Mapping[str, Any], outputs: Iterable[str]):
        self.outputs = set(outputs)
        root = str(raw.get("root") or "/")
        self.root = ("/" + root.strip("/") + "/").replace("//", "/")
        url = str(raw.get("url") or "")
        try:
            parts = urlsplit(url)
            self.host = (parts.hostname or "").lower()
            self.url_path = parts.path.rstrip("/") + "/" if parts.path else "/"
        except ValueError:
            self.host, self.url_path = "", "/"
        self.trailing_html = ((raw.get("pretty_urls") or {}).get("trailing_html", True)
                              is not False)

    def target(self, rel: str) -> str | None:
        """The output a root-relative path names, trying what static servers try."""
        rel = rel.lstrip("/")
        cands = [rel + "index.html"] if (rel == "" or rel.endswith("/")) else \
            [rel, rel + "/index.html", rel + ".html"]
        for c in cands:
            if c in self.outputs:
                return c
        return None


def _url_kind(tag: str, attr: str, rel: str) -> str:
    if tag in ASSET_TAGS or attr in ("srcset", "poster"):
        return "asset"
    if tag == "link" and ("stylesheet" in rel.split() or "icon" in rel or "manifest" in rel
                          or "preload" in rel):
        return "asset"
    return "link"


def resolve(url: str, page: str, site: _Site, base: str | None = None) -> dict[str, Any]:
    """Classify a link of `page` (an output path): external, internal (with target), other."""
    page_url = site.root + page
    if base:
        page_url = urljoin(page_url, base)
    m = _SCHEME_RE.match(url)
    scheme = m.group(1).lower() if m else ""
    if scheme and scheme not in ("http", "https"):
        return {"type": "other", "scheme": scheme}
    if scheme or url.startswith("//"):
        parts = urlsplit(url if scheme else "https:" + url)
        host = (parts.hostname or "").lower()
        if not site.host or host != site.host or not (parts.path or "/").startswith(
                site.url_path.rstrip("/") or "/"):
            return {"type": "external"}
        path, frag = parts.path or "/", parts.fragment
        # a full URL of the site itself: `url`'s path stands for `root`
        if site.url_path != "/" and path.startswith(site.url_path):
            path = site.root + path[len(site.url_path):]
    else:
        joined = urljoin(page_url, url)
        parts = urlsplit(joined)
        path, frag = parts.path, parts.fragment
    path = unquote(path)
    out: dict[str, Any] = {"type": "internal", "path": path, "fragment": unquote(frag),
                           "same_page": url.startswith("#")}
    if not path.startswith(site.root) and path + "/" != site.root:
        out["outside_root"] = True
        out["target"] = None
        out["target_without_root"] = site.target(path)
        return out
    rel = path[len(site.root):] if path.startswith(site.root) else ""
    out["target"] = page if url.startswith("#") else site.target(rel)
    out["rel"] = rel
    return out


def check_links(result: Any, raw_config: Mapping[str, Any], *, site_dir: Path | None = None,
                external: bool = False, external_options: Mapping[str, Any] | None = None,
                cache_dir: Path | None = None, source_display: str = "source") -> CheckReport:
    """Check every HTML output of `result` (a BuildResult). Pure: reads no files except the
    outputs given as Paths (verbatim copies of HTML files) and, with `external`, the network."""
    outputs: Mapping[str, bytes | Path] = result.outputs
    site = _Site(raw_config, outputs)
    report = CheckReport()

    # documents by output path, for mapping links back to their source
    docs: dict[str, Any] = {}
    if getattr(result, "routes", None):
        for route in result.routes:
            data = route.data
            if getattr(data, "raw", None) is not None and getattr(data, "content", None) is not None:
                path = route.path if not route.path.endswith("/") else route.path + "index.html"
                docs[path] = data

    pages: dict[str, PageLinks] = {}
    for path, value in outputs.items():
        if not _is_html(path):
            continue
        text = _output_text(value)
        if text is not None:
            pages[path] = parse_page(text)
    report.pages = len(pages)

    seen: dict[tuple, Problem] = {}            # theme problems, once per (kind, url, resolved)
    doc_reported: set[tuple[str, str]] = set()   # (url, kind) already reported from a document
    external_urls: dict[str, list[Problem]] = defaultdict(list)
    ext_first: dict[str, tuple[str, str | None, int | None, int | None]] = {}
    problems: list[Problem] = []

    def add(kind: str, message: str, url: str, page: str, *, doc_loc=None, hint=None) -> None:
        if doc_loc is not None:
            shown, line, col = doc_loc
            p = Problem(kind, message, url, shown, line, col, page, hint)
            problems.append(p)
            doc_reported.add((url, kind))
            return
        if (url, kind) in doc_reported:
            return     # the same content shown again (an index page showing a post)
        key = (kind, url, message)
        if key in seen:
            seen[key].pages += 1
            return
        p = Problem(kind, message, url, None, None, None, page, hint)
        seen[key] = p
        problems.append(p)

    # Split each page's links into the document's own (its rendered content) and the theme's;
    # check all documents' links first, so a problem is attributed to its source before theme
    # and index pages repeat it.
    tasks: list[tuple[int, str, Link, Any]] = []
    for page in sorted(pages, key=lambda p: (p.count("/"), p)):   # index.html first
        info = pages[page]
        doc = docs.get(page)
        doc_urls: Counter[str] = Counter()
        locator = None
        if doc is not None:
            doc_urls = Counter(lk.url for lk in parse_page(str(doc.content)).links)
            shown = f"{source_display}/{doc.source}" if getattr(doc, "source", None) else page
            locator = SourceLocator(doc.raw or "", shown, root=site.root,
                                    site_url=str(raw_config.get("url") or ""))
        for link in info.links:
            from_doc = doc_urls[link.url] > 0
            if from_doc:
                doc_urls[link.url] -= 1
            tasks.append((0 if from_doc else 1, page, link, locator if from_doc else None))
    report.links = len(tasks)
    for _rank, page, link, locator in sorted(tasks, key=lambda t: t[0]):
        def loc(link=link, locator=locator) -> tuple[str, int | None, int | None] | None:
            if locator is None:
                return None
            line, col = locator.locate(link.url)
            return (locator.shown, line, col)

        _check_one(link, page, pages[page], pages, site, locator is not None, loc, add,
                   external_urls, ext_first)

    if external and external_urls:
        from engine.check.external import check_external
        opts = dict(external_options or {})
        results = check_external(list(external_urls), cache_dir=cache_dir, **opts)
        for url, (ok, message) in results.items():
            if ok is None:
                report.external_skipped += 1
                continue
            report.external_checked += 1
            if ok:
                continue
            shown, line, col = ext_first[url][1:] if ext_first[url][1] else (None, None, None)
            page = ext_first[url][0]
            p = Problem("external", message, url, shown, line, col, page,
                        "update or remove the link")
            p.pages = len(external_urls[url]) or 1
            problems.append(p)
    problems.sort(key=lambda p: (p.path is None, p.path or p.page, p.line or 0, p.column or 0))
    report.problems = problems
    return report


def _check_one(link: Link, page: str, info: PageLinks, pages: dict[str, PageLinks], site: _Site,
               from_doc: bool, loc, add, external_urls, ext_first) -> None:
    url = link.url
    bad = classify_url(url)
    if bad is not None:
        kind, message, hint = bad
        if kind == "placeholder" and not from_doc:
            return     # theme menu toggles and the like
        if kind == "empty" and link.tag == "link":
            return
        add(kind, message, url, page, doc_loc=loc(), hint=hint)
        return
    res = resolve(url.strip(), page, site, info.base)
    if res["type"] == "other":
        return
    if res["type"] == "external":
        key = url.strip()
        if key not in ext_first:
            where = loc()
            ext_first[key] = (page, *(where if where else (None, None, None)))
        external_urls[key].append(page)
        return
    kind = _url_kind(link.tag, link.attr, link.rel)
    if res.get("outside_root"):
        if res.get("target_without_root"):
            add("root-prefix", "link is missing the site root " + site.root, url, page,
                doc_loc=loc(), hint=f"write {site.root.rstrip('/')}{res['path']} or use "
                                    "url_for / {% post_path %}")
        else:
            add("broken-link" if kind == "link" else "missing-asset",
                f"link outside the site root {site.root}" if kind == "link"
                else f"asset outside the site root {site.root}", url, page, doc_loc=loc())
        return
    target = res.get("target")
    if target is None:
        if kind == "asset":
            add("missing-asset", "missing asset (no such file in the build)", url, page,
                doc_loc=loc(), hint="put the file under source/ (or the theme's source/)")
        else:
            add("broken-link", "broken internal link (no such page in the build)", url, page,
                doc_loc=loc(), hint=_suggest(res.get("rel", ""), site))
        return
    frag = res.get("fragment") or ""
    if frag and _is_html(target) and frag != "top" and not frag.startswith(":~:"):
        ids = pages.get(target).ids if target in pages else None
        if ids is not None and frag not in ids:
            hint = _anchor_hint(frag, ids)
            add("broken-anchor", f"broken anchor (no id '{frag}' on {target})", url, page,
                doc_loc=loc(), hint=hint)


def _suggest(rel: str, site: _Site) -> str | None:
    """A near output path, for the hint of a broken link."""
    import difflib
    rel = rel.strip("/")
    if not rel:
        return None
    names = [o[: -len("index.html")].rstrip("/") if o.endswith("index.html") else o
             for o in site.outputs if _is_html(o)]
    close = difflib.get_close_matches(rel, names, n=1, cutoff=0.75)
    return f"did you mean {site.root}{close[0]}{'/' if close[0] else ''}?" if close else None


def _anchor_hint(frag: str, ids: set[str]) -> str:
    """Name the id that was meant: heading ids are `slugize(heading text)` (engine.text, the
    function the Markdown renderer uses), so `#Getting Started` or `#getting-started` for the
    heading "Getting Started" point at `#Getting-Started`."""
    import difflib

    from engine.text import slugize
    wanted = {frag.casefold(), slugize(frag).casefold(), slugize(frag, transform=1).casefold()}
    exact = sorted(i for i in ids if i.casefold() in wanted)
    if not exact:
        exact = difflib.get_close_matches(frag, sorted(ids), n=1, cutoff=0.8)
    if exact:
        return f"the heading id is '#{exact[0]}'"
    return "anchors are heading ids: the heading text slugized (spaces → '-')"
