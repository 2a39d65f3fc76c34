"""Probe theme plugin: dumps the template locals of every rendered route as JSON.

pyhexo counterpart of the Hexo probe theme (`shared/spec/oracle/probe-theme-hexo/scripts/probe.js`):
the JSON has the same structure so `tests/differential/compare.py` can compare it with what real
Hexo produced. Output of `probe_dump(layout_name)`:

    <script type="application/json" id="hexo-probe" data-b64="1">BASE64(JSON)</script>
    <main id="probe-content">page.content</main>

The base64 keeps after_render:html filters from rewriting the JSON; `<main>` shows what they do.

Conventions that mirror JavaScript:
- a field that is "undefined" in Hexo is left out of an object (JSON.stringify drops it), a `None`
  becomes `null`; `_MISSING` marks "not there".
- a helper that raises (or does not exist) yields `{"__error": message}` like the JS `safe()`.
- Hexo options objects are passed as keyword arguments.
"""
from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from typing import Any

_MISSING = object()

# Keys of a Hexo post/page that the probe reports explicitly (not in front_matter_extra).
KNOWN = {
    'title', 'date', 'updated', 'comments', 'layout', '_content', 'source', 'slug', 'photos', 'raw',
    'published', 'content', 'excerpt', 'more', 'path', 'permalink', 'full_source', 'asset_dir', 'tags',
    'categories', 'prev', 'next', '__post', '__page', '_id', 'posts', 'base', 'total', 'current',
    'current_url', 'prev_link', 'next_link', '__index', 'archive', 'year', 'month', 'day', 'tag',
    'category', 'link', 'lang', 'canonical_path', 'top', 'sticky', 'disableNunjucks',
}

CONFIG_KEYS = ('url', 'root', 'permalink', 'pretty_urls', 'per_page', 'pagination_dir', 'timezone',
               'language', 'title', 'subtitle', 'author', 'description', 'date_format', 'time_format')

GENERATOR_KEYS = ('base', 'total', 'current', 'current_url', 'prev', 'prev_link', 'next', 'next_link',
                  '__index', 'archive', 'year', 'month', 'day', 'tag', 'category')


# ----------------------------------------------------------------------------- small conversions

def _iso(dt: Any) -> str | None:
    if dt is None or dt is _MISSING:
        return None
    if isinstance(dt, datetime):
        try:
            from engine.dates import iso_z
        except ImportError:  # engine.dates not written yet: same format, computed here
            def iso_z(d: datetime) -> str:
                u = d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)
                return u.strftime('%Y-%m-%dT%H:%M:%S.') + f'{u.microsecond // 1000:03d}Z'
        try:
            return iso_z(dt)
        except Exception as e:  # noqa: BLE001 - reported, not raised
            return 'INVALID:' + str(e)
    if isinstance(dt, date):
        return dt.isoformat() + 'T00:00:00.000Z'
    return str(dt)


def _local_zone(engine: Any):
    tz = getattr(engine.config, 'tz', None)
    return tz  # None = machine zone


def _local(dt: Any, engine: Any) -> str | None:
    """moment's default `format()`: 2024-01-02T03:04:05+00:00 in config.timezone (else machine zone)."""
    if dt is None or dt is _MISSING:
        return None
    if not isinstance(dt, datetime):
        return str(dt)
    try:
        tz = _local_zone(engine)
        local = dt.astimezone(tz) if tz is not None else dt.astimezone()
        off = local.utcoffset()
        total = int(off.total_seconds()) if off is not None else 0
        sign = '+' if total >= 0 else '-'
        total = abs(total)
        return local.strftime('%Y-%m-%dT%H:%M:%S') + f'{sign}{total // 3600:02d}:{total % 3600 // 60:02d}'
    except Exception:  # noqa: BLE001
        return None


def _get(obj: Any, name: str) -> Any:
    """A field of a Document / PageData / dict, `_MISSING` when absent (JS undefined)."""
    if obj is None:
        return _MISSING
    if isinstance(obj, dict):
        return obj.get(name, _MISSING)
    try:
        return getattr(obj, name)
    except AttributeError:
        return _MISSING
    except Exception:  # noqa: BLE001
        return _MISSING


