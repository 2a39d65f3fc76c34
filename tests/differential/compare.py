"""Differential comparison of pyhexo against real Hexo 8.1.2 (the oracle in shared/hexo-oracle).

    .venv/bin/python tests/differential/compare.py [SITE ...] [--report tests/differential/REPORT.md]
                                                   [--show N] [--keep DIR]

For each corpus site: copy it to a temp dir, put the probe theme (tests/differential/probe_theme) in
`themes/probe`, build with `engine.core.Engine(site, config_files=['_config.yml', <extra>])` where
the extra config sets `theme: probe`, extract the probe JSON from every HTML output, and compare
with `hexo-oracle/<site>/` field by field:

- the route set (routes.txt), the kind of every output (probe page / raw text / binary);
- every field of the probe JSON (`layout_used`, `page.*`, `helpers.*`, `is.*`, `i18n.*`, `site.*`,
  `site_helpers.*`, `final_content`, `final_head`, `config`, `theme_config`);
- `raw/` text files, `binary.json` hashes.

Normalisations (deliberately few; everything else is compared exactly):
- a string that contains markup compares as a normalised DOM when the raw strings differ:
  html.parser tokens, entities decoded (so entity-encoded `mailto:` hrefs, which Hexo randomises,
  compare equal — SPEC §12), attributes sorted, whitespace collapsed outside `<pre>`, whitespace
  next to block-level tags dropped, void end tags ignored;
- `<meta name="generator" content="…">` content is replaced by GENERATOR in final_head/final_content,
  and so is a feed's `<generator>` element;
- documents without `date:` (file birthtime = "build time", SPEC §12) are "volatile": on each side
  their own dates are replaced by `<NOW…>` placeholders in every string and route (day-level
  tokens always, month/year tokens only when the two runs fall in different months/years);
- raw files: entity-encoded mailto addresses decoded; sitemap entries sorted (their order follows
  Hexo's unordered in-place sorting of site.posts and has no meaning);
- mtimes of the copied sources are set to what the oracle saw (its `updated` values), because
  `updated` defaults to the file mtime and the shared copy does not keep the original mtimes.

Allow-list: tests/differential/allowlist.yml (`oracle_overrides` picks another oracle run for some
routes; `deviations` are documented, deliberate differences). Everything else is reported.
"""
from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SHARED = Path(os.environ.get('PYHEXO_SHARED', '/work/shared'))
CORPORA = SHARED / 'corpora'
ORACLE = SHARED / 'hexo-oracle'
PROBE_THEME = HERE / 'probe_theme'
ALLOWLIST = HERE / 'allowlist.yml'
SITES = ['feature-site', 'tz-site', 'hexo-theme-unit-test', 'seed004-post', 'seed004-page', 'seed004-both']

TEXT_EXT = {'.html', '.htm', '.xml', '.txt', '.css', '.js', '.json', '.md', '.yml', '.yaml', '.svg', '.styl',
            '.map', '.ejs', '.csv', '.tex', '.bib'}
PROBE_RE = re.compile(r'<script type="application/json" id="hexo-probe" data-b64="1">([A-Za-z0-9+/=]*)</script>')
EXTRA_CONFIG = '_config.difftest.yml'


# ============================================================================ extraction

@dataclass
class SiteOutput:
    """What one build produced, in the oracle's shape."""
    routes: set[str] = field(default_factory=set)
    pages: dict[str, dict] = field(default_factory=dict)      # route -> probe JSON (+ final_*)
    raw: dict[str, str] = field(default_factory=dict)         # route -> text
    binary: dict[str, str] = field(default_factory=dict)      # route -> sha256
    errors: list[str] = field(default_factory=list)           # build errors (pyhexo side)
    warnings: list[str] = field(default_factory=list)

    def kind(self, route: str) -> str:
        if route in self.pages:
            return 'probe'
        if route in self.raw:
            return 'raw'
        if route in self.binary:
            return 'binary'
        return 'missing'


def extract_outputs(outputs: dict[str, bytes]) -> SiteOutput:
    """Same classification as spec/oracle/extract_oracle.py, from an in-memory route -> bytes map."""
    out = SiteOutput()
    for route in sorted(outputs):
        data = outputs[route]
        if isinstance(data, Path):          # verbatim copy of a source file
            data = data.read_bytes()
        elif isinstance(data, str):
            data = data.encode('utf-8')
        route = route.lstrip('/')
        out.routes.add(route)
        ext = os.path.splitext(route)[1].lower()
        text = None
        if ext in TEXT_EXT or ext == '':
            try:
                text = data.decode('utf-8')
            except UnicodeDecodeError:
                text = None
        m = PROBE_RE.search(text) if text is not None else None
        if m:
            obj = json.loads(base64.b64decode(m.group(1)).decode('utf-8'))
            i = text.find('<main id="probe-content">')
            j = text.rfind('</main>')
            obj['final_content'] = text[i + len('<main id="probe-content">'):j] if i >= 0 and j >= 0 else None
            hi, hj = text.find('<head>'), text.find('</head>')
            obj['final_head'] = text[hi + 6:hj] if hi >= 0 and hj >= 0 else None
            out.pages[route] = obj
        elif text is not None and len(data) <= 2_000_000:
            out.raw[route] = text
        else:
            out.binary[route] = hashlib.sha256(data).hexdigest()
    return out


