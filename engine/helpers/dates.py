"""Date helpers: date, time, full_date, date_xml, time_tag, relative_date and `moment`.

Dates are shown in `config.timezone` (ctx.engine.config.tz; None means the machine's zone, as
Hexo) with moment tokens, through engine.dates. `moment(...)` returns a small `Moment` object with
the moment.js methods themes use (`format`, `toISOString`, `year`, `fromNow`…).
"""
from __future__ import annotations

from datetime import date as _date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from engine.dates import iso_z, moment_format, parse_date, relative_time, to_zone
# engine.dates' own tokenizer and token formatter, for `_moment` below.
from engine.dates import _TOKENS, _format_token, _locale, expand_localized
from engine.helpers._util import page_lang, site_memo, truthy

DEFAULT_FORMAT = "YYYY-MM-DDTHH:mm:ssZ"   # moment's format() without an argument


def moment_locale(lang: Any) -> str:
    """Hexo's toMomentLocale: 'zh_CN' → 'zh-cn'; '', 'en', 'default' → 'en'."""
    if not truthy(lang) or lang in ("en", "default"):
        return "en"
    return str(lang).lower().replace("_", "-", 1)


def _tz(ctx):
    return getattr(ctx.engine.config, "tz", None)


def to_datetime(value: Any, tz=None) -> datetime | None:
    """An aware datetime from what templates pass: datetime, date, Moment, epoch ms, or a string.

    None (and Jinja's Undefined) mean "now", as `moment()` does; an unparseable value gives None.
    """
    if isinstance(value, Moment):
        return value.dt
    if value is None or type(value).__name__.endswith("Undefined"):
        return datetime.now(timezone.utc)
    try:
        return parse_date(value, tz)
    except ValueError:   # an invalid date prints "Invalid date"; it never stops the page
        return None


def _page_dates(ctx) -> tuple[Any, str, dict | None]:
    """(display zone, moment locale, memo of formatted dates) for the page being rendered.

    The zone and the locale are worked out once per page (RenderContext.extra lives for one
    route render). List pages format the same post dates over and over, so formatted dates are
    memoised per build (on the Site), keyed by everything the text depends on; not in the
    machine's zone (tz None), which tests change.
    """
    raw = ctx.config                       # a new dict when a test changes the config
    extra = getattr(ctx, "extra", None)
    cached = extra.get("_dates") if isinstance(extra, dict) else None
    if cached is not None and cached[0] is raw:
        return cached[1]
    tz = _tz(ctx)
    memo = site_memo(ctx, "formatted_dates", None, dict) \
        if tz is not None and getattr(ctx, "site", None) is not None else None
    found = (tz, moment_locale(page_lang(ctx)), memo)
    if isinstance(extra, dict):
        extra["_dates"] = (raw, found)
    return found


def _format(ctx, value: Any, fmt: Any, default_key: str) -> str:
    fmt = str(fmt if truthy(fmt) else ctx.config.get(default_key))
    tz, lang, memo = _page_dates(ctx)
    if memo is None or type(value) is not datetime:
        return _format_value(value, fmt, tz, lang)
    # `fold` is in the key: datetimes in one zone compare equal across a DST fold.
    key = (value, value.fold, fmt, tz, lang)
    text = memo.get(key)
    if text is None:
        text = memo[key] = _format_value(value, fmt, tz, lang)
    return text


def _format_value(value: Any, fmt: str, tz, lang: str) -> str:
    dt = to_datetime(value, tz)
    if dt is None:
        return "Invalid date"
    return _moment(dt, fmt, tz, lang)


def _moment(dt: datetime, fmt: str, tz, lang: str | None) -> str:
    """engine.dates.moment_format(dt, fmt, tz, lang), with `fmt` parsed once per format and
    language instead of on every call (four times faster: a build formats thousands of dates
    in a handful of formats)."""
    dt = to_zone(dt, tz)
    zone_name = (dt.tzname() or "") if tz is not None else ""
    loc = _locale(lang)
    return "".join(text if literal else _format_token(text, dt, loc, zone_name)
                   for literal, text in _parsed_format(fmt, lang))


