import re

import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.gtts import GttsEngine
from narrate.errors import ConfigError
from narrate.settings import Settings
from tests.support.gtts_server import GttsServer, speech_seconds


def make_engine(
    url: str, retries: int = 2, backoff: float = 0.01, timeout: float = 2.0, lang: str = "en"
) -> GttsEngine:
    settings = Settings(
        engine="gtts", gtts_url=url, gtts_lang=lang, engine_retries=retries, engine_backoff=backoff,
        engine_timeout=timeout,
    )  # fmt: skip
    return GttsEngine(settings)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_speaks_text_through_gtts(gtts_server: GttsServer) -> None:
    text = "Müller & Söhne sell crème brûlée"
    speech = make_engine(gtts_server.url).synthesize(text)

    assert gtts_server.texts == [text]
    assert gtts_server.languages == ["en"]
    assert speech.sample_rate == 24000
    assert speech.duration == pytest.approx(speech_seconds(text), abs=0.08)
    samples = np.frombuffer(speech.pcm, "<i2").astype(float)
    assert np.sqrt(np.mean(samples**2)) > 1000  # the server's tone, not silence


def test_long_text_is_split_by_gtts_and_joined(gtts_server: GttsServer) -> None:
    first = "The council met on Tuesday evening to discuss the library budget, which has grown again this year."
    second = "Residents asked for longer opening hours at weekends."
    speech = make_engine(gtts_server.url).synthesize(f"{first} {second}")

    assert gtts_server.request_count >= 2
    # gTTS cuts at punctuation and drops it; every word must still be sent, in order.
    assert words(" ".join(gtts_server.texts)) == words(f"{first} {second}")
    # Each part decodes to the server's tone plus the MP3 encoder's padding.
    parts = gtts_server.request_count
    expected = sum(speech_seconds(part) for part in gtts_server.texts)
    assert speech.duration == pytest.approx(expected, abs=parts * 0.08)


def test_get_engine_uses_gtts_url_and_language_from_settings(gtts_server: GttsServer) -> None:
    settings = Settings(engine="gtts", gtts_url=gtts_server.url, gtts_lang="de")
    engine = get_engine("gtts", settings)

    assert engine.synthesize("Guten Tag").duration > 0
    assert gtts_server.languages == ["de"]
    assert engine.voice_id == f"gtts lang=de host={gtts_server.url}"
    assert get_engine("gtts", settings) is engine


def test_nothing_to_say_sends_nothing(gtts_server: GttsServer) -> None:
    speech = make_engine(gtts_server.url).synthesize("  … — ")
    assert speech.pcm == b""
    assert gtts_server.request_count == 0


def test_unsupported_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^gtts: unsupported language 'xx-nowhere'$"):
        make_engine("http://127.0.0.1:9", lang="xx-nowhere")
