"""Dates the way Hexo sees them: parsing front-matter values, moment.js display formats,
`toISOString`, and `fromNow`.

* `parse_date(value, tz)`: front-matter/YAML values to an aware datetime. Zone-less values are
  wall-clock time in `tz` (config.timezone), or in the machine's zone when `tz` is None (Hexo's
  behaviour with `timezone: ''`). Explicit offsets are kept.
* `moment_format(dt, fmt, tz, lang)`: moment.js display tokens, incl. `[escaped]` text and the
  localized L/LL/LT... formats; English and Simplified Chinese names.
* `iso_z(dt)`: moment's `toISOString()` ('2024-01-19T10:00:00.000Z').
* `relative_time(dt, now)`: moment's `fromNow()` ('2 days ago', 'in a year').

No config or I/O here; callers pass the zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

__all__ = ["parse_date", "localize", "to_zone", "moment_format", "iso_z", "relative_time",
           "expand_localized"]

UTC = timezone.utc


# ---------------------------------------------------------------------------------------------
# parsing

def localize(naive: datetime, tz: tzinfo | None) -> datetime:
    """Read a naive datetime as wall-clock time in `tz` (the machine's zone when None)."""
    if naive.tzinfo is not None:
        return naive
    if tz is None:
        return naive.astimezone()  # Python reads a naive value as local time here
    return naive.replace(tzinfo=tz)


def to_zone(dt: datetime, tz: tzinfo | None) -> datetime:
    """`dt` (aware, or naive = local) shown in `tz`, or in the machine's zone when None."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(tz) if tz is not None else dt.astimezone()


_ISO = re.compile(
    r"^\s*(?P<y>[+-]?\d{4,6})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2})(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?)?"
    r"\s*(?P<z>[Zz]|(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?|GMT|UTC)?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?\s*(Z)?\s*$")

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_MONTH_BY_NAME = {**{m: i + 1 for i, m in enumerate(_MONTHS)},
                  **{m[:3]: i + 1 for i, m in enumerate(_MONTHS)}, "sept": 9}
_WORDY = re.compile(
    r"^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:(?P<mon1>[a-z]+)\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[a-z]+)\.?,?\s+(?P<y2>\d{4}))"
    r"(?:,?\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ap>am|pm)?)?"
    r"\s*(?P<z>z|gmt|utc|(?:gmt|utc)?[+-]\d{2}:?\d{2})?\s*$", re.I)


def _offset(text: str) -> tzinfo:
    text = text.upper().removeprefix("GMT").removeprefix("UTC")
    if text in ("", "Z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:-2] or 0) if len(digits) > 2 else int(digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0,
           zone: tzinfo | None = None, tz: tzinfo | None = None) -> datetime:
    naive = datetime(y, mo, d, h, mi, s, us)
    return naive.replace(tzinfo=zone) if zone is not None else localize(naive, tz)


def _parse_string(text: str, tz: tzinfo | None) -> datetime:
    m = _ISO.match(text)
    if m:
        frac = (m["f"] or "0")[:6].ljust(6, "0")
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0),
                      int(m["S"] or 0), int(frac), _offset(m["z"]) if m["z"] else None, tz)
    m = _COMPACT.match(text)
    if m:
        return _build(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0),
                      int(m[6] or 0), 0, UTC if m[7] else None, tz)
    m = _WORDY.match(text)
    if m:
        name = (m["mon1"] or m["mon2"]).lower()
        month = _MONTH_BY_NAME.get(name)
        if month is None:
            raise ValueError(f"unknown month name {name!r}")
        hour = int(m["H"] or 0)
        if m["ap"]:
            hour = hour % 12 + (12 if m["ap"].lower() == "pm" else 0)
        return _build(int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"]), hour,
                      int(m["M"] or 0), int(m["S"] or 0), 0,
                      _offset(m["z"]) if m["z"] else None, tz)
    try:  # RFC 2822 ('Tue, 02 Jan 2024 03:04:05 +0000')
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return localize(parsed, tz) if parsed.tzinfo is None else parsed
    raise ValueError(f"cannot read {text!r} as a date (use YYYY-MM-DD or YYYY-MM-DD HH:mm:ss, "
                     "optionally with an offset such as +08:00)")


def parse_date(value: object, tz: tzinfo | None) -> datetime:
    """An aware datetime from a front-matter value; raises ValueError for anything else.

    Accepts datetime (naive = wall-clock in `tz`), date (midnight in `tz`), strings (ISO 8601
    with `T` or a space, `YYYY/MM/DD`, RFC 2822, 'Jan 2, 2024'), and numbers (Unix
    milliseconds, as JavaScript's `new Date(n)`). `tz` None means the machine's zone.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"cannot read {value!r} as a date")
    if isinstance(value, datetime):
        return localize(value, tz)
    if isinstance(value, date):
        return localize(datetime(value.year, value.month, value.day), tz)
    if isinstance(value, (int, float)):
        try:
            instant = datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"timestamp {value!r} is out of range") from None
        return instant.astimezone(tz) if tz is not None else instant.astimezone()
    if isinstance(value, str):
        try:
            return _parse_string(value, tz)
        except ValueError as err:
            if "cannot read" in str(err):
                raise
            raise ValueError(f"cannot read {value!r} as a date: {err}") from None
    raise ValueError(f"cannot read a {type(value).__name__} as a date")