# The one-character tokens engine.dates._format_token formats; it returns any other character
# (punctuation, spaces, CJK text) as it is.
_ONE_CHAR_TOKENS = frozenset("YyNMQDdeEwgWGHhkmsSaAZzXx")


@lru_cache(maxsize=256)
def _parsed_format(fmt: str, lang: str | None) -> tuple[tuple[bool, str], ...]:
    """`fmt` as (is literal text, text or token) pieces, split as engine.dates splits it."""
    pieces = []
    for m in _TOKENS.finditer(expand_localized(fmt, lang or "en")):
        tok = m.group(0)
        if tok.startswith("["):
            pieces.append((True, tok[1:-1]))
        elif tok.startswith("\\"):
            pieces.append((True, tok[1:]))
        else:
            pieces.append((len(tok) == 1 and tok not in _ONE_CHAR_TOKENS, tok))
    return tuple(pieces)


def date(ctx, value: Any = None, fmt: Any = None, *args: Any, **kwargs: Any) -> str:
    """`value` as config.date_format (or `fmt`) in the site's timezone."""
    return _format(ctx, value, fmt or kwargs.get("format"), "date_format")


def time(ctx, value: Any = None, fmt: Any = None, *args: Any, **kwargs: Any) -> str:
    """`value` as config.time_format (or `fmt`)."""
    return _format(ctx, value, fmt or kwargs.get("format"), "time_format")


def full_date(ctx, value: Any = None, fmt: Any = None, *args: Any, **kwargs: Any) -> str:
    """`fmt` when given, else 'date time' with the configured formats."""
    fmt = fmt or kwargs.get("format")
    if truthy(fmt):
        return _format(ctx, value, fmt, "date_format")
    return f"{date(ctx, value)} {time(ctx, value)}"


def date_xml(ctx, value: Any = None, *args: Any, **kwargs: Any) -> str:
    """ISO 8601 in UTC with milliseconds: '2024-01-18T10:00:00.000Z'."""
    tz, _, memo = _page_dates(ctx)
    if memo is None or type(value) is not datetime:
        dt = to_datetime(value, tz)
        return iso_z(dt) if dt is not None else "Invalid Date"
    key = ("xml", value, value.fold, tz)
    text = memo.get(key)
    if text is None:
        text = memo[key] = iso_z(to_datetime(value, tz))
    return text


def time_tag(ctx, value: Any = None, fmt: Any = None, *args: Any, **kwargs: Any) -> str:
    """`<time datetime="ISO">date</time>`."""
    return f'<time datetime="{date_xml(ctx, value)}">{date(ctx, value, fmt)}</time>'


def relative_date(ctx, value: Any = None, *args: Any, **kwargs: Any) -> str:
    """moment's fromNow(): 'a few seconds ago', '3 days ago', 'in 2 years'."""
    dt = to_datetime(value, _tz(ctx))
    return from_now(dt, moment_locale(page_lang(ctx))) if dt is not None else "Invalid date"


def from_now(dt: datetime, lang: str | None = "en") -> str:
    return relative_time(dt, datetime.now(timezone.utc), lang)


_UNITS = {
    "ms": "milliseconds", "millisecond": "milliseconds", "milliseconds": "milliseconds",
    "s": "seconds", "second": "seconds", "seconds": "seconds",
    "m": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks",
}


