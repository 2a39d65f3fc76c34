"""Differential test: pyhexo + the Jinja2 probe theme vs real Hexo 8.1.2 + the EJS probe theme.

`test_site[<site>-<group>]` builds each corpus once (cached per session) and fails with the diff
report when a difference that is not in allowlist.yml remains in that group of routes. The other
tests check the comparator itself (on the oracle against itself, on mutations, on the normaliser)
and the probe helper, without needing the build pipeline.

Full report: `.venv/bin/python tests/differential/compare.py --report tests/differential/REPORT.md`.
"""
from __future__ import annotations

import base64
import copy
import importlib.util
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare as C  # noqa: E402

pytestmark = pytest.mark.skipif(not C.ORACLE.exists(), reason='shared/hexo-oracle not available')

GROUPS = ['routes', 'files', 'post', 'page', 'index', 'archive', 'tag', 'category']
_results: dict[str, C.SiteResult] = {}


def _site_result(site: str) -> C.SiteResult:
    if site not in _results:
        pytest.importorskip('engine.core')
        _results[site] = C.run_site(site)
    return _results[site]


def _group_of(d: C.Diff) -> str:
    if d.path == '<build>':
        return 'routes'
    return d.group if d.group in GROUPS else 'routes'


# ----------------------------------------------------------------------------- the differential

@pytest.mark.slow
@pytest.mark.parametrize('group', GROUPS)
@pytest.mark.parametrize('site', C.SITES)
def test_site(site: str, group: str) -> None:
    result = _site_result(site)
    if result.build_error:
        pytest.fail(f'pyhexo build of {site} crashed: {result.build_error}\n{result.diffs[0].note}')
    fails = [d for d in result.failures if _group_of(d) == group]
    if fails:
        sub = C.SiteResult(site, fails, result.errors, result.warnings)
        pytest.fail(C.format_failures(sub), pytrace=False)


# ----------------------------------------------------------------------------- comparator self-tests

def _compare(site: str, expected: C.SiteOutput, actual: C.SiteOutput, allow: C.Allowlist | None = None):
    allow = allow or C.Allowlist()
    dateless = C.dateless_sources(C.CORPORA / site)
    dts = C.volatile_datetimes(actual, dateless)
    near = max((d.timestamp() for d in dts), default=None)
    return C.compare_built(site, expected, actual, dateless, allow, near)


@pytest.mark.parametrize('site', C.SITES)
def test_oracle_equals_itself(site: str) -> None:
    r = _compare(site, C.load_oracle(site), C.load_oracle(site))
    assert r.diffs == []


def _deviations_only() -> C.Allowlist:
    # the oracle is compared with itself here, so no oracle override
    return C.Allowlist(deviations=C.Allowlist.load().deviations)


def test_mutated_title_is_found() -> None:
    expected = C.load_oracle('feature-site')
    actual = copy.deepcopy(expected)
    route = '2024/01/02/yaml-basic/index.html'
    actual.pages[route]['page']['title'] = 'YAML Basic (corrupted)'
    r = _compare('feature-site', expected, actual, _deviations_only())
    assert [(d.route, d.path, d.expected, d.actual) for d in r.failures] == [
        (route, 'page.title', 'YAML Basic', 'YAML Basic (corrupted)')]
    assert 'page.title' in C.format_failures(r)


def test_mutations_of_every_kind_are_found() -> None:
    expected = C.load_oracle('feature-site')
    actual = copy.deepcopy(expected)
    actual.routes.discard('tags/beta/index.html')
    del actual.pages['tags/beta/index.html']
    actual.routes.add('extra/index.html')
    actual.raw['extra/index.html'] = 'x'
    actual.raw['atom.xml'] = actual.raw['atom.xml'].replace('Feature Site', 'Featured Site', 1)
    post = actual.pages['2024/01/19/markdown-bits/index.html']
    post['page']['content'] = post['page']['content'].replace('<del>strike</del>', '<s>strike</s>')
    actual.pages['2024/01/02/yaml-basic/index.html']['page']['tags'].pop()
    actual.pages['index.html']['site_helpers']['list_tags'] += ' '
    actual.pages['archives/index.html']['page']['posts'].reverse()
    r = _compare('feature-site', expected, actual, _deviations_only())
    found = {(d.route, d.path) for d in r.failures}
    assert ('tags/beta/index.html', '<route>') in found
    assert ('extra/index.html', '<route>') in found
    assert ('atom.xml', 'raw') in found
    assert ('2024/01/19/markdown-bits/index.html', 'page.content') in found
    assert ('2024/01/02/yaml-basic/index.html', 'page.tags.2') in found
    assert ('archives/index.html', 'page.posts') in found
    # trailing whitespace after the last tag is not a DOM difference
    assert ('index.html', 'site_helpers.list_tags') not in found