def load_oracle(name: str) -> SiteOutput:
    base = ORACLE / name
    out = SiteOutput()
    out.routes = {r for r in (base / 'routes.txt').read_text(encoding='utf-8').splitlines() if r}
    summary = json.loads((base / 'summary.json').read_text(encoding='utf-8'))
    binary = json.loads((base / 'binary.json').read_text(encoding='utf-8'))
    for route, info in summary.items():
        if info['type'] == 'probe':
            out.pages[route] = json.loads((base / 'pages' / (route + '.json')).read_text(encoding='utf-8'))
        elif info['type'] == 'raw':
            out.raw[route] = (base / 'raw' / route).read_bytes().decode('utf-8')
        else:
            out.binary[route] = binary.get(route, {}).get('sha256', '')
    return out


# ============================================================================ building with pyhexo

def _front_matter_has(text: str, key: str) -> bool:
    """Does the file's front-matter (YAML `---`, JSON `;;;`, with or without the opening line) set `key`?"""
    lines = text.splitlines()
    if not lines:
        return False
    start = 1 if lines[0].strip() in ('---', ';;;') else 0
    end = None
    for i in range(start, min(len(lines), 400)):
        if lines[i].strip() in ('---', ';;;'):
            end = i
            break
    if end is None:
        return False
    pat = re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*:')
    return any(pat.match(line) for line in lines[start:end])


def dateless_sources(site_dir: Path) -> set[str]:
    """Sources (relative to source/, posix) of posts/pages without `date:` (volatile dates)."""
    src = site_dir / 'source'
    out = set()
    for p in src.rglob('*'):
        if not p.is_file() or p.suffix.lower() not in ('.md', '.markdown', '.html', '.htm'):
            continue
        rel = p.relative_to(src).as_posix()
        if not rel.startswith('_posts/') and any(part.startswith(('_', '.')) for part in rel.split('/')):
            continue
        try:
            text = p.read_text(encoding='utf-8')
        except UnicodeDecodeError:
            continue
        if not _front_matter_has(text, 'date'):
            out.add(rel)
    return out


def _parse_iso(s: str | None) -> float | None:
    if not s or not isinstance(s, str):
        return None
    try:
        return datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()
    except ValueError:
        return None


def restore_mtimes(site_dir: Path, oracle: SiteOutput) -> None:
    """Give the copied sources the mtimes the oracle saw (Hexo's `updated` defaults to the mtime)."""
    src = site_dir / 'source'
    per_source: dict[str, float] = {}
    for obj in oracle.pages.values():
        pg = obj.get('page', {})
        if pg.get('kind') in ('post', 'page') and pg.get('source'):
            ts = _parse_iso(pg.get('updated'))
            if ts is not None:
                per_source[pg['source']] = ts
    if not per_source:
        return
    common = Counter(per_source.values()).most_common(1)[0][0]
    # Files without `date:` get Hexo's birthtime, i.e. "now" on a fresh copy. Linux exposes no
    # birthtime, so pyhexo uses the mtime: give those files a fresh mtime, as a checkout would.
    # Their `updated` then differs from the oracle's (allow-listed with this reason).
    dateless = dateless_sources(site_dir)
    now = time.time()
    for p in src.rglob('*'):
        if p.is_file():
            rel = p.relative_to(src).as_posix()
            ts = now if rel in dateless else per_source.get(rel, common)
            os.utime(p, (ts, ts))


def prepare_site(name: str, work: Path, oracle: SiteOutput | None = None) -> Path:
    """Copy corpus `name` to work/<name>, install the probe theme, write the extra config file."""
    site = work / name
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(CORPORA / name, site, ignore=shutil.ignore_patterns('node_modules', 'public', 'db.json',
                                                                           '.git', 'themes'))
    (site / 'themes').mkdir(exist_ok=True)
    shutil.copytree(PROBE_THEME, site / 'themes' / 'probe', ignore=shutil.ignore_patterns('__pycache__'))
    orig_theme = _original_theme(site / '_config.yml')
    for ext in ('yml', 'yaml', 'json'):       # carry `_config.<theme>.yml` over to the probe theme name
        f = site / f'_config.{orig_theme}.{ext}'
        if orig_theme and f.exists():
            shutil.copy2(f, site / f'_config.probe.{ext}')
    (site / EXTRA_CONFIG).write_text('theme: probe\n', encoding='utf-8')
    if oracle is not None:
        restore_mtimes(site, oracle)
    return site


def _original_theme(cfg: Path) -> str:
    if not cfg.exists():
        return ''
    import yaml
    try:
        data = yaml.safe_load(cfg.read_text(encoding='utf-8').replace('\t', '  ')) or {}
    except yaml.YAMLError:
        return ''
    return '' if data.get('theme') is None else str(data.get('theme'))


def set_machine_tz(tz: str = 'UTC') -> None:
    """The oracle ran with TZ=UTC; zone-less dates and `timezone: ''` depend on the machine zone."""
    os.environ['TZ'] = tz
    if hasattr(time, 'tzset'):
        time.tzset()


