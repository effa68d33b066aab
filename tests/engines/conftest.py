from collections.abc import Iterator

import pytest

from tests.support.gtts_server import GttsServer


@pytest.fixture
def gtts_server() -> Iterator[GttsServer]:
    """A running local gTTS endpoint; script its answers with ``gtts_server.queue(...)``."""
    with GttsServer(slow_seconds=1.0) as server:
        yield server