def test_report_groups_by_cause() -> None:
    expected = C.load_oracle('tz-site')
    actual = copy.deepcopy(expected)
    actual.pages['2024/01/02/t/index.html']['page']['date'] = '2024-01-02T04:04:05.000Z'
    actual.pages['2024/01/02/t/index.html']['helpers']['toc'] = '<ol class="toc"></ol>'
    r = _compare('tz-site', expected, actual)
    report = C.format_report([r])
    assert '| dates | dates | 1 |' in report
    assert 'helper output: toc' in report


def test_allowlist_entries_apply() -> None:
    allow = C.Allowlist.load()
    d = C.Diff('feature-site', 'index.html', 'site_helpers.meta_generator',
               '<meta name="generator" content="Hexo 8.1.2">', '<meta name="generator" content="pyhexo 0.1.0">')
    assert allow.match(d)
    d2 = C.Diff('feature-site', 'index.html', 'site_helpers.meta_generator',
                '<meta name="generator" content="Hexo 8.1.2">', '')
    assert allow.match(d2) is None          # a broken meta_generator is not excused
    assert allow.oracle_override('feature-site', 'page/3/index.html') == 'feature-site+pin-top'
    assert allow.oracle_override('feature-site', 'archives/index.html') is None
    for dev in allow.deviations:
        assert dev.get('reason'), dev


def test_pin_top_vs_default_differs_only_on_home_pages() -> None:
    """Two real Hexo runs (different "now", different mailto encodings) compare equal except the index."""
    r = _compare('feature-site', C.load_oracle('feature-site'), C.load_oracle('feature-site+pin-top'))
    routes = {d.route for d in r.diffs}
    assert routes and all(x == 'index.html' or x.startswith('page/') for x in routes), routes


# ----------------------------------------------------------------------------- normaliser

def test_normalize_html_mailto_entities() -> None:
    a = '<a href="mailto:&#97;&#x40;&#98;&#x2e;&#x63;&#x6f;&#x6d;">a@b.com</a>'
    b = '<a href="mailto:&#x61;&#64;&#x62;&#x2e;&#x63;&#x6f;&#109;">a@b.com</a>'
    assert C.normalize_html(a) == C.normalize_html(b) == '<a href="mailto:a@b.com">a@b.com</a>'


def test_normalize_html_attributes_whitespace_void() -> None:
    assert C.normalize_html('<p class="x" id="y">a  b\n c</p>\n\n<br/>') == C.normalize_html(
        '<p id="y" class="x">a b c</p><br>')
    assert C.normalize_html('<input disabled type="checkbox">') == C.normalize_html(
        '<input type="checkbox" disabled="">')
    # inline whitespace is significant, text differences are found
    assert C.normalize_html('<em>a</em> <em>b</em>') != C.normalize_html('<em>a</em><em>b</em>')
    assert C.normalize_html('<p>a</p>') != C.normalize_html('<p>b</p>')


def test_normalize_html_keeps_pre_whitespace() -> None:
    assert C.normalize_html('<pre>a\n  b</pre>') != C.normalize_html('<pre>a b</pre>')
    assert C.normalize_html('<pre><code>x &#123;</code></pre>') == C.normalize_html('<pre><code>x {</code></pre>')


def test_normalize_generator_meta() -> None:
    assert C.normalize_html('<meta name="generator" content="Hexo 8.1.2">', True) == C.normalize_html(
        '<meta name="generator" content="pyhexo 0.1">', True)
    assert C.normalize_html('<meta name="generator" content="Hexo 8.1.2">') != C.normalize_html(
        '<meta name="generator" content="pyhexo 0.1">')


def test_normalize_raw_mailto_and_sitemap() -> None:
    a = 'x <a href="mailto:&amp;#97;&amp;#x40;b">'
    b = 'x <a href="mailto:&amp;#x61;&amp;#64;b">'
    assert C.normalize_raw('atom.xml', a) == C.normalize_raw('atom.xml', b)
    assert C.normalize_raw('sitemap.txt', 'b\na\n') == C.normalize_raw('sitemap.txt', 'a\nb\n')


def test_front_matter_date_detection() -> None:
    assert C.dateless_sources(C.CORPORA / 'feature-site') >= {'_posts/no-frontmatter.md', 'about/index.md',
                                                             'page-nofm.md', 'raw.html', 'plain.html'}
    assert '_posts/json-fm.md' not in C.dateless_sources(C.CORPORA / 'feature-site')
    assert '_posts/no-leading-dashes.md' not in C.dateless_sources(C.CORPORA / 'feature-site')


# ----------------------------------------------------------------------------- the probe helper