def build_pyhexo(site_dir: Path) -> SiteOutput:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from engine.core import Engine  # imported late: the build pipeline may not exist yet
    old_tz = os.environ.get('TZ')
    set_machine_tz('UTC')
    try:
        engine = Engine(site_dir, config_files=['_config.yml', EXTRA_CONFIG])
        result = engine.build()
    finally:
        if old_tz is None:
            os.environ.pop('TZ', None)
            if hasattr(time, 'tzset'):
                time.tzset()
        else:
            set_machine_tz(old_tz)
    out = extract_outputs(dict(result.outputs))
    out.errors = [_fmt_err(e) for e in getattr(result, 'errors', []) or []]
    out.warnings = [_fmt_err(e) for e in getattr(result, 'warnings', []) or []]
    return out


def _fmt_err(e: Any) -> str:
    try:
        from engine.errors import format_error
        return format_error(e)
    except Exception:  # noqa: BLE001
        return str(e)


# ============================================================================ normalisation

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source',
        'track', 'wbr'}
BLOCK = {'address', 'article', 'aside', 'blockquote', 'body', 'br', 'dd', 'details', 'div', 'dl', 'dt',
         'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'header', 'hr',
         'html', 'li', 'link', 'main', 'meta', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'td',
         'tfoot', 'th', 'thead', 'title', 'tr', 'ul', 'script', 'style', 'iframe', 'summary', 'caption',
         'noscript', 'video', 'audio', 'source', 'time'}
GENERATOR_META = re.compile(r'(<meta\s+name="generator"\s+content=")[^"]*(")', re.I)


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str, str]] = []   # (type, tag, text)
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        attrs = sorted((k, '' if v is None else v) for k, v in attrs)
        a = ''.join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs)
        self.tokens.append(('start', tag, f'<{tag}{a}>'))
        if tag in ('pre', 'textarea', 'script', 'style'):
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.tokens.append(('end', tag, f'</{tag}>'))
        if tag in ('pre', 'textarea', 'script', 'style') and self.pre:
            self.pre -= 1

    def handle_data(self, data):
        if self.pre:
            self.tokens.append(('pre', '', html.escape(data, quote=False)))
        else:
            self.tokens.append(('text', '', html.escape(re.sub(r'\s+', ' ', data), quote=False)))

    def handle_comment(self, data):
        self.tokens.append(('comment', '', f'<!--{data}-->'))

    def handle_decl(self, decl):
        self.tokens.append(('decl', '', f'<!{decl}>'))

    def unknown_decl(self, data):
        self.tokens.append(('decl', '', f'<![{data}]>'))

    def handle_pi(self, data):
        self.tokens.append(('decl', '', f'<?{data}>'))


def normalize_html(s: str, generator: bool = False) -> str:
    """Canonical form of an HTML fragment (see module doc); `generator`: blank the generator meta."""
    if generator:
        s = GENERATOR_META.sub(r'\1GENERATOR\2', s)
    t = _Tokenizer()
    try:
        t.feed(s)
        t.close()
    except Exception:  # noqa: BLE001 - malformed markup: compare collapsed text
        return re.sub(r'\s+', ' ', s).strip()
    toks = t.tokens
    # merge adjacent text tokens
    merged: list[tuple[str, str, str]] = []
    for tok in toks:
        if merged and tok[0] == 'text' and merged[-1][0] == 'text':
            merged[-1] = ('text', '', re.sub(r' +', ' ', merged[-1][2] + tok[2]))
        else:
            merged.append(tok)
    out = []
    for i, (kind, tag, text) in enumerate(merged):
        if kind == 'text':
            prev = merged[i - 1] if i > 0 else None
            nxt = merged[i + 1] if i + 1 < len(merged) else None
            if prev is None or (prev[0] in ('start', 'end') and prev[1] in BLOCK) or prev[0] in ('comment', 'decl'):
                text = text.lstrip()
            if nxt is None or (nxt[0] in ('start', 'end') and nxt[1] in BLOCK) or nxt[0] in ('comment', 'decl'):
                text = text.rstrip()
            if not text:
                continue
        out.append(text)
    return ''.join(out)


def looks_like_html(s: Any) -> bool:
    return isinstance(s, str) and '<' in s and '>' in s


MAILTO_RE = re.compile(r'mailto:((?:&amp;#x?[0-9a-fA-F]+;|&#x?[0-9a-fA-F]+;|[^"\'\s<>&\]])+)')


def decode_mailto(s: str) -> str:
    return MAILTO_RE.sub(lambda m: 'mailto:' + html.unescape(html.unescape(m.group(1))), s)


def normalize_raw(route: str, text: str) -> str:
    text = decode_mailto(text.replace('\r\n', '\n'))
    text = GENERATOR_META.sub(r'\1GENERATOR\2', text)
    # The feed's <generator> names the engine (pyhexo), like the generator meta tag.
    text = re.sub(r'<generator\b[^>]*>[^<]*</generator>', '<generator>GENERATOR</generator>', text)
    base = route.rsplit('/', 1)[-1]
    if base == 'atom.xml':
        # <summary> is the first N characters of the escaped content, so a randomly entity-encoded
        # mailto moves its cut point: compare summaries only up to the first mailto.
        text = re.sub(r'(<summary[^>]*>)(.*?)(</summary>)',
                      lambda m: m.group(1) + (m.group(2).split('mailto:')[0] + 'mailto:…' if 'mailto:' in m.group(2)
                                              else m.group(2)) + m.group(3), text, flags=re.S)
    if base == 'sitemap.txt':
        lines = [ln for ln in text.split('\n') if ln.strip()]
        text = '\n'.join(sorted(lines)) + '\n'
    elif base == 'sitemap.xml':
        urls = re.findall(r'<url>.*?</url>', text, re.S)
        if urls:
            first = text.find('<url>')
            last = text.rfind('</url>') + len('</url>')
            body = '\n'.join(sorted(re.sub(r'\s+', ' ', u) for u in urls))
            text = text[:first] + body + text[last:]
    if base == 'sitemap.xml':
        # Home, tag and category entries (changefreq daily/weekly): Hexo stamps the build day, pyhexo the
        # newest document's day so that rebuilds are reproducible (docs/compat.md).
        text = re.sub(r'<lastmod>[^<]*</lastmod>(\s*<changefreq>(?:daily|weekly)</changefreq>)',
                      r'<lastmod>LASTMOD</lastmod>\1', text)
    if route.endswith('.xml'):
        text = canonical_xml(text)
    return text


