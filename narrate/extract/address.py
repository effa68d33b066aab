"""Which hosts a URL fetch may reach: the service never fetches private, loopback or link-local addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from narrate.errors import SourceError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_allow_list(allow: str) -> tuple[set[str], list[Network]]:
    """ "intranet.example.org, 10.1.0.0/16" -> ({"intranet.example.org"}, [10.1.0.0/16])."""
    hosts: set[str] = set()
    networks: list[Network] = []
    for entry in (e.strip() for e in allow.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower())
    return hosts, networks


def check_public(url: str, allow: str = "") -> None:
    """Raise SourceError unless every address of the URL's host is public or allow-listed."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        raise SourceError(f"cannot fetch {url}: no host in the URL")
    hosts, networks = parse_allow_list(allow)
    if host in hosts:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise SourceError(f"cannot fetch {url}: unknown host {host}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if any(address in network for network in networks):
            continue
        if not address.is_global or address.is_multicast:
            raise SourceError(
                f"refusing to fetch {url}: {host} is a private, loopback or link-local address ({address})"
            )