def _load_probe():
    spec = importlib.util.spec_from_file_location('pyhexo_probe_test', HERE / 'probe_theme' / 'scripts' / 'probe.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class _Cfg:
    def __init__(self, raw):
        self.raw = raw
        self.tz = None


class _Engine:
    def __init__(self, raw):
        from engine.extend import Extend
        self.extend = Extend()
        self.config = _Cfg(raw)


def test_probe_post_has_the_oracle_structure() -> None:
    from engine.model import Category, Document, Query, Tag
    from engine.render_context import RenderContext
    probe = _load_probe()
    oracle = C.load_oracle('feature-site').pages['2024/01/02/yaml-basic/index.html']
    raw = {'url': 'http://example.com/blog', 'root': '/blog/', 'title': 'Feature Site'}
    eng = _Engine(raw)
    probe.register(eng.extend)
    eng.extend.helpers.register('url_for', lambda ctx, p=None, **kw: '/blog/' + (p or ''))
    parent = Category('Parent', 'Parent', 'categories/Parent/', 'http://example.com/blog/categories/Parent/')
    child = Category('Child', 'Parent/Child', 'categories/Parent/Child/', 'x', parent=parent)
    doc = Document(kind='post', source='_posts/yaml-basic.md', full_source=Path('/x'), raw='', body='',
                   body_line=1, front_matter={'title': 'YAML Basic', 'custom_field': 'hello'},
                   title='YAML Basic', date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
                   path='2024/01/02/yaml-basic/', content='<p>x</p>')
    doc.tags = Query([Tag('Alpha', 'Alpha', 'tags/Alpha/', 'p')])
    doc.categories = Query([parent, child])
    ctx = RenderContext(engine=eng, page=doc, path='2024/01/02/yaml-basic/index.html',
                        url='http://example.com/blog/2024/01/02/yaml-basic/index.html', theme={'k': 1})
    html = str(probe.probe_dump(ctx, 'post'))
    out = C.extract_outputs({'2024/01/02/yaml-basic/index.html': html.encode()})
    got = out.pages['2024/01/02/yaml-basic/index.html']
    assert set(got) == set(oracle)
    assert set(got['page']) == set(oracle['page'])
    assert set(got['helpers']) == set(oracle['helpers'])
    assert set(got['is']) == set(oracle['is']) and set(got['i18n']) == set(oracle['i18n'])
    assert got['page']['date'] == '2024-01-02T03:04:05.000Z'
    assert got['page']['date_local'] == '2024-01-02T03:04:05+00:00'
    assert got['page']['categories'][1]['parent'] == 'Parent'
    assert got['page']['front_matter_extra'] == {'custom_field': 'hello'}
    assert got['helpers']['url_for_path'] == '/blog/2024/01/02/yaml-basic/'
    assert got['helpers']['toc'] == {'__error': "helper 'toc' is not registered"}
    assert got['final_content'] == '<p>x</p>'


def test_probe_index_has_the_oracle_structure() -> None:
    from engine.model import PageData, Site
    from engine.render_context import RenderContext
    probe = _load_probe()
    oracle = C.load_oracle('tz-site').pages['index.html']
    eng = _Engine({'url': 'http://example.com', 'root': '/'})
    probe.register(eng.extend)
    page = PageData(base='', total=1, current=1, current_url='', posts=[], prev=0, prev_link='', next=0,
                    next_link='', __index=True, path='index.html')
    ctx = RenderContext(engine=eng, page=page, path='index.html', url='http://example.com/', site=Site())
    out = C.extract_outputs({'index.html': str(probe.probe_dump(ctx, 'index')).encode()})
    got = out.pages['index.html']
    assert set(got) == set(oracle)
    assert set(got['page']) == set(oracle['page'])
    assert set(got['site']) == set(oracle['site']) and set(got['site_helpers']) == set(oracle['site_helpers'])
    assert got['page']['kind'] == 'index' and got['page']['posts'] == []


def test_allow_extra_still_catches_a_missing_hexo_helper() -> None:
    allow = C.Allowlist.load()
    hexo = ["css", "date", "partial", "url_for"]
    extra = C.Diff("tz-site", "index.html", "site_helpers.helper_names", hexo,
                   ["css", "date", "url_for", "json_ld"])
    missing = C.Diff("tz-site", "index.html", "site_helpers.helper_names", hexo,
                     ["css", "url_for", "json_ld"])
    assert allow.match(extra) is not None        # pyhexo's own additions are fine
    assert allow.match(missing) is None          # dropping Hexo's `date` is reported


def test_strip_spans_rule_still_catches_a_text_difference() -> None:
    allow = C.Allowlist.load()
    route = "2019/07/25/code-highlight/index.html"
    hexo = '<td class="code"><pre><span class="line"><span class="keyword">impl</span> X</span></pre>'
    tokens = C.Diff("hexo-theme-unit-test", route, "page.content", hexo,
                    hexo.replace('class="keyword"', 'class="built_in"'))
    text = C.Diff("hexo-theme-unit-test", route, "page.content", hexo, hexo.replace(" X", " Y"))
    assert allow.match(tokens) is not None     # only the token class differs
    assert allow.match(text) is None           # the code text differs: reported