def canonical_xml(text: str) -> str:
    """Feeds and sitemaps compare as parsed XML: one element per line, whitespace-only text
    dropped, attributes sorted (C14N), CDATA folded into text. Not XML: compared as text."""
    import xml.etree.ElementTree as ET
    try:
        root = ET.fromstring(text.encode('utf-8'))
    except ET.ParseError:
        return text
    lines: list[str] = []

    def walk(el, depth: int) -> None:
        attrs = ' '.join(f'{k}="{v}"' for k, v in sorted(el.attrib.items()))
        body = (el.text or '').strip()
        lines.append('  ' * depth + f'<{el.tag}{" " + attrs if attrs else ""}>' + body)
        for child in el:
            walk(child, depth + 1)

    walk(root, 0)
    return '\n'.join(lines) + '\n'



# ---------------------------------------------------------------------------- volatile dates

MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
          'November', 'December']


@dataclass
class Volatile:
    """Substitutions for one side (expected or actual)."""
    subs: list[tuple[re.Pattern, str]] = field(default_factory=list)

    def apply(self, s: str) -> str:
        for pat, rep in self.subs:
            s = pat.sub(rep, s)
        return s

    def apply_obj(self, v: Any) -> Any:
        if not self.subs:
            return v
        if isinstance(v, str):
            return self.apply(v)
        if isinstance(v, list):
            return [self.apply_obj(x) for x in v]
        if isinstance(v, dict):
            return {k: self.apply_obj(x) for k, x in v.items()}
        return v


def volatile_datetimes(out: SiteOutput, sources: set[str]) -> list[datetime]:
    found = {}
    for obj in out.pages.values():
        pg = obj.get('page', {})
        if pg.get('kind') in ('post', 'page') and pg.get('source') in sources and pg.get('date'):
            found[pg['source']] = pg['date']
        for sp in (obj.get('site') or {}).get('posts') or []:
            if isinstance(sp, dict) and sp.get('source') in sources and sp.get('date'):
                found.setdefault(sp['source'], sp['date'])
    dts = []
    for s in found.values():
        ts = _parse_iso(s)
        if ts is not None:
            dts.append(datetime.fromtimestamp(ts, timezone.utc))
    return dts


def make_volatile(dts: list[datetime], other: list[datetime], near: float | None) -> Volatile:
    """Placeholders for the dates in `dts` (this side), only for dates near `near` (the run time)."""
    v = Volatile()
    if near is not None:
        dts = [d for d in dts if abs(d.timestamp() - near) < 3 * 86400]
    days = sorted({d.date() for d in dts})
    other_months = {(d.year, d.month) for d in other}
    other_years = {d.year for d in other}
    for d in sorted(dts):
        v.subs.append((re.compile(re.escape(d.strftime('%H:%M:%S'))), '<NOW:time>'))
    for day in days:
        y, m, dd = day.year, day.month, day.day
        iso_day = f'{y:04d}-{m:02d}-{dd:02d}'
        v.subs.insert(0, (re.compile(re.escape(iso_day) + r'[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?'),
                          '<NOW:datetime>'))
        v.subs.append((re.compile(re.escape(iso_day)), '<NOW:date>'))
        v.subs.append((re.compile(re.escape(f'{y:04d}/{m:02d}/{dd:02d}')), '<NOW:y>/<NOW:m>/<NOW:d>'))
        if (y, m) not in other_months:
            v.subs.append((re.compile(r'(archives/)' + f'{y:04d}/{m:02d}'), r'\1<NOW:y>/<NOW:m>'))
            v.subs.append((re.compile(re.escape(f'{MONTHS[m - 1]} {y:04d}')), '<NOW:month> <NOW:y>'))
        if y not in other_years:
            v.subs.append((re.compile(r'(archives/)' + f'{y:04d}'), r'\1<NOW:y>'))
    return v


# ============================================================================ comparison

@dataclass
class Diff:
    site: str
    route: str
    path: str            # field path, dotted ('page.tags.0.name'), or '<route>' / 'raw'
    expected: Any
    actual: Any
    note: str = ''
    allowed_by: str | None = None
    group: str = 'routes'  # routes | files | post | page | index | archive | tag | category | other

    def short(self, width: int = 160) -> str:
        e, a = _window(self.expected, self.actual, width)
        s = f'[{self.site}] {self.route} :: {self.path}'
        if self.note:
            s += f' ({self.note})'
        return s + f'\n    expected: {e}\n    actual:   {a}'