def _or_null(v: Any) -> Any:
    return None if v is _MISSING else v


def _to_list(q: Any) -> list | None:
    if q is None or q is _MISSING:
        return None
    if isinstance(q, (list, tuple)):
        return list(q)
    to_array = getattr(q, 'toArray', None)
    if callable(to_array):
        return list(to_array())
    return None


def _jsonable(v: Any, depth: int = 0) -> Any:
    """Mirror of probe.js `jsonable`: dates tagged, queries summarised, functions dropped."""
    if depth > 6:
        return '[deep]'
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if callable(v) and not isinstance(v, (dict, list, tuple)):
        return _MISSING
    if isinstance(v, datetime):
        return {'__date': _iso(v)}
    if isinstance(v, date):
        return {'__date': _iso(v)}
    if isinstance(v, tuple) and hasattr(v, 'toArray'):      # engine.model.Query
        return {'__query': len(v)}
    if isinstance(v, (list, tuple)):
        return [None if (j := _jsonable(x, depth + 1)) is _MISSING else j for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            j = _jsonable(x, depth + 1)
            if j is not _MISSING:
                out[str(k)] = j
        return out
    return str(v)


def _post_ref(p: Any) -> dict | None:
    if not p or p is _MISSING:
        return None
    ref = {}
    for k in ('path', 'title', 'source'):
        v = _get(p, k)
        if v is not _MISSING:
            ref[k] = v
    return ref


def _tag_list(q: Any) -> list | None:
    items = _to_list(q)
    if items is None:
        return None
    return [{'name': t.name, 'slug': t.slug, 'path': t.path, 'permalink': t.permalink, 'length': t.length}
            for t in items]


def _cat_list(q: Any) -> list | None:
    items = _to_list(q)
    if items is None:
        return None
    out = []
    for c in items:
        parent = getattr(c, 'parent', None)
        parent_name = None
        if parent is not None:
            parent_name = getattr(parent, 'name', parent)
        out.append({'name': c.name, 'slug': c.slug, 'path': c.path, 'permalink': c.permalink,
                    'parent': parent_name, 'length': c.length})
    return out


def _safe(fn) -> Any:
    try:
        v = fn()
    except Exception as e:  # noqa: BLE001 - the probe reports, never fails the page
        return {'__error': str(e) or type(e).__name__}
    return None if v is _MISSING else v


def _clean(v: Any) -> Any:
    """Drop `_MISSING` recursively (JSON.stringify drops undefined) and make markup plain str."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items() if x is not _MISSING}
    if isinstance(v, (list, tuple)):
        return [None if x is _MISSING else _clean(x) for x in v]
    if isinstance(v, str):
        return str(v)
    return v


# ----------------------------------------------------------------------------- the helper

def probe_dump(ctx: Any, layout_name: str) -> str:
    engine = ctx.engine
    helpers = engine.extend.helpers
    page = ctx.page if ctx.page is not None else {}
    config = ctx.config or {}

    def h(name: str, *args: Any, **kwargs: Any) -> Any:
        def call():
            fn = helpers.get(name)
            if fn is None:
                raise TypeError(f'helper {name!r} is not registered')
            return fn(ctx, *args, **kwargs)
        return _safe(call)

    out: dict[str, Any] = {
        'probe_version': 1,
        'layout_used': layout_name,
        'route_path': ctx.path,
        'url': ctx.url,
        'config': {k: config[k] for k in CONFIG_KEYS if k in config},
        'theme_config': _jsonable(ctx.theme),
        'page': {},
    }
    p: dict[str, Any] = out['page']

    kind = _get(page, 'kind')
    is_post = not isinstance(page, dict) and kind == 'post'
    is_page = not isinstance(page, dict) and kind == 'page'
    is_post_like = is_post or is_page
    if is_post:
        p['kind'] = 'post'
    elif is_page:
        p['kind'] = 'page'
    elif _get(page, '__index') not in (_MISSING, None, False):
        p['kind'] = 'index'
    elif _get(page, 'archive') not in (_MISSING, None, False):
        p['kind'] = 'archive'
    elif _get(page, 'tag') not in (_MISSING, None):
        p['kind'] = 'tag'
    elif _get(page, 'category') not in (_MISSING, None):
        p['kind'] = 'category'
    else:
        p['kind'] = 'other'

    p['path'] = _get(page, 'path')
    p['layout'] = _or_null(_get(page, 'layout'))
    p['title'] = _or_null(_get(page, 'title'))
    page_date = _or_null(_get(page, 'date'))
    page_updated = _or_null(_get(page, 'updated'))
    p['date'] = _iso(page_date)
    p['date_local'] = _local(page_date, engine)
    p['updated'] = _iso(page_updated)
    p['updated_local'] = _local(page_updated, engine)

    if is_post_like:
        p['source'] = _get(page, 'source')
        p['slug'] = _get(page, 'slug')
        p['permalink'] = _get(page, 'permalink')
        p['canonical_path'] = _or_null(_get(page, 'canonical_path'))
        p['comments'] = _or_null(_get(page, 'comments'))
        p['published'] = _or_null(_get(page, 'published'))
        p['lang'] = _or_null(_get(page, 'lang'))
        # pyhexo's Document keeps '' for "no link" where Hexo leaves `link` undefined (null here);
        # both are falsy in templates, so the probe reports '' as null.
        link = _or_null(_get(page, 'link'))
        p['link'] = link if link != '' else None
        photos = _get(page, 'photos')
        p['photos'] = None if photos is _MISSING else _jsonable(photos)
        p['top'] = _or_null(_get(page, 'top'))
        p['sticky'] = _or_null(_get(page, 'sticky'))
        p['tags'] = _safe(lambda: _tag_list(page.tags))
        p['categories'] = _safe(lambda: _cat_list(page.categories))
        p['excerpt'] = _or_null(_get(page, 'excerpt'))
        p['more'] = _or_null(_get(page, 'more'))
        p['content'] = _or_null(_get(page, 'content'))
        p['prev'] = _post_ref(_get(page, 'prev'))
        p['next'] = _post_ref(_get(page, 'next'))
        extra = {}
        fm = _get(page, 'front_matter')
        for k, v in (fm.items() if isinstance(fm, dict) else ()):
            if k in KNOWN:
                continue
            j = _jsonable(v)
            if j is not _MISSING:
                extra[k] = j
        p['front_matter_extra'] = extra
        content = _get(page, 'content')
        content = content if content not in (_MISSING, None) else ''
        excerpt = _get(page, 'excerpt')
        excerpt = excerpt if excerpt not in (_MISSING, None) else ''
        path = _or_null(_get(page, 'path'))
        stripped = h('strip_html', content)
        out['helpers'] = {
            'toc': h('toc', content),
            'toc_list_number_false': h('toc', content, list_number=False, max_depth=3),
            'date': h('date', page_date),
            'time': h('time', page_date),
            'full_date': h('full_date', page_date),
            'date_xml': h('date_xml', page_date),
            'time_tag': h('time_tag', page_date),
            'url_for_path': h('url_for', path),
            'full_url_for_path': h('full_url_for', path),
            'open_graph': h('open_graph'),
            'strip_html_excerpt': h('strip_html', excerpt),
            'truncate_content': h('truncate', stripped, length=150),
        }
    else:
        for k in GENERATOR_KEYS:
            p[k] = _or_null(_get(page, k))
        posts = _to_list(_or_null(_get(page, 'posts')))
        p['posts'] = [x.path for x in posts] if posts is not None else None
        out['helpers'] = {
            'paginator': h('paginator'),
            'paginator_opts': h('paginator', mid_size=1, end_size=1, prev_text='P', next_text='N'),
            'url_for_path': h('url_for', ctx.path),
        }

    out['is'] = {
        'home': h('is_home'), 'home_first_page': h('is_home_first_page'), 'post': h('is_post'),
        'page': h('is_page'), 'archive': h('is_archive'), 'year': h('is_year'), 'month': h('is_month'),
        'category': h('is_category'), 'tag': h('is_tag'), 'current_root': h('is_current', '/'),
    }
    out['i18n'] = {
        'hello': h('__', 'probe_hello'), 'count2': h('_p', 'probe_count', 2),
        'missing': h('__', 'no.such.key'), 'page_lang': h('page_lang'),
    }

    index_cfg = config.get('index_generator') or {}
    index_path = index_cfg.get('path') if isinstance(index_cfg, dict) else None
    home = (index_path.rstrip('/') + '/index.html') if index_path else 'index.html'
    if ctx.path == 'index.html' or ctx.path == home:
        site = ctx.site
        out['site'] = {
            'posts': _safe(lambda: [{'path': x.path, 'title': x.title, 'date': _iso(x.date), 'source': x.source}
                                    for x in site.posts.sort('-date')]),
            'posts_default_order': _safe(lambda: [x.path for x in site.posts]),
            'pages': _safe(lambda: [{'path': x.path, 'title': x.title, 'source': x.source, 'layout': x.layout}
                                    for x in site.pages]),
            'tags': _safe(lambda: _tag_list(site.tags)),
            'categories': _safe(lambda: _cat_list(site.categories)),
            'data': _jsonable(site.data),
        }
        out['site_helpers'] = {
            'list_categories': h('list_categories'),
            'list_tags': h('list_tags'),
            'list_archives': h('list_archives'),
            'list_archives_yearly': h('list_archives', type='yearly'),
            'list_posts': h('list_posts'),
            'tagcloud': h('tagcloud'),
            'css': h('css', 'css/style'),
            'css_multi': h('css', ['a', 'b.css', 'https://x.org/c.css']),
            'js': h('js', 'js/app'),
            'link_to': h('link_to', 'http://a.com/', 'A', external=True),
            'link_to_internal': h('link_to', '/about/', 'About'),
            'mail_to': h('mail_to', 'a@b.com'),
            'image_tag': h('image_tag', 'img/a.png', alt='x'),
            'favicon_tag': h('favicon_tag', 'favicon.ico'),
            'feed_tag': h('feed_tag', 'atom.xml'),
            'url_for_rel': h('url_for', 'a/b.html'),
            'url_for_abs': h('url_for', '/a/b.html'),
            'url_for_index': h('url_for', '/a/index.html'),
            'url_for_ext': h('url_for', 'https://x.org/'),
            'relative_url': h('relative_url', 'foo/bar/', 'css/style.css'),
            'full_url_for': h('full_url_for', '/a/b/'),
            'number_format': h('number_format', 12345.678),
            'number_format_opts': h('number_format', 12345.678, precision=1, delimiter='.', separator=','),
            'titlecase': h('titlecase', 'a tale of two cities: the return of the king'),
            'escape_html': h('escape_html', '<a href="x">&\'</a>'),
            'strip_html': h('strip_html', '<p>Hello <b>World</b></p>'),
            'truncate': h('truncate', 'Once upon a time in a world far far away', length=17),
            'word_wrap': h('word_wrap', 'Once upon a time', 8),
            'markdown': h('markdown', '**bold** and `code`'),
            'render_md': h('render', '*em*', 'markdown'),
            'meta_generator': h('meta_generator'),
            'date_fixed': h('date', datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc), 'YYYY-MM-DD HH:mm'),
            'relative_date_type': 'function' if 'relative_date' in helpers else 'undefined',
            'gravatar': h('gravatar', 'a@b.com'),
            'search_form': h('search_form'),
            'helper_names': sorted(helpers),
            'tag_names': sorted(engine.extend.tags),
        }

    data = json.dumps(_clean(out), ensure_ascii=False, separators=(',', ':'), default=str)
    b64 = base64.b64encode(data.encode('utf-8')).decode('ascii')
    content = _get(page, 'content')
    # str(): pyhexo marks rendered content as Markup, and `str + Markup` would escape the str.
    content = str(content) if isinstance(content, str) else ''
    html = ('<script type="application/json" id="hexo-probe" data-b64="1">' + b64 + '</script>\n'
            '<main id="probe-content">' + content + '</main>')
    try:
        from markupsafe import Markup
        return Markup(html)
    except ImportError:  # pragma: no cover
        return html


def register(extend: Any) -> None:
    extend.helpers.register('probe_dump', probe_dump)
