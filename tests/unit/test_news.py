"""News: `_data/news.yml` → helper/tag lists and the archive page."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sites" / "scholar"))
import scholar_support  # noqa: E402

from engine.scholar.news import (format_item_date, news_options, parse_news,  # noqa: E402
                                 render_news_list)


def md(text):
    return f"<p>{text.replace('**x**', '<strong>x</strong>')}</p>\n"


def test_dates_at_their_precision_sorted_newest_first():
    data = [{"date": "2023", "text": "c"}, {"date": dt.date(2025, 5, 1), "text": "a"},
            {"date": "May 2024", "text": "b"}, {"date": "2025-01", "text": "a2"},
            {"date": "2024-05", "text": "b2"}]
    items, errors = parse_news(data)
    assert not errors
    assert [i.text for i in items] == ["a", "a2", "b", "b2", "c"]   # equal dates keep file order
    assert [i.iso for i in items] == ["2025-05-01", "2025-01", "2024-05", "2024-05", "2023"]
    assert [format_item_date(i, "MMM D, YYYY") for i in items] == [
        "May 1, 2025", "Jan 2025", "May 2024", "May 2024", "2023"]


def test_bad_items_reported_with_lines_and_skipped():
    text = "- date: 2024-01-01\n  text: ok\n- date: 2024-02-01\n- date: someday\n  text: t\n- 42\n"
    import yaml
    items, errors = parse_news(yaml.safe_load(text), "source/_data/news.yml", text)
    assert [i.text for i in items] == ["ok", "t"]
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (3, "news item 2 has no text"), (4, "news item 3"), (6, "news item 4 is not a mapping")]
    assert parse_news({"oops": 1})[0] == []
    assert parse_news("text")[1][0].message.startswith("news must be a list")


def test_list_markup_limit_and_more_link():
    items, _ = parse_news([{"date": "2025-05-01", "text": "**x** news"},
                           {"date": "2024-01", "text": "old"}])
    html = render_news_list(items, md, limit=1, fmt="MMM YYYY", more_href="/news/")
    assert html == ('<ul class="news-list">\n<li class="news-item"><time class="news-date" '
                    'datetime="2025-05-01">May 2025</time> <span class="news-text">'
                    '<strong>x</strong> news</span></li>\n</ul>\n'
                    '<p class="news-more"><a href="/news/">All news</a></p>')
    assert "news-more" not in render_news_list(items, md, limit=None, fmt="YYYY", more_href="/n/")


def test_options_off_unless_configured():
    assert news_options({}) is None and news_options({"news": False}) is None
    assert news_options({"news": {"limit": 2}})["limit"] == 2
    assert news_options({"news": True})["archive_path"] == "news/"


def test_archive_page_helper_and_tag_in_a_build(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    (site / "themes/t/layout/page.html").write_text(
        "<main>{{ page.content }}</main><aside>{{ news() }}</aside>")
    result = scholar_support.engine_for(site).build()
    archive = result.outputs["news/index.html"].decode().split("<aside>")[0]
    assert archive.count('class="news-item"') == 5
    assert '<h2 class="news-year-title" id="news-2025">2025</h2>' in archive
    assert "<strong>ICML 2025</strong>" in archive
    assert '<time class="news-date" datetime="2024-06">Jun 2024</time>' in archive
    about = result.outputs["about/index.html"].decode()
    main, aside = about.split("<aside>")
    assert main.count('class="news-item"') == 2                    # {% news 2 %}
    assert aside.count('class="news-item"') == 3                   # news.limit: 3
    assert '<p class="news-more"><a href="/news/">All news</a></p>' in aside


def test_no_archive_without_config_or_when_disabled(tmp_path):
    site = scholar_support.copy_fixture(tmp_path)
    cfg = site / "_config.yml"
    cfg.write_text(cfg.read_text().replace("news:\n  limit: 3\n", ""))
    result = scholar_support.engine_for(site).build()
    assert "news/index.html" not in result.outputs
    assert 'class="news-item"' in result.outputs["about/index.html"].decode()   # tag still works
    cfg.write_text(cfg.read_text() + "news:\n  archive: false\n")
    assert "news/index.html" not in scholar_support.engine_for(site).build().outputs
