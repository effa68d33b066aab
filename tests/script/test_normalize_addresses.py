"""Web and e-mail addresses, handles, tags and phone numbers (narrate.script.normalize.addresses)."""

from __future__ import annotations

from narrate.script.normalize import expand_addresses, read_phone_numbers, reduce_urls


def test_reduce_urls_keeps_the_host_and_the_sentence_punctuation() -> None:
    assert reduce_urls("See http://news.example.co.uk/a/b.html, then www.fcnl.org/x.") == (
        "See news.example.co.uk, then fcnl.org."
    )


def test_expand_addresses() -> None:
    assert expand_addresses("Mail jane.doe@fcnl.org or see node.js") == (
        "Mail jane dot doe at F C N L dot org or see node dot J S"
    )


def test_read_phone_numbers_leaves_other_numbers_as_digits() -> None:
    assert read_phone_numbers("Call (202) 555-0143 about the 2024-25 budget of 300.") == (
        "Call two zero two, five five five, zero one four three about the 2024-25 budget of 300."
    )


def test_brackets_glued_to_a_url_are_no_crash() -> None:
    # urlsplit takes "[...]" after a host for an IPv6 address and raises; the host before the brackets is read.
    read = reduce_urls("See https://example.org[^1]: the note.")
    assert read.startswith("See example.org") and read.endswith(": the note.") and "https" not in read
    assert reduce_urls("Go to http://news.example.com]x[1 now") == "Go to news.example.com now"
    assert reduce_urls("A https://[not-an-address/x link") == "A https://[not-an-address/x link"