def _repr(v: Any) -> str:
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)


def _window(e: Any, a: Any, width: int) -> tuple[str, str]:
    es, as_ = _repr(e), _repr(a)
    if len(es) <= width and len(as_) <= width:
        return es, as_
    i = 0
    while i < min(len(es), len(as_)) and es[i] == as_[i]:
        i += 1
    lo = max(0, i - width // 3)
    def cut(s: str) -> str:
        part = s[lo:lo + width]
        return ('…' if lo > 0 else '') + part + ('…' if lo + width < len(s) else '')
    return cut(es), cut(as_)


MISSING = object()


def compare_values(exp: Any, act: Any, path: str, emit) -> None:
    if isinstance(exp, dict) and isinstance(act, dict):
        if set(exp) == {'__error'} and set(act) == {'__error'}:
            if exp['__error'] != act['__error']:
                emit(path + '.__error', exp['__error'], act['__error'], 'both error')
            return
        for k in sorted(set(exp) | set(act), key=str):
            e, a = exp.get(k, MISSING), act.get(k, MISSING)
            sub = f'{path}.{k}' if path else str(k)
            if e is MISSING:
                emit(sub, '<absent>', a, 'unexpected key')
            elif a is MISSING:
                emit(sub, e, '<absent>', 'missing key')
            else:
                compare_values(e, a, sub, emit)
        return
    if isinstance(exp, list) and isinstance(act, list):
        if all(not isinstance(x, (dict, list)) for x in exp + act):
            if len(exp) != len(act) or any(not _scalar_equal(x, y) for x, y in zip(exp, act)):
                emit(path, exp, act, _list_note(exp, act))
            return
        for i in range(max(len(exp), len(act))):
            sub = f'{path}.{i}'
            if i >= len(exp):
                emit(sub, '<absent>', act[i], 'extra item')
            elif i >= len(act):
                emit(sub, exp[i], '<absent>', 'missing item')
            else:
                compare_values(exp[i], act[i], sub, emit)
        return
    if _scalar_equal(exp, act):
        return
    if looks_like_html(exp) and looks_like_html(act):
        gen = path in ('final_head', 'final_content')
        ne, na = normalize_html(exp, gen), normalize_html(act, gen)
        if ne == na:
            return
        emit(path, ne, na, 'normalised DOM')
        return
    emit(path, exp, act, '')


def _list_note(exp: list, act: list) -> str:
    ke, ka = Counter(map(_repr, exp)), Counter(map(_repr, act))
    if ke == ka:
        return 'same items, different order'
    missing = list((ke - ka).elements())
    extra = list((ka - ke).elements())
    note = f'length {len(exp)} vs {len(act)}'
    if missing:
        note += '; missing ' + ', '.join(missing[:6]) + (' …' if len(missing) > 6 else '')
    if extra:
        note += '; extra ' + ', '.join(extra[:6]) + (' …' if len(extra) > 6 else '')
    return note


def _scalar_equal(e: Any, a: Any) -> bool:
    if isinstance(e, bool) or isinstance(a, bool):
        return type(e) is type(a) and e == a
    if isinstance(e, (int, float)) and isinstance(a, (int, float)):
        return float(e) == float(a)
    return e == a


def compare_site(site: str, expected: SiteOutput, actual: SiteOutput, *, oracle_for_route=None,
                 vol_exp: Volatile | None = None, vol_act: Volatile | None = None) -> list[Diff]:
    """All differences between an oracle run and a pyhexo build (before the allow-list)."""
    vol_exp = vol_exp or Volatile()
    vol_act = vol_act or Volatile()
    diffs: list[Diff] = []
    exp_routes = {vol_exp.apply(r): r for r in expected.routes}
    act_routes = {vol_act.apply(r): r for r in actual.routes}
    for r in sorted(set(exp_routes) - set(act_routes)):
        diffs.append(Diff(site, r, '<route>', expected.kind(exp_routes[r]), '<absent>', 'route missing'))
    for r in sorted(set(act_routes) - set(exp_routes)):
        diffs.append(Diff(site, r, '<route>', '<absent>', actual.kind(act_routes[r]), 'unexpected route'))
    for r in sorted(set(exp_routes) & set(act_routes)):
        er, ar = exp_routes[r], act_routes[r]
        src = expected
        if oracle_for_route is not None:
            src = oracle_for_route(er) or expected
        ek, ak = src.kind(er), actual.kind(ar)
        if ek != ak:
            diffs.append(Diff(site, r, '<kind>', ek, ak, 'output kind differs'))
            continue

        group = 'files' if ek in ('raw', 'binary') else (src.pages.get(er, {}).get('page') or {}).get('kind', 'other')

        def emit(path, e, a, note='', _r=r, _g=group):
            diffs.append(Diff(site, _r, path, e, a, note, group=_g))

        if ek == 'probe':
            e_obj = vol_exp.apply_obj(src.pages[er])
            a_obj = vol_act.apply_obj(actual.pages[ar])
            e_kind = (e_obj.get('page') or {}).get('kind')
            a_kind = (a_obj.get('page') or {}).get('kind')
            if e_kind != a_kind:
                # a different page behind the route (e.g. the index instead of a page): one difference,
                # not one per field
                emit('page.kind', f"{e_kind} (layout {e_obj.get('layout_used')})",
                     f"{a_kind} (layout {a_obj.get('layout_used')})", 'a different page is rendered at this route')
                continue
            compare_values(e_obj, a_obj, '', emit)
        elif ek == 'raw':
            et = vol_exp.apply(normalize_raw(r, src.raw[er]))
            at = vol_act.apply(normalize_raw(r, actual.raw[ar]))
            if et != at:
                el, al = et.split('\n'), at.split('\n')
                n = sum(1 for x, y in zip(el, al) if x != y) + abs(len(el) - len(al))
                i = next((k for k, (x, y) in enumerate(zip(el, al)) if x != y), min(len(el), len(al)))
                emit('raw', '\n'.join(el[i:i + 3]), '\n'.join(al[i:i + 3]), f'{n} line(s) differ, first at line {i + 1}')
        elif ek == 'binary':
            if src.binary[er] != actual.binary[ar]:
                emit('binary.sha256', src.binary[er], actual.binary[ar])
    return diffs


# ============================================================================ allow-list

@dataclass
class Allowlist:
    overrides: list[dict] = field(default_factory=list)
    deviations: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path = ALLOWLIST) -> 'Allowlist':
        import yaml
        data = yaml.safe_load(path.read_text(encoding='utf-8')) if path.exists() else {}
        data = data or {}
        return cls(list(data.get('oracle_overrides') or []), list(data.get('deviations') or []))

    def oracle_override(self, site: str, route: str) -> str | None:
        for o in self.overrides:
            if fnmatch.fnmatchcase(site, o.get('site', '*')) and any(
                    fnmatch.fnmatchcase(route, g) for g in _as_list(o.get('routes', o.get('route', '*')))):
                return o['oracle']
        return None

    def match(self, d: Diff) -> str | None:
        for dev in self.deviations:
            if not fnmatch.fnmatchcase(d.site, str(dev.get('site', '*'))):
                continue
            if not any(fnmatch.fnmatchcase(d.route, g) for g in _as_list(dev.get('route', '*'))):
                continue
            if not any(fnmatch.fnmatchcase(d.path, g) for g in _as_list(dev.get('field', '*'))):
                continue
            if 'kind' in dev and d.group not in _as_list(dev['kind']):
                continue
            if 'actual' in dev and not re.search(dev['actual'], _repr(d.actual)):
                continue
            if 'expected' in dev and not re.search(dev['expected'], _repr(d.expected)):
                continue
            if dev.get('strip_spans'):
                # equal once every <span …>/</span> is removed (highlight token markup only differs)
                if _without_spans(d.expected) != _without_spans(d.actual):
                    continue
                return dev.get('reason', 'allow-listed')
            if dev.get('allow_extra'):
                # pyhexo may add names (its own helpers/tags) but must keep every one Hexo has
                ign = set(dev.get('ignore_items', []))
                if not (isinstance(d.actual, list) and isinstance(d.expected, list)
                        and {x for x in d.expected if x not in ign} <= set(d.actual)):
                    continue
                return dev.get('reason', 'allow-listed')
            if 'ignore_items' in dev:
                # lists that are equal once these items are removed from both
                ign = dev['ignore_items']
                if not (isinstance(d.actual, list) and isinstance(d.expected, list)
                        and [x for x in d.actual if x not in ign] == [x for x in d.expected if x not in ign]):
                    continue
            return dev.get('reason', 'allow-listed')
        return None