# ---------------------------------------------------------------------------------------------
# locales

@dataclass(frozen=True)
class _Locale:
    months: tuple[str, ...]
    months_short: tuple[str, ...]
    weekdays: tuple[str, ...]          # Sunday first
    weekdays_short: tuple[str, ...]
    weekdays_min: tuple[str, ...]
    formats: dict[str, str]
    dow: int                           # first day of week (0 = Sunday)
    doy: int                           # moment's "doy": 7 + dow - doy is the January day always in week 1
    ordinal: object                    # fn(number, token) -> str
    meridiem: object                   # fn(hour, minute, lower) -> str


def _en_ordinal(n: int, _token: str) -> str:
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _en_meridiem(hour: int, _minute: int, lower: bool) -> str:
    text = "PM" if hour > 11 else "AM"
    return text.lower() if lower else text


def _zh_ordinal(n: int, token: str) -> str:
    if token in ("d", "D", "DDD"):
        return f"{n}日"
    if token == "M":
        return f"{n}月"
    if token in ("w", "W"):
        return f"{n}周"
    return str(n)


def _zh_meridiem(hour: int, minute: int, _lower: bool) -> str:
    hm = hour * 100 + minute
    for limit, word in ((600, "凌晨"), (900, "早上"), (1130, "上午"), (1230, "中午"), (1800, "下午")):
        if hm < limit:
            return word
    return "晚上"


