"""date, time, full_date, date_xml, time_tag (every post/page route of the oracle), moment, relative_date."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._oracle import call, make_ctx, route_json
from engine.helpers.dates import Moment
from ._oracle import SITE_CALLS, SITES, all_routes


@pytest.mark.parametrize("site,route", all_routes(("post", "page")))
def test_date_helpers_match_oracle(site, route):
    ctx = make_ctx(site, route)
    expected = route_json(site, route)["helpers"]
    d = ctx.page.date
    for name in ("date", "time", "full_date", "date_xml", "time_tag"):
        assert call(ctx, name, d) == expected[name], name


@pytest.mark.parametrize("site", SITES)
def test_date_fixed(site):
    name, args, kwargs = SITE_CALLS["date_fixed"]
    assert call(make_ctx(site), name, *args, **kwargs) == \
        route_json(site, "index.html")["site_helpers"]["date_fixed"]


@pytest.fixture
def ctx():
    return make_ctx("feature-site")


def test_timezone_and_strings(ctx):
    ctx.engine.config.tz = ZoneInfo("Asia/Shanghai")
    d = datetime(2024, 1, 1, 20, 0, tzinfo=timezone.utc)
    assert call(ctx, "date", d) == "2024-01-02"
    assert call(ctx, "full_date", d) == "2024-01-02 04:00:00"
    assert call(ctx, "full_date", d, "MMM D, YYYY") == "Jan 2, 2024"
    assert call(ctx, "date", "2024-03-04 05:06:07") == "2024-03-04"      # zone-less: site zone
    assert call(ctx, "date_xml", "2024-03-04 05:06:07") == "2024-03-03T21:06:07.000Z"
    assert call(ctx, "time_tag", d, "YYYY") == '<time datetime="2024-01-01T20:00:00.000Z">2024</time>'
    assert call(ctx, "date", "not a date") == "Invalid date"


def test_moment_object(ctx):
    d = datetime(2024, 1, 18, 10, 0, tzinfo=timezone.utc)
    m = call(ctx, "moment", d)
    assert isinstance(m, Moment)
    assert m.format("YYYY/MM/DD") == "2024/01/18"
    assert m.format() == "2024-01-18T10:00:00+00:00"
    assert m.toISOString() == "2024-01-18T10:00:00.000Z"
    assert (m.year(), m.month(), m.date(), m.day(), m.hour()) == (2024, 0, 18, 4, 10)
    assert m.tz("Asia/Tokyo").format("HH:mm") == "19:00"
    assert m.add(1, "month").format("YYYY-MM-DD") == "2024-02-18"
    assert m.subtract(2, "days").format("YYYY-MM-DD") == "2024-01-16"
    assert m.isBefore(datetime(2025, 1, 1, tzinfo=timezone.utc)) and m.valueOf() == 1705572000000
    assert str(m) == "Thu Jan 18 2024 10:00:00 GMT+0000"
    assert call(ctx, "moment").year() >= 2024                      # moment() is now


def test_relative_date(ctx):
    now = datetime.now(timezone.utc)
    assert call(ctx, "relative_date", now - timedelta(days=3)) == "3 days ago"
    assert call(ctx, "relative_date", now + timedelta(days=800)) == "in 2 years"


# The helpers format with the format string parsed once; the text must be engine.dates'.
_FMT_PIECES = ["YYYY", "YY", "Y", "y", "M", "MM", "MMM", "MMMM", "Mo", "D", "DD", "Do", "DDD",
               "DDDD", "d", "dd", "ddd", "dddd", "e", "E", "w", "wo", "W", "gggg", "GGGG", "H",
               "HH", "h", "hh", "k", "m", "mm", "s", "ss", "S", "SSS", "a", "A", "Z", "ZZ", "z",
               "X", "x", "Q", "N", "L", "LL", "LLL", "LLLL", "l", "ll", "LT", "LTS", "[at] ",
               "[", "]", "\\", "\\Y", "-", "/", ", ", ":", " ", "年", "T", "Hmm"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FMT_PIECES), max_size=8).map("".join),
       st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.sampled_from([timezone.utc, ZoneInfo("Asia/Shanghai"),
                                               ZoneInfo("America/New_York")])),
       st.sampled_from([None, timezone.utc, ZoneInfo("Asia/Shanghai")]),
       st.sampled_from(["en", "zh-cn", "de", None]))
def test_parsed_formats_format_like_engine_dates(fmt, dt, tz, lang):
    from engine.dates import moment_format
    from engine.helpers.dates import _moment
    assert _moment(dt, fmt, tz, lang) == moment_format(dt, fmt, tz=tz, lang=lang)
