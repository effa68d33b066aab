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


def public_addresses(url: str, allow: str = "") -> list[str]:
    """The addresses of the URL's host, once each is checked; SourceError unless all are public or allow-listed.

    The fetch connects to exactly these: resolving the name again would let a DNS server answer differently
    the second time (DNS rebinding) and lead the request to a private address after all. An empty list means
    the host name itself is allow-listed, and the fetch may resolve it as usual.
    """
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        raise SourceError(f"cannot fetch {url}: no host in the URL")
    hosts, networks = parse_allow_list(allow)
    if host in hosts:
        return []
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        raise SourceError(f"cannot fetch {url}: unknown host {host}") from None
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not any(address in network for network in networks) and (not address.is_global or address.is_multicast):
            raise SourceError(
                f"refusing to fetch {url}: {host} is a private, loopback or link-local address ({address})"
            )
        if text not in addresses:
            addresses.append(text)
    return addresses