class Moment:
    """The subset of a moment.js object that templates use, over an aware datetime."""

    __slots__ = ("dt", "zone", "lang")

    def __init__(self, dt: datetime, zone=None, lang: str = "en"):
        self.dt = dt
        self.zone = zone            # display zone (ZoneInfo); None = the machine's zone
        self.lang = lang

    # -- output
    def format(self, fmt: str | None = None) -> str:
        return moment_format(self.dt, fmt or DEFAULT_FORMAT, tz=self.zone, lang=self.lang)

    def toISOString(self) -> str:  # noqa: N802 - moment's name
        return iso_z(self.dt)

    def toJSON(self) -> str:  # noqa: N802
        return self.toISOString()

    def toDate(self) -> datetime:  # noqa: N802
        return self.dt

    def valueOf(self) -> int:  # noqa: N802
        return int(round(self.dt.timestamp() * 1000))

    def unix(self) -> int:
        return int(self.dt.timestamp())

    def fromNow(self) -> str:  # noqa: N802
        return from_now(self.dt, self.lang)

    def isValid(self) -> bool:  # noqa: N802
        return True

    # -- fields in the display zone
    def _local(self) -> datetime:
        return to_zone(self.dt, self.zone)

    def year(self) -> int:
        return self._local().year

    def month(self) -> int:
        return self._local().month - 1     # moment months are 0-based

    def date(self) -> int:
        return self._local().day

    def day(self) -> int:
        return (self._local().weekday() + 1) % 7   # Sunday is 0

    def hour(self) -> int:
        return self._local().hour

    def minute(self) -> int:
        return self._local().minute

    def second(self) -> int:
        return self._local().second

    def millisecond(self) -> int:
        return self._local().microsecond // 1000

    # -- derived moments
    def clone(self) -> "Moment":
        return Moment(self.dt, self.zone, self.lang)

    def locale(self, lang: str | None = None):
        if lang is None:
            return self.lang
        return Moment(self.dt, self.zone, moment_locale(lang))

    def utc(self) -> "Moment":
        return Moment(self.dt, timezone.utc, self.lang)

    def local(self) -> "Moment":
        return Moment(self.dt, None, self.lang)

    def tz(self, name: str) -> "Moment":
        from zoneinfo import ZoneInfo
        return Moment(self.dt, ZoneInfo(name), self.lang)

    def add(self, amount: float, unit: str = "ms") -> "Moment":
        return self._shift(amount, unit)

    def subtract(self, amount: float, unit: str = "ms") -> "Moment":
        return self._shift(-amount, unit)

    def _shift(self, amount: float, unit: str) -> "Moment":
        unit = str(unit)
        if unit in ("y", "year", "years", "M", "month", "months"):
            months = int(amount) * (12 if unit.startswith("y") else 1)
            local = self._local()
            total = local.month - 1 + months
            year, month = local.year + total // 12, total % 12 + 1
            day = min(local.day, _days_in_month(year, month))
            return Moment(local.replace(year=year, month=month, day=day), self.zone, self.lang)
        key = _UNITS.get(unit, "milliseconds")
        return Moment(self.dt + timedelta(**{key: amount}), self.zone, self.lang)

    def isBefore(self, other: Any) -> bool:  # noqa: N802
        return self.dt < to_datetime(other)

    def isAfter(self, other: Any) -> bool:  # noqa: N802
        return self.dt > to_datetime(other)

    def isSame(self, other: Any) -> bool:  # noqa: N802
        return self.dt == to_datetime(other)

    def __lt__(self, other: Any) -> bool:
        return self.isBefore(other)

    def __gt__(self, other: Any) -> bool:
        return self.isAfter(other)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, (Moment, datetime)) and self.isSame(other)

    def __hash__(self) -> int:
        return hash(self.dt)

    def __str__(self) -> str:
        # moment's toString(): 'Thu Jan 18 2024 10:00:00 GMT+0000'
        return self.format("ddd MMM DD YYYY HH:mm:ss [GMT]ZZ")

    def __repr__(self) -> str:
        return f"Moment({self.toISOString()})"


def _days_in_month(year: int, month: int) -> int:
    nxt = _date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def moment(ctx, value: Any = None, *args: Any, **kwargs: Any) -> Moment:
    """`moment()` now, `moment(date)`; shown in config.timezone and the page language."""
    tz = _tz(ctx)
    dt = to_datetime(value, tz)
    if dt is None:
        raise ValueError(f"moment(): invalid date {value!r}")
    return Moment(dt, tz, moment_locale(page_lang(ctx)))


HELPERS = {
    "date": date, "time": time, "full_date": full_date, "date_xml": date_xml,
    "time_tag": time_tag, "relative_date": relative_date, "moment": moment,
}
