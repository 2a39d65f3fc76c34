"""News/updates: `source/_data/news.yml` → a `news(limit=…)` helper and an archive page.

    # source/_data/news.yml
    - date: 2025-05-01          # a date, or '2025-05' / 'May 2025' / 2025 (shown at that precision)
      text: We got three papers accepted to **ICML 2025**!   # Markdown (inline)
    - date: 2024-06
      text: Check out [Together MoA](https://www.together.ai/blog/together-moa)!

Config (all optional; the archive page exists only when `news:` is set and the data file exists):

    news:
      limit: 5                  # items shown by news() when no limit is given
      date_format: MMM YYYY     # moment.js tokens; year-only dates always show 'YYYY'
      archive: true             # write the archive page
      archive_path: news/       # … at this path
      title: News               # its title

Markup: `<ul class="news-list"><li class="news-item"><time class="news-date" datetime="2025-05">
May 2025</time> <span class="news-text">…</span></li></ul>` then, when items were left out and the
archive exists, `<p class="news-more"><a href="/news/">All news</a></p>`. The archive page groups by
year: `<section class="news-year"><h2 class="news-year-title" id="news-2025">2025</h2><ul
class="news-list">…</ul></section>`.
"""
from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from engine.errors import SourceError

__all__ = ["NewsItem", "parse_news", "render_news_list", "render_news_archive", "news_options"]

NEWS_DEFAULTS: dict[str, Any] = {"limit": 5, "date_format": "MMM YYYY", "archive": True,
                                 "archive_path": "news/", "title": "News"}

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}


@dataclass
class NewsItem:
    text: str                          # Markdown source
    year: int | None = None
    month: int | None = None
    day: int | None = None
    date_text: str = ""                # as written, when it could not be parsed
    index: int = 0
    html: str = ""                     # rendered text (set by the caller)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 0, self.month or 0, self.day or 0)

    @property
    def iso(self) -> str:
        if self.year is None:
            return ""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def news_options(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """Merged `news:` options, or None when the key is absent/false (Hexo sites are unchanged)."""
    value = raw.get("news")
    if value is None or value is False:
        return None
    opts = dict(NEWS_DEFAULTS)
    if isinstance(value, Mapping):
        opts.update({k: v for k, v in value.items() if v is not None})
    return opts


def _parse_date(value: Any) -> tuple[int | None, int | None, int | None, str]:
    if value is None or value == "":
        return None, None, None, ""
    if isinstance(value, _dt.datetime):
        return value.year, value.month, value.day, ""
    if isinstance(value, _dt.date):
        return value.year, value.month, value.day, ""
    if isinstance(value, int):
        return (value, None, None, "") if 1000 <= value <= 9999 else (None, None, None, str(value))
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[ T].*)?", text)
    if m:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        return y, int(mo) if mo else None, int(d) if d else None, ""
    m = re.fullmatch(r"(\d{1,2}\s+)?([A-Za-z]{3,})\.?,?\s+(\d{1,2},?\s+)?(\d{4})", text)
    if m and m.group(2)[:3].lower() in _MONTHS:
        day = m.group(1) or m.group(3)
        return (int(m.group(4)), _MONTHS[m.group(2)[:3].lower()],
                int(day.strip(" ,")) if day else None, "")
    return None, None, None, text


