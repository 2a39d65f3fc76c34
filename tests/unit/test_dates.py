"""engine.dates: parsing front-matter dates, moment.js formatting, toISOString, fromNow."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.dates import expand_localized, iso_z, moment_format, parse_date, relative_time

SHARED = Path(__file__).resolve().parents[3] / "shared"
SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
UTC = timezone.utc


# --------------------------------------------------------------------------- parse_date

@pytest.mark.parametrize("value,tz,expected", [
    ("2024-01-02 03:04:05", None, "2024-01-02T03:04:05.000Z"),      # machine zone (UTC here)
    ("2024-01-02 03:04:05", SH, "2024-01-01T19:04:05.000Z"),
    ("2024-01-11", SH, "2024-01-10T16:00:00.000Z"),
    ("2024-01-10T10:00:00+08:00", None, "2024-01-10T02:00:00.000Z"),
    ("2024-01-10T10:00:00+08:00", NY, "2024-01-10T02:00:00.000Z"),  # offset wins over tz
    ("2024-01-10T10:00:00Z", SH, "2024-01-10T10:00:00.000Z"),
    ("2024-01-10T10:00:00.123+0530", None, "2024-01-10T04:30:00.123Z"),
    ("2024-01-10 10:00", NY, "2024-01-10T15:00:00.000Z"),
    ("2024-07-10 10:00", NY, "2024-07-10T14:00:00.000Z"),           # DST
    ("2024/01/02", None, "2024-01-02T00:00:00.000Z"),
    ("2024/1/2 3:04:05", None, "2024-01-02T03:04:05.000Z"),
    ("Jan 2, 2024", None, "2024-01-02T00:00:00.000Z"),
    ("2 January 2024 10:00", SH, "2024-01-02T02:00:00.000Z"),
    ("January 2nd, 2024 3:04 pm", None, "2024-01-02T15:04:00.000Z"),
    ("Tue, 02 Jan 2024 03:04:05 +0100", None, "2024-01-02T02:04:05.000Z"),
    ("20240102T030405Z", SH, "2024-01-02T03:04:05.000Z"),
    (1704164645000, SH, "2024-01-02T03:04:05.000Z"),                 # unix ms, like new Date(n)
    (date(2024, 1, 11), SH, "2024-01-10T16:00:00.000Z"),
    (datetime(2024, 1, 2, 3, 4, 5), SH, "2024-01-01T19:04:05.000Z"),
    (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), SH, "2024-01-02T03:04:05.000Z"),
])
def test_parse_date(value, tz, expected):
    dt = parse_date(value, tz)
    assert dt.tzinfo is not None
    assert iso_z(dt) == expected


def test_zone_less_values_come_back_in_the_zone():
    dt = parse_date("2024-01-02 03:04:05", SH)
    assert (dt.hour, dt.utcoffset()) == (3, timedelta(hours=8))


@pytest.mark.parametrize("junk", ["junk", "2024-13-01", "2024-02-30 10:00:00", "", "Foo 2, 2024",
                                  None, True, [2024], {"a": 1}])
def test_parse_date_rejects_junk(junk):
    with pytest.raises(ValueError, match="cannot read"):
        parse_date(junk, None)


# --------------------------------------------------------------------------- formatting

D = datetime(2024, 1, 2, 15, 4, 5, 678000, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize("fmt,expected", [
    ("YYYY-MM-DD HH:mm:ss", "2024-01-02 15:04:05"),
    ("YY Y M MM MMM MMMM", "24 2024 1 01 Jan January"),
    ("D DD Do DDD DDDD", "2 02 2nd 2 002"),
    ("d dd ddd dddd do", "2 Tu Tue Tuesday 2nd"),
    ("H HH h hh k kk m mm s ss", "15 15 3 03 15 15 4 04 5 05"),
    ("S SS SSS SSSS", "6 67 678 6780"),
    ("A a", "PM pm"),
    ("Z ZZ", "+00:00 +0000"),
    ("X x", "1704207845 1704207845678"),
    ("Q Qo", "1 1st"),
    ("w ww wo W WW Wo E e", "1 01 1st 1 01 1st 2 2"),
    ("gggg GGGG gg GG", "2024 2024 24 24"),
    ("[Today is] dddd", "Today is Tuesday"),
    ("[YYYY] YYYY \\Y", "YYYY 2024 Y"),
    ("Hmm hmmss", "1504 30405"),
    ("L", "01/02/2024"), ("LL", "January 2, 2024"), ("LLL", "January 2, 2024 3:04 PM"),
    ("LLLL", "Tuesday, January 2, 2024 3:04 PM"), ("LT", "3:04 PM"), ("LTS", "3:04:05 PM"),
    ("l", "1/2/2024"), ("ll", "Jan 2, 2024"), ("lll", "Jan 2, 2024 3:04 PM"),
    ("llll", "Tue, Jan 2, 2024 3:04 PM"),
])
def test_moment_tokens_en(fmt, expected):
    assert moment_format(D, fmt, UTC) == expected


def test_ordinals():
    days = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th",
            21: "21st", 22: "22nd", 23: "23rd", 31: "31st"}
    for day, text in days.items():
        assert moment_format(datetime(2024, 1, day, tzinfo=UTC), "Do", UTC) == text


def test_week_numbers_at_year_edges():
    # 2021-01-01 is a Friday: ISO week 53 of 2020, US (en) week 1 of 2021
    d = datetime(2021, 1, 1, tzinfo=UTC)
    assert moment_format(d, "W GGGG w gggg", UTC) == "53 2020 1 2021"
    # 2024-12-29 (Sunday): en week 1 of 2025, ISO week 52 of 2024
    d = datetime(2024, 12, 29, tzinfo=UTC)
    assert moment_format(d, "w gggg W GGGG", UTC) == "1 2025 52 2024"


def test_converts_to_zone_and_names_it():
    assert moment_format(D, "YYYY-MM-DD HH:mm Z z", SH) == "2024-01-02 23:04 +08:00 CST"
    assert moment_format(D, "HH:mm z", None) == "15:04 "   # machine zone (UTC), plain moment
    naive = datetime(2024, 1, 2, 3, 4, 5)
    assert moment_format(naive, "HH:mm", None) == "03:04"


def test_hour_edge_cases():
    midnight = datetime(2024, 1, 2, 0, 5, tzinfo=UTC)
    assert moment_format(midnight, "h A k H", UTC) == "12 AM 24 0"
    noon = datetime(2024, 1, 2, 12, 0, tzinfo=UTC)
    assert moment_format(noon, "h a", UTC) == "12 pm"


def test_zh_cn():
    assert moment_format(D, "LL dddd MMMM", UTC, "zh-CN") == "2024年1月2日 星期二 一月"
    assert moment_format(D, "LLLL", UTC, "zh-cn") == "2024年1月2日星期二下午3点04分"
    assert moment_format(D, "L LT", UTC, "zh_CN") == "2024/01/02 15:04"
    assert moment_format(D, "L", UTC, "fr") == "01/02/2024"   # unknown locales fall back to en
    assert expand_localized("[LL] LL", "en") == "[LL] MMMM D, YYYY"


def test_date_fixed_helper_value_from_oracle():
    helpers = json.loads((SHARED / "hexo-oracle" / "feature-site" / "pages" / "index.html.json")
                         .read_text("utf-8"))["site_helpers"]
    d = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert moment_format(d, "YYYY-MM-DD HH:mm", None) == helpers["date_fixed"]


# --------------------------------------------------------------------------- iso_z

def test_iso_z():
    assert iso_z(datetime(2024, 1, 19, 18, 0, tzinfo=SH)) == "2024-01-19T10:00:00.000Z"
    assert iso_z(datetime(2024, 1, 19, 10, 0, 0, 49999, tzinfo=UTC)) == "2024-01-19T10:00:00.049Z"
    assert iso_z(datetime(2024, 1, 19, 10, 0)) == "2024-01-19T10:00:00.000Z"  # naive = local


# --------------------------------------------------------------------------- fromNow

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("delta,expected", [
    (timedelta(0), "a few seconds ago"),
    (timedelta(seconds=44), "a few seconds ago"),
    (timedelta(seconds=45), "a minute ago"),
    (timedelta(seconds=89), "a minute ago"),
    (timedelta(seconds=90), "2 minutes ago"),
    (timedelta(minutes=44), "44 minutes ago"),
    (timedelta(minutes=45), "an hour ago"),
    (timedelta(hours=21), "21 hours ago"),
    (timedelta(hours=22), "a day ago"),
    (timedelta(days=2), "2 days ago"),
    (timedelta(days=25), "25 days ago"),
    (timedelta(days=26), "a month ago"),
    (timedelta(days=100), "3 months ago"),
    (timedelta(days=365), "a year ago"),
    (timedelta(days=800), "2 years ago"),
    (-timedelta(days=3), "in 3 days"),
    (-timedelta(days=366), "in a year"),
    (-timedelta(seconds=10), "in a few seconds"),
])
def test_relative_time(delta, expected):
    assert relative_time(NOW - delta, NOW) == expected


def test_relative_time_zh():
    assert relative_time(NOW - timedelta(days=2), NOW, "zh-cn") == "2 天前"
    assert relative_time(NOW + timedelta(hours=3), NOW, "zh-CN") == "3 小时后"
