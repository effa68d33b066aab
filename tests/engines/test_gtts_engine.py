import re
import socket
import time

import numpy as np
import pytest

from narrate.engines import get_engine
from narrate.engines.gtts import GttsEngine
from narrate.errors import ConfigError, EngineError
from narrate.settings import Settings
from tests.support.gtts_server import TONE_SECONDS, GttsServer


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
    assert speech.duration == pytest.approx(TONE_SECONDS, abs=0.08)
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
    assert speech.duration == pytest.approx(parts * TONE_SECONDS, abs=parts * 0.08)


def test_get_engine_uses_gtts_url_and_language_from_settings(gtts_server: GttsServer) -> None:
    settings = Settings(engine="gtts", gtts_url=gtts_server.url, gtts_lang="de")
    engine = get_engine("gtts", settings)

    assert engine.synthesize("Guten Tag").duration > 0
    assert gtts_server.languages == ["de"]
    assert engine.voice_id == f"gtts lang=de host={gtts_server.url}"
    assert get_engine("gtts", settings) is engine


def test_429_is_retried_and_retry_after_honoured(gtts_server: GttsServer) -> None:
    gtts_server.queue("429", "ok")
    started = time.monotonic()
    # A 5 s backoff would make this slow: Retry-After: 0 must win.
    speech = make_engine(gtts_server.url, backoff=5.0).synthesize("Hello there")

    assert time.monotonic() - started < 2.0
    assert gtts_server.texts == ["Hello there", "Hello there"]
    assert speech.duration > 0


def test_server_errors_exhaust_retries_with_doubling_backoff(gtts_server: GttsServer) -> None:
    gtts_server.default = "500"
    started = time.monotonic()
    with pytest.raises(EngineError) as failure:
        make_engine(gtts_server.url, retries=2, backoff=0.1).synthesize("Hello there")

    assert str(failure.value) == "gtts: HTTP 500 after 3 attempts"
    assert gtts_server.request_count == 3
    assert time.monotonic() - started >= 0.1 + 0.2


def test_client_errors_fail_at_once(gtts_server: GttsServer) -> None:
    gtts_server.queue("403")
    with pytest.raises(EngineError, match=r"^gtts: HTTP 403 Forbidden$"):
        make_engine(gtts_server.url).synthesize("Hello there")
    assert gtts_server.request_count == 1


@pytest.mark.parametrize("response", ["garbage", "truncated", "html"])
def test_a_response_without_audio_is_an_error_not_silence(gtts_server: GttsServer, response: str) -> None:
    gtts_server.queue(response)
    with pytest.raises(EngineError, match=r"^gtts: the response (is not audio|holds no audio)"):
        make_engine(gtts_server.url).synthesize("Hello there")
    assert gtts_server.request_count == 1


def test_slow_server_times_out_and_is_retried(gtts_server: GttsServer) -> None:
    gtts_server.default = "slow"
    with pytest.raises(EngineError, match=r"^gtts: no answer within 0.2 s after 2 attempts$"):
        make_engine(gtts_server.url, retries=1, timeout=0.2).synthesize("Hello there")
    assert gtts_server.request_count == 2


def test_unreachable_host_is_retried_then_fails() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(EngineError, match=rf"^gtts: cannot reach {url} after 2 attempts$"):
        make_engine(url, retries=1).synthesize("Hello there")


def test_nothing_to_say_sends_nothing(gtts_server: GttsServer) -> None:
    speech = make_engine(gtts_server.url).synthesize("  … — ")
    assert speech.pcm == b""
    assert gtts_server.request_count == 0


def test_unsupported_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^gtts: unsupported language 'xx-nowhere'$"):
        make_engine("http://127.0.0.1:9", lang="xx-nowhere")
