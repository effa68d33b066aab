"""Following sites: feeds (RSS 2.0, Atom, JSON Feed) and sitemaps polled, and CMS webhooks, become episodes.

    records.follow(settings, store, url, feed=...)   a source and its webhook secret (shown once)
    poll.poll(settings, store, source, send)         read it now (conditionally) and queue what is new or changed
    poll.poll_due(settings, store, send)             what workers and the embedded service run periodically
    webhook.check_call(...) -> HookCall              a CMS's signed call (Ghost's or the generic form), checked
    webhook.carry_out(settings, store, call, send)   and done

``send(episode_id, render_id)`` hands a render on: worker.send_render with a broker, the embedded renderer without.
"""

from narrate.sources.poll import PollReport, poll, poll_due
from narrate.sources.records import find, follow, forget, sources, summaries

__all__ = ["PollReport", "find", "follow", "forget", "poll", "poll_due", "sources", "summaries"]
