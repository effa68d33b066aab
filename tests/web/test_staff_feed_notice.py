"""The staff page tells staff while a feed lacks its owner, and stops once it has one."""

from __future__ import annotations

import dataclasses

import httpx
import lxml.html

from narrate.web.tokens import create_token
from tests.web.conftest import Start


def notices(client: httpx.Client) -> list[str]:
    page = lxml.html.document_fromstring(client.get("/staff").text)
    return [li.text_content() for li in page.xpath("//section[@class='feed-notices']//li")]


def test_the_staff_page_names_feeds_without_an_owner(start_service: Start) -> None:
    running = start_service()
    token = create_token(running.store, "desk")
    with running.client() as client:
        assert client.post("/staff/login", data={"token": token}).status_code == 303
        [notice] = notices(client)
        assert notice.startswith("feed 'main' has no owner name and owner e-mail, which podcast directories use")
        assert "narrate feed edit main --owner-name 'Audio desk' --owner-email audio@example.org" in notice
        page = lxml.html.document_fromstring(client.get("/staff").text)
        assert page.xpath("//section[@class='feed-notices']/h2/text()") == ["Missing owner details"]

        settings = running.app.state.service.settings
        settings.feeds["main"] = dataclasses.replace(
            settings.feed("main"), owner_name="Audio desk", owner_email="audio@example.org"
        )
        assert notices(client) == []