_SPAN = re.compile(r'(?:<|&lt;|\\u003c)/?span\b[^>&]*?(?:>|&gt;|\\u003e)')


def _without_spans(v: Any) -> str:
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return _SPAN.sub('', html.unescape(text) if '&lt;span' in text else text)


def _as_list(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, list) else [str(v)]


# ============================================================================ driver

@dataclass
class SiteResult:
    site: str
    diffs: list[Diff]
    errors: list[str]
    warnings: list[str]
    build_error: str | None = None

    @property
    def failures(self) -> list[Diff]:
        return [d for d in self.diffs if d.allowed_by is None]

    @property
    def allowed(self) -> list[Diff]:
        return [d for d in self.diffs if d.allowed_by is not None]


def run_site(site: str, work: Path | None = None, allow: Allowlist | None = None) -> SiteResult:
    allow = allow or Allowlist.load()
    expected = load_oracle(site)
    cleanup = work is None
    work = Path(tempfile.mkdtemp(prefix='pyhexo-diff-')) if work is None else work
    try:
        site_dir = prepare_site(site, work, expected)
        started = time.time()
        try:
            actual = build_pyhexo(site_dir)
        except Exception as e:  # noqa: BLE001 - a crashed build is a result too
            import traceback
            tb = traceback.format_exc(limit=-3)
            return SiteResult(site, [Diff(site, '*', '<build>', 'a build', f'{type(e).__name__}: {e}', tb)],
                              [], [], build_error=f'{type(e).__name__}: {e}')
        dateless = dateless_sources(site_dir)
    finally:
        if cleanup:
            shutil.rmtree(work, ignore_errors=True)
    return compare_built(site, expected, actual, dateless, allow, started)


