"""Listening figures: downloads per episode and per day, counted the way podcast measurement counts them (IAB).

One listener is an address and a user agent; each listener counts at most once per episode per UTC day, once the
bytes they asked for reach a minute of audio (or the whole of a shorter file); known bots are left out. Addresses
are never stored: only an HMAC with a salt that is replaced each day (listeners.py). Requests come from
``narrate serve``'s own file serving (downloads.record_request) and from access logs (accesslog.import_log).
"""

from narrate.stats.accesslog import ImportSummary, import_log
from narrate.stats.downloads import Request, record_request
from narrate.stats.figures import EpisodeFigures, Period, daily_totals, episode_figures

__all__ = [
    "EpisodeFigures", "ImportSummary", "Period", "Request", "daily_totals", "episode_figures", "import_log",
    "record_request",
]  # fmt: skip
