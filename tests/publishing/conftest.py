"""Fixtures for the page tests."""

from __future__ import annotations

import pytest

from tests.publishing.samples import Rendered, rendered, sample_article


@pytest.fixture
def sample() -> Rendered:
    """A published episode of the sample article, as publishing hands it to the page writer."""
    return rendered(sample_article())