def compare_built(site: str, expected: SiteOutput, actual: SiteOutput, dateless: set[str],
                  allow: Allowlist, build_time: float | None = None) -> SiteResult:
    alt_cache: dict[str, SiteOutput] = {}

    def oracle_for_route(route: str) -> SiteOutput | None:
        name = allow.oracle_override(site, route)
        if not name:
            return None
        if name not in alt_cache:
            alt_cache[name] = load_oracle(name)
        return alt_cache[name]

    exp_dts = volatile_datetimes(expected, dateless)
    act_dts = volatile_datetimes(actual, dateless)
    # The oracle's run time is not recorded: its volatile dates are all within seconds of it.
    exp_near = max((d.timestamp() for d in exp_dts), default=None)
    vol_exp = make_volatile(exp_dts, act_dts, exp_near)
    vol_act = make_volatile(act_dts, exp_dts, build_time if build_time is not None else time.time())
    for alt in {allow.oracle_override(site, r) for r in expected.routes} - {None}:
        # the override run has its own "now"
        alt_out = oracle_for_route(next(r for r in expected.routes if allow.oracle_override(site, r) == alt))
        alt_dts = volatile_datetimes(alt_out, dateless)
        vol_exp.subs += make_volatile(alt_dts, act_dts, max((d.timestamp() for d in alt_dts), default=None)).subs
    diffs = compare_site(site, expected, actual, oracle_for_route=oracle_for_route, vol_exp=vol_exp, vol_act=vol_act)
    for d in diffs:
        d.allowed_by = allow.match(d)
    return SiteResult(site, diffs, actual.errors, actual.warnings)


# ---------------------------------------------------------------------------- causes / report

CAUSES = [
    # (cause, module, predicate on Diff)
    ('build crashed', 'core/build', lambda d: d.path == '<build>'),
    ('date of a document without `date:` (file time)', 'dates / scan (birthtime)',
     lambda d: re.search(r'(<|&lt;)NOW', _repr(d.expected) + d.route) is not None
     and re.search(r'(<|&lt;)NOW', _repr(d.actual)) is None),
    ('feed (atom.xml)', 'generators/feed', lambda d: d.route.endswith('atom.xml')),
    ('sitemap', 'generators/sitemap', lambda d: 'sitemap' in d.route),
    ('route set / output kind', 'generators, permalink, scan', lambda d: d.path in ('<route>', '<kind>')),
    ('raw / binary asset file', 'generators/asset, scan', lambda d: d.path in ('raw', 'binary.sha256')),
    ('layout choice', 'theme (layout fallback)', lambda d: d.path == 'layout_used'),
    ('generator meta / head filters', 'filters (meta_generator, feed autodiscovery)', lambda d: d.path == 'final_head'),
    ('external_link filter', 'filters (external_link)', lambda d: d.path == 'final_content' and _content_cause(d) == 'external_link'),
    ('code highlighting', 'highlight', lambda d: d.path.split('.')[-1] in ('content', 'excerpt', 'more', 'final_content') and _content_cause(d) == 'highlight'),
    ('tag plugins', 'tags', lambda d: d.path.split('.')[-1] in ('content', 'excerpt', 'more', 'final_content') and _content_cause(d) == 'tags'),
    ('markdown rendering', 'markdown / post_render', lambda d: d.path.split('.')[-1] in ('content', 'excerpt', 'more', 'final_content')),
    ('dates', 'dates', lambda d: re.search(r'(^|\.)(date|date_local|updated|updated_local)$', d.path) is not None
        or d.path in ('helpers.date', 'helpers.time', 'helpers.full_date', 'helpers.date_xml', 'helpers.time_tag', 'site_helpers.date_fixed')),
    ('paths / permalinks / urls', 'permalink, urls', lambda d: re.search(r'(^|\.)(path|permalink|canonical_path|slug|url|route_path)$', d.path) is not None
        and not d.path.startswith(('site.', 'helpers.', 'site_helpers.'))),
    ('tags / categories model', 'site_model', lambda d: re.search(r'(^|\.)(tags|categories)(\.|$)', d.path) is not None and not d.path.startswith(('site_helpers', 'helpers'))),
    ('prev / next', 'site_model (post order)', lambda d: d.path.startswith(('page.prev', 'page.next'))),
    ('pagination data', 'generators', lambda d: d.path.startswith('page.') and d.path.split('.')[1] in (
        'posts', 'base', 'total', 'current', 'current_url', 'prev_link', 'next_link', '__index', 'archive', 'year', 'month', 'day', 'tag', 'category', 'kind')),
    ('site.posts / site.pages', 'site_model', lambda d: d.path.startswith(('site.posts', 'site.pages'))),
    ('site.data', 'site_model (_data)', lambda d: d.path.startswith('site.data')),
    ('is_* helpers', 'helpers (is)', lambda d: d.path.startswith('is.')),
    ('i18n', 'theme i18n / helpers', lambda d: d.path.startswith('i18n.')),
    ('helper output', 'helpers', lambda d: d.path.startswith(('helpers.', 'site_helpers.'))),
    ('config / theme_config', 'config', lambda d: d.path.startswith(('config', 'theme_config'))),
    ('front-matter fields', 'frontmatter / site_model', lambda d: d.path.startswith('page.')),
    ('other', '?', lambda d: True),
]


