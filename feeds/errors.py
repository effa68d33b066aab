"""The one error of this library."""


class FeedError(ValueError):
    """Input a podcast feed, transcript, chapter list or cover cannot be made from, said in one line.

    A ValueError too, so callers that do not import this library's names still catch it.
    """
