"""Archive pages: all posts, then per year and per month (per day when enabled), paginated."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from engine.generators.paginate import paginate, per_page_of, sort_posts
from engine.routes import Route

if TYPE_CHECKING:
    from engine.core import Engine
    from engine.model import Site

LAYOUTS = ("archive", "index")


def generate_archive(site: "Site", engine: "Engine") -> Iterable[Route]:
    raw = engine.config.raw
    opts = raw.get("archive_generator") or {}
    if opts.get("enabled") is False:
        return
    per_page = per_page_of(opts, raw)
    if raw.get("archive") == 1 and opts.get("per_page") is None:
        per_page = 0
    pdir = str(raw.get("pagination_dir") or "page")
    base = str(raw.get("archive_dir") or "archives").strip("/") + "/"
    posts = sort_posts(site.posts, opts.get("order_by"))
    yield from paginate(base, posts, per_page, pdir, LAYOUTS, "archive", {"archive": True}, "archive")

    tz = engine.config.tz
    years: dict[int, list] = {}
    for post in posts:
        d = post.date.astimezone(tz) if tz else post.date.astimezone()
        years.setdefault(d.year, []).append((d, post))
    for year in sorted(years, reverse=True):
        items = years[year]
        if opts.get("yearly", True) is not False:
            yield from paginate(f"{base}{year}/", [p for _, p in items], per_page, pdir, LAYOUTS,
                                "archive", {"archive": True, "year": year}, "archive")
        if opts.get("monthly", True) is False and not opts.get("daily"):
            continue
        months: dict[int, list] = {}
        for d, post in items:
            months.setdefault(d.month, []).append((d, post))
        for month in sorted(months, reverse=True):
            mitems = months[month]
            if opts.get("monthly", True) is not False:
                yield from paginate(f"{base}{year}/{month:02d}/", [p for _, p in mitems], per_page,
                                    pdir, LAYOUTS, "archive",
                                    {"archive": True, "year": year, "month": month}, "archive")
            if opts.get("daily"):
                days: dict[int, list] = {}
                for d, post in mitems:
                    days.setdefault(d.day, []).append(post)
                for day in sorted(days, reverse=True):
                    yield from paginate(f"{base}{year}/{month:02d}/{day:02d}/", days[day],
                                        per_page, pdir, LAYOUTS, "archive",
                                        {"archive": True, "year": year, "month": month, "day": day},
                                        "archive")
