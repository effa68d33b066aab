"""The figures staff read: downloads per episode and per day over a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from narrate.store import Episode, Status, Store
from narrate.store.models import Download


@dataclass(frozen=True)
class Period:
    """The UTC days from ``first`` to ``last``, both included."""

    first: dt.date
    last: dt.date

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Period:
        last = today or dt.datetime.now(dt.UTC).date()
        return cls(last - dt.timedelta(days=max(days, 1) - 1), last)

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class EpisodeFigures:
    id: str
    title: str
    feed: str
    downloads: int
    per_day: dict[dt.date, int] = field(default_factory=dict)
    """Days with downloads only."""

    def as_json(self) -> dict[str, object]:
        days = [{"date": day.isoformat(), "downloads": n} for day, n in sorted(self.per_day.items())]
        return {
            "id": self.id,
            "title": self.title,
            "feed": self.feed,
            "downloads": self.downloads,
            "per_day": days,
        }


def episode_figures(
    store: Store,
    period: Period | None = None,
    *,
    feed: str | None = None,
    episode_id: str | None = None,
) -> list[EpisodeFigures]:
    """Published episodes (and any other with downloads) and their downloads in ``period`` (None: all time), the
    most downloaded first."""
    counts = select(Download.episode_id, Download.day, func.count()).where(Download.counted_at.is_not(None))
    if period:
        counts = counts.where(Download.day >= period.first, Download.day <= period.last)
    counts = counts.group_by(Download.episode_id, Download.day)
    episodes = select(Episode.id, Episode.title, Episode.feed, Episode.status)
    if feed:
        episodes = episodes.where(Episode.feed == feed)
    if episode_id:
        episodes = episodes.where(Episode.id == episode_id)
    per_day: dict[str, dict[dt.date, int]] = {}
    with store.session() as session:
        for found, day, count in session.execute(counts):
            per_day.setdefault(found, {})[day] = count
        rows = list(session.execute(episodes))
    figures = [
        EpisodeFigures(id, title, feed_slug, sum(per_day.get(id, {}).values()), per_day.get(id, {}))
        for id, title, feed_slug, status in rows
        if status == Status.PUBLISHED.value or id in per_day
    ]
    return sorted(figures, key=lambda f: (-f.downloads, f.title.casefold(), f.id))


def daily_totals(figures: list[EpisodeFigures], period: Period) -> list[tuple[dt.date, int]]:
    """Downloads of all ``figures`` on each day of ``period``, days without any included."""
    totals = dict.fromkeys(period.days, 0)
    for episode in figures:
        for day, count in episode.per_day.items():
            if day in totals:
                totals[day] += count
    return list(totals.items())