def parse_news(data: Any, shown: str = "source/_data/news.yml",
               source_text: str | None = None) -> tuple[list[NewsItem], list[SourceError]]:
    """Items newest first (file order among equal dates); bad items become errors and are skipped."""
    errors: list[SourceError] = []
    if data is None:
        return [], errors
    if isinstance(data, Mapping):
        data = data.get("items") or data.get("news") or []
    if not isinstance(data, list):
        return [], [SourceError("news must be a list of {date, text} items", path=shown, line=1)]
    items: list[NewsItem] = []
    for i, entry in enumerate(data):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, Mapping):
            errors.append(SourceError(f"news item {i + 1} is not a mapping", path=shown,
                                      line=_item_line(source_text, i)))
            continue
        text = entry.get("text", entry.get("content", entry.get("title")))
        if text is None or str(text).strip() == "":
            errors.append(SourceError(f"news item {i + 1} has no text", path=shown,
                                      line=_item_line(source_text, i), hint="add `text: …`"))
            continue
        y, m, d, raw = _parse_date(entry.get("date"))
        if raw:
            errors.append(SourceError(f"news item {i + 1}: unreadable date '{raw}'", path=shown,
                                      line=_item_line(source_text, i),
                                      hint="use 2025-05-01, 2025-05 or 'May 2025'"))
        items.append(NewsItem(str(text), y, m, d, raw, i))
    items.sort(key=lambda it: (-it.sort_key[0], -it.sort_key[1], -it.sort_key[2], it.index))
    return items, errors


def _item_line(text: str | None, index: int) -> int | None:
    """1-based line of the index-th top-level `- ` item of a YAML list, when the text is known."""
    if not text:
        return None
    n = -1
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.startswith("- ") or line == "-":
            n += 1
            if n == index:
                return lineno
    return None


def format_item_date(item: NewsItem, fmt: str, lang: str = "en") -> str:
    if item.year is None:
        return html.escape(item.date_text)
    from engine.dates import moment_format
    if item.month is None:
        return str(item.year)
    dt = _dt.datetime(item.year, item.month, item.day or 1, tzinfo=_dt.timezone.utc)
    fmt_used = fmt
    if item.day is None:   # a month-precision date never shows an invented day
        fmt_used = re.sub(r"\s*\b(Do|DD|D)\b,?", "", fmt).strip() or "MMM YYYY"
    return moment_format(dt, fmt_used, None, lang)


def _inline(html_text: str) -> str:
    """Markdown output of one short paragraph, without its `<p>` wrapper."""
    s = html_text.strip()
    if s.startswith("<p>") and s.endswith("</p>") and s.count("<p>") == 1:
        return s[3:-4]
    return s


def render_items(items: list[NewsItem], render_md: Callable[[str], str], fmt: str,
                 lang: str = "en") -> str:
    out = ['<ul class="news-list">']
    for it in items:
        if not it.html:
            it.html = _inline(render_md(it.text))
        date = format_item_date(it, fmt, lang)
        if it.iso:
            date_html = f'<time class="news-date" datetime="{it.iso}">{date}</time>'
        elif date:
            date_html = f'<span class="news-date">{date}</span>'
        else:
            date_html = ""
        out.append(f'<li class="news-item">{date_html} <span class="news-text">{it.html}</span>'
                   f'</li>')
    out.append("</ul>")
    return "\n".join(out)


def render_news_list(items: list[NewsItem], render_md: Callable[[str], str], *, limit: int | None,
                     fmt: str, more_href: str | None = None, more_label: str = "All news",
                     lang: str = "en") -> str:
    shown = items[:limit] if limit else items
    if not shown:
        return '<ul class="news-list news-empty"></ul>'
    out = render_items(shown, render_md, fmt, lang)
    if more_href and len(shown) < len(items):
        out += (f'\n<p class="news-more"><a href="{html.escape(more_href, quote=True)}">'
                f'{html.escape(more_label)}</a></p>')
    return out


def render_news_archive(items: list[NewsItem], render_md: Callable[[str], str], fmt: str,
                        lang: str = "en") -> str:
    groups: dict[str, list[NewsItem]] = {}
    for it in items:
        groups.setdefault(str(it.year) if it.year is not None else "Undated", []).append(it)
    out = ['<div class="news-archive">']
    for label, group in groups.items():
        out.append(f'<section class="news-year"><h2 class="news-year-title" '
                   f'id="news-{html.escape(label.lower())}">{html.escape(label)}</h2>')
        out.append(render_items(group, render_md, fmt, lang))
        out.append("</section>")
    out.append("</div>")
    return "\n".join(out)