_EN = _Locale(
    months=tuple(m.capitalize() for m in _MONTHS),
    months_short=tuple(m[:3].capitalize() for m in _MONTHS),
    weekdays=("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
    weekdays_short=("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
    weekdays_min=("Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"),
    formats={"LT": "h:mm A", "LTS": "h:mm:ss A", "L": "MM/DD/YYYY", "LL": "MMMM D, YYYY",
             "LLL": "MMMM D, YYYY h:mm A", "LLLL": "dddd, MMMM D, YYYY h:mm A",
             "l": "M/D/YYYY", "ll": "MMM D, YYYY", "lll": "MMM D, YYYY h:mm A",
             "llll": "ddd, MMM D, YYYY h:mm A"},
    dow=0, doy=6, ordinal=_en_ordinal, meridiem=_en_meridiem)

_ZH_CN = _Locale(
    months=tuple(f"{n}月" for n in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                    "十一", "十二")),
    months_short=tuple(f"{n}月" for n in range(1, 13)),
    weekdays=("星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"),
    weekdays_short=("周日", "周一", "周二", "周三", "周四", "周五", "周六"),
    weekdays_min=("日", "一", "二", "三", "四", "五", "六"),
    formats={"LT": "HH:mm", "LTS": "HH:mm:ss", "L": "YYYY/MM/DD", "LL": "YYYY年M月D日",
             "LLL": "YYYY年M月D日Ah点mm分", "LLLL": "YYYY年M月D日ddddAh点mm分",
             "l": "YYYY/M/D", "ll": "YYYY年M月D日", "lll": "YYYY年M月D日 HH:mm",
             "llll": "YYYY年M月D日dddd HH:mm"},
    dow=1, doy=4, ordinal=_zh_ordinal, meridiem=_zh_meridiem)

_LOCALES = {"en": _EN, "zh-cn": _ZH_CN}


def _locale(lang: str | None) -> _Locale:
    # Hexo maps its language to a moment locale: lower case, '_' -> '-'; moment then falls back
    # from 'xx-yy' to 'xx', and to English.
    key = (lang or "en").lower().replace("_", "-")
    if key in _LOCALES:
        return _LOCALES[key]
    if key in ("zh", "zh-hans", "zh-sg"):
        return _ZH_CN
    return _LOCALES.get(key.split("-")[0], _EN)


# ---------------------------------------------------------------------------------------------
# formatting

_LOCAL_TOKENS = re.compile(r"\[[^\[]*\]|\\?(?:LTS|LT|LL?L?L?|l{1,4})")
_TOKENS = re.compile(
    r"\[[^\[]*\]|\\?(?:[Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[ow]?|W[oW]?|Qo?"
    r"|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(?:ggg?)?|GG(?:GGG?)?|e|E|a|A|hh?|HH?|kk?"
    r"|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)", re.S)


def expand_localized(fmt: str, lang: str = "en") -> str:
    """Replace L, LL, LT... by the locale's long formats (bracketed text untouched)."""
    loc = _locale(lang)

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok.startswith("[") or tok.startswith("\\"):
            return tok
        return loc.formats.get(tok, tok)

    for _ in range(5):  # moment expands up to 5 levels
        new = _LOCAL_TOKENS.sub(repl, fmt)
        if new == fmt:
            break
        fmt = new
    return fmt


def _week(dt: datetime, dow: int, doy: int) -> tuple[int, int]:
    """(week, week-year) with weeks starting on `dow` and the January day 7+dow-doy in week 1."""
    def week1_start(year: int) -> date:
        anchor = date(year, 1, 7 + dow - doy)
        back = (anchor.isoweekday() % 7 - dow) % 7  # days since the week's first day
        return anchor - timedelta(days=back)

    d = dt.date()
    year = d.year
    start = week1_start(year)
    if d < start:
        year -= 1
        start = week1_start(year)
    elif d >= week1_start(year + 1):
        year += 1
        start = week1_start(year)
    return (d - start).days // 7 + 1, year


def _pad(n: int, width: int) -> str:
    return ("-" if n < 0 else "") + str(abs(n)).zfill(width)


def _offset_text(dt: datetime, colon: bool) -> str:
    off = dt.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{':' if colon else ''}{minutes % 60:02d}"


def _format_token(tok: str, dt: datetime, loc: _Locale, zone_name: str) -> str:
    # pylint: disable=too-many-return-statements,too-many-branches
    y, mo, d = dt.year, dt.month, dt.day
    h, mi, s = dt.hour, dt.minute, dt.second
    ms = dt.microsecond // 1000
    wd = dt.isoweekday() % 7                       # 0 = Sunday, as moment's day()
    ordinal = loc.ordinal  # type: ignore[assignment]
    if tok in ("YYYY", "Y"):
        return _pad(y, 4) if y <= 9999 else f"+{y}"
    if tok == "YY":
        return _pad(y % 100, 2)
    if tok in ("YYYYY", "YYYYYY"):
        return ("+" if y >= 0 and tok == "YYYYYY" else "") + _pad(y, len(tok))
    if tok in ("y", "yy", "yyy", "yyyy"):
        return _pad(y, len(tok)) if tok != "y" else str(y)
    if tok == "yo":
        return ordinal(y, "y")  # type: ignore[operator]
    if tok.startswith("N"):
        return "Anno Domini" if tok == "NNNN" else "AD"
    if tok == "M":
        return str(mo)
    if tok == "Mo":
        return ordinal(mo, "M")  # type: ignore[operator]
    if tok == "MM":
        return _pad(mo, 2)
    if tok == "MMM":
        return loc.months_short[mo - 1]
    if tok == "MMMM":
        return loc.months[mo - 1]
    if tok == "Q":
        return str((mo - 1) // 3 + 1)
    if tok == "Qo":
        return ordinal((mo - 1) // 3 + 1, "Q")  # type: ignore[operator]
    if tok == "D":
        return str(d)
    if tok == "Do":
        return ordinal(d, "D")  # type: ignore[operator]
    if tok == "DD":
        return _pad(d, 2)
    doy = dt.timetuple().tm_yday
    if tok == "DDD":
        return str(doy)
    if tok == "DDDo":
        return ordinal(doy, "DDD")  # type: ignore[operator]
    if tok == "DDDD":
        return _pad(doy, 3)
    if tok == "d":
        return str(wd)
    if tok == "do":
        return ordinal(wd, "d")  # type: ignore[operator]
    if tok == "dd":
        return loc.weekdays_min[wd]
    if tok == "ddd":
        return loc.weekdays_short[wd]
    if tok == "dddd":
        return loc.weekdays[wd]
    if tok == "e":
        return str((wd - loc.dow) % 7)
    if tok == "E":
        return str(dt.isoweekday())
    if tok[0] in "wg":
        week, wyear = _week(dt, loc.dow, loc.doy)
        return _week_token(tok, week, wyear, ordinal)
    if tok[0] in "WG":
        iso_year, iso_week, _ = dt.isocalendar()
        return _week_token(tok.lower(), iso_week, iso_year, ordinal, upper=True)
    if tok in ("H", "HH"):
        return _pad(h, len(tok))
    if tok in ("h", "hh"):
        return _pad(h % 12 or 12, len(tok))
    if tok in ("k", "kk"):
        return _pad(h or 24, len(tok))
    if tok in ("Hmm", "Hmmss", "hmm", "hmmss"):
        hour = str(h) if tok[0] == "H" else str(h % 12 or 12)
        return hour + _pad(mi, 2) + (_pad(s, 2) if tok.endswith("ss") else "")
    if tok in ("m", "mm"):
        return _pad(mi, len(tok))
    if tok in ("s", "ss"):
        return _pad(s, len(tok))
    if tok[0] == "S":
        n = len(tok)
        return str(ms // 100) if n == 1 else _pad(ms // 10, 2) if n == 2 else \
            _pad(ms, 3) + "0" * (n - 3)
    if tok in ("a", "A"):
        return loc.meridiem(h, mi, tok == "a")  # type: ignore[operator]
    if tok == "Z":
        return _offset_text(dt, True)
    if tok == "ZZ":
        return _offset_text(dt, False)
    if tok in ("z", "zz"):
        return zone_name
    if tok == "X":
        return str(int(dt.timestamp() // 1))
    if tok == "x":
        return str(int(dt.timestamp() * 1000 // 1))
    return tok


def _week_token(tok: str, week: int, year: int, ordinal: object, upper: bool = False) -> str:
    if tok == "w":
        return str(week)
    if tok == "ww":
        return _pad(week, 2)
    if tok == "wo":
        return ordinal(week, "W" if upper else "w")  # type: ignore[operator]
    if tok == "gg":
        return _pad(year % 100, 2)
    if tok == "gggg":
        return _pad(year, 4)
    if tok == "ggggg":
        return _pad(year, 5)
    return tok


def moment_format(dt: datetime, fmt: str, tz: tzinfo | None = None, lang: str | None = "en") -> str:
    """Format like `moment(dt).tz(tz).locale(lang).format(fmt)`.

    `dt` is shown in `tz` when given, else in the machine's zone as plain moment does (a naive
    `dt` is local time).
    """
    if tz is None:
        return _moment_format(dt, fmt, tz, lang)   # the machine zone may change (tests): no memo
    try:
        return _moment_format_cached(dt, fmt, tz, lang)
    except TypeError:   # an unhashable argument
        return _moment_format(dt, fmt, tz, lang)


@lru_cache(maxsize=8192)
def _moment_format_cached(dt: datetime, fmt: str, tz: tzinfo | None, lang: str | None) -> str:
    # Every list page formats the same post dates again: memoise on (date, format, zone, lang).
    return _moment_format(dt, fmt, tz, lang)


def _moment_format(dt: datetime, fmt: str, tz: tzinfo | None, lang: str | None) -> str:
    dt = to_zone(dt, tz)
    # moment-timezone prints the zone abbreviation for z/zz; a plain local moment prints ''
    zone_name = (dt.tzname() or "") if tz is not None else ""
    loc = _locale(lang)
    fmt = expand_localized(fmt if fmt is not None else "YYYY-MM-DDTHH:mm:ssZ", lang or "en")
    out = []
    for m in _TOKENS.finditer(fmt):
        tok = m.group(0)
        if tok.startswith("["):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        else:
            out.append(_format_token(tok, dt, loc, zone_name))
    return "".join(out)


def iso_z(dt: datetime) -> str:
    """moment's toISOString(): UTC with milliseconds, '2024-01-19T10:00:00.000Z'."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    u = dt.astimezone(UTC)
    year = f"{u.year:04d}" if 0 <= u.year <= 9999 else f"{u.year:+07d}"
    return f"{year}-{u:%m-%dT%H:%M:%S}.{u.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------------------------------------
# relative time (moment's humanize with its default thresholds)

_REL_EN = {"s": "a few seconds", "ss": "{} seconds", "m": "a minute", "mm": "{} minutes",
           "h": "an hour", "hh": "{} hours", "d": "a day", "dd": "{} days", "M": "a month",
           "MM": "{} months", "y": "a year", "yy": "{} years"}
_REL_ZH = {"s": "几秒", "ss": "{} 秒", "m": "1 分钟", "mm": "{} 分钟", "h": "1 小时",
           "hh": "{} 小时", "d": "1 天", "dd": "{} 天", "M": "1 个月", "MM": "{} 个月",
           "y": "1 年", "yy": "{} 年"}


def _add_months(dt: datetime, months: int) -> datetime:
    total = dt.month - 1 + months
    year, month = dt.year + total // 12, total % 12 + 1
    # moment clamps the day to the target month's length
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = (nxt - timedelta(days=1)).day
    return dt.replace(year=year, month=month, day=min(dt.day, last))


def _js_round(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def relative_time(dt: datetime, now: datetime, lang: str | None = "en") -> str:
    """moment(dt).fromNow() evaluated at `now`: 'a few seconds ago', '3 days ago', 'in a year'."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    if now.tzinfo is None:
        now = now.astimezone()
    future = dt > now
    a, b = (now, dt) if future else (dt, now)
    a = a.astimezone(b.tzinfo)
    # moment's duration between two moments = whole months + remaining milliseconds
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if _add_months(a, months) > b:
        months -= 1
    rest_ms = (b - _add_months(a, months)).total_seconds() * 1000
    days_from_months = _js_round(months * 146097 / 4800)
    as_seconds = days_from_months * 86400 + rest_ms / 1000
    seconds = _js_round(as_seconds)
    minutes = _js_round(as_seconds / 60)
    hours = _js_round(as_seconds / 3600)
    days = _js_round(as_seconds / 86400)
    as_months = months + (rest_ms / 86400000) * 4800 / 146097
    months_r = _js_round(as_months)
    years = _js_round(as_months / 12)
    if seconds <= 44:
        key, n = "s", seconds
    elif seconds < 45:
        key, n = "ss", seconds
    elif minutes <= 1:
        key, n = "m", 1
    elif minutes < 45:
        key, n = "mm", minutes
    elif hours <= 1:
        key, n = "h", 1
    elif hours < 22:
        key, n = "hh", hours
    elif days <= 1:
        key, n = "d", 1
    elif days < 26:
        key, n = "dd", days
    elif months_r <= 1:
        key, n = "M", 1
    elif months_r < 11:
        key, n = "MM", months_r
    elif years <= 1:
        key, n = "y", 1
    else:
        key, n = "yy", years
    zh = _locale(lang) is _ZH_CN
    text = (_REL_ZH if zh else _REL_EN)[key].format(n)
    if zh:
        return f"{text}{'后' if future else '前'}"
    return f"in {text}" if future else f"{text} ago"