def _content_cause(d: Diff) -> str:
    e, a = str(d.expected), str(d.actual)
    i = 0
    while i < min(len(e), len(a)) and e[i] == a[i]:
        i += 1
    near = e[max(0, i - 200):i + 200] + a[max(0, i - 200):i + 200]
    if any(k in near for k in ('class="highlight', 'class="gutter', 'class="line', 'hljs', '<pre', 'language-')):
        return 'highlight'
    if any(k in near for k in ('<blockquote', 'pullquote', '<iframe', 'post_link', 'asset', '{%', 'youtube', 'vimeo')):
        return 'tags'
    if d.path == 'final_content' and ('target="_blank"' in near or 'noopener' in near):
        return 'external_link'
    return 'markdown'


def classify(d: Diff) -> tuple[str, str]:
    for cause, module, pred in CAUSES:
        try:
            if pred(d):
                helper = ''
                if cause == 'helper output':
                    helper = ': ' + d.path.split('.')[1]
                return cause + helper, module
        except Exception:  # noqa: BLE001
            continue
    return 'other', '?'


def format_report(results: list[SiteResult], show: int = 1, title: str = 'Differential mismatch report') -> str:
    lines = [f'# {title}', '',
             'pyhexo vs real Hexo 8.1.2 (shared/hexo-oracle), generated by `tests/differential/compare.py '
             '--report`. Each difference is one field of one route; allow-listed deviations are counted '
             'separately (tests/differential/allowlist.yml).', '']
    notes = HERE / 'TRIAGE.md'
    if notes.exists():
        lines.append(notes.read_text(encoding='utf-8').rstrip())
        lines.append('')
    lines.append('## Counts')
    lines.append('')
    lines.append('| site | routes (oracle) | differences | allow-listed | build errors |')
    lines.append('|---|---|---|---|---|')
    for r in results:
        n_routes = len(load_oracle(r.site).routes) if (ORACLE / r.site).exists() else 0
        lines.append(f'| {r.site} | {n_routes} | {len(r.failures)} | {len(r.allowed)} | '
                     f'{"CRASH " + r.build_error if r.build_error else len(r.errors)} |')
    lines.append('')
    groups: dict[tuple[str, str], list[Diff]] = defaultdict(list)
    for r in results:
        for d in r.failures:
            groups[classify(d)].append(d)
    lines.append('## Remaining differences by cause')
    lines.append('')
    lines.append('| cause | likely module | count | sites |')
    lines.append('|---|---|---|---|')
    for (cause, module), ds in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        sites = ', '.join(sorted({d.site for d in ds}))
        lines.append(f'| {cause} | {module} | {len(ds)} | {sites} |')
    lines.append('')
    for (cause, module), ds in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        lines.append(f'### {cause} ({len(ds)}) — {module}')
        lines.append('')
        by_path = Counter(_generic_path(d.path) for d in ds)
        lines.append('fields: ' + ', '.join(f'`{p}` ×{n}' for p, n in by_path.most_common(8)))
        lines.append('')
        seen_paths = set()
        shown = 0
        for d in ds:
            gp = _generic_path(d.path)
            if gp in seen_paths:
                continue
            seen_paths.add(gp)
            lines.append('```')
            lines.append(d.short(220))
            lines.append('```')
            shown += 1
            if shown >= show:
                break
        lines.append('')
    errs = [(r.site, e) for r in results for e in r.errors]
    if errs:
        lines.append('## Build errors reported by pyhexo')
        lines.append('')
        for site, e in errs[:40]:
            lines.append(f'- [{site}] ' + e.splitlines()[0][:300])
        lines.append('')
    allowed = Counter((d.allowed_by or '')[:100] for r in results for d in r.allowed)
    if allowed:
        lines.append('## Allow-listed (deliberate deviations)')
        lines.append('')
        for reason, n in allowed.most_common():
            lines.append(f'- {n} × {reason}')
        lines.append('')
    return '\n'.join(lines)


def _generic_path(p: str) -> str:
    return re.sub(r'\.\d+(?=\.|$)', '.N', p)


def format_failures(result: SiteResult, limit: int = 60) -> str:
    fails = result.failures
    out = [f'{len(fails)} non-allow-listed difference(s) for {result.site}:']
    for d in fails[:limit]:
        out.append(d.short())
    if len(fails) > limit:
        out.append(f'... and {len(fails) - limit} more (see tests/differential/REPORT.md)')
    return '\n'.join(out)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('sites', nargs='*', default=SITES)
    ap.add_argument('--report', help='write the markdown mismatch report here')
    ap.add_argument('--show', type=int, default=1, help='examples per cause in the report')
    ap.add_argument('--list', action='store_true', help='print every non-allow-listed difference')
    ap.add_argument('--keep', help='build in this directory and keep it')
    args = ap.parse_args(list(argv) if argv is not None else None)
    allow = Allowlist.load()
    results = []
    for site in args.sites:
        work = Path(args.keep) if args.keep else None
        if work:
            work.mkdir(parents=True, exist_ok=True)
        r = run_site(site, work, allow)
        results.append(r)
        print(f'{site}: {len(r.failures)} difference(s), {len(r.allowed)} allow-listed'
              + (f', BUILD CRASHED: {r.build_error}' if r.build_error else ''), file=sys.stderr)
        if args.list:
            print(format_failures(r, limit=10**6))
    report = format_report(results, show=args.show)
    if args.report:
        Path(args.report).write_text(report + '\n', encoding='utf-8')
    elif not args.list:
        print(report)
    return 0 if all(not r.failures for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
