"""Which hosts a URL fetch may reach: the service never fetches private, loopback or link-local addresses."""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from narrate.errors import ConfigError, SourceError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges that are never "the public Internet", listed here as well as left to ipaddress.is_global, whose
# lists differ between Python versions (3.11.7 calls fec0::/10 and 192.0.0.9 global). IANA's special-purpose
# registries, plus the deprecated site-local range.
_NOT_PUBLIC = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments, the DS-Lite and NAT64 gateways' own addresses among them
        "192.0.2.0/24",
        "192.88.99.0/24",  # the old 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "100::/64",
        "64:ff9b:1::/48",  # NAT64 for a network's own use (RFC 8215): it leads inside
        "2001::/23",  # Teredo, benchmarking, ORCHID and other protocol assignments
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
]
# IPv6 prefixes whose last 32 bits are an IPv4 address: IPv4-compatible, IPv4-translated, NAT64 well-known.
_CARRIERS = [ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96")]
_HOST_PORT = re.compile(r"^(?:\[(?P<v6>[0-9a-fA-F:./]+)\]|(?P<host>[^\s:\[\]@]+)):(?P<port>\d{1,5})$")
_HOST_NAME = re.compile(r"^\w(?:[\w.-]*\w)?\.?$")


@dataclass
class AllowList:
    """NARRATE_FETCH_ALLOW read: host names and networks, each on any port or on one port only."""

    hosts: set[str] = field(default_factory=set)
    networks: list[Network] = field(default_factory=list)
    host_ports: set[tuple[str, int]] = field(default_factory=set)
    network_ports: list[tuple[Network, int]] = field(default_factory=list)

    def admits_host(self, host: str, port: int) -> bool:
        return host in self.hosts or (host, port) in self.host_ports

    def admits_address(self, address: Address, port: int) -> bool:
        embedded = _embedded_ipv4(address)
        candidates = [address] if embedded is None else [address, embedded]
        return any(a in n for a in candidates for n in self.networks) or any(
            a in n and port == p for a in candidates for n, p in self.network_ports
        )


def parse_allow_list(allow: str) -> AllowList:
    """ "intranet.example.org, 10.1.0.0/16, wiki.local:8080, [fd00::5]:443" -> an AllowList.

    An entry with a port admits that host (or address) on that port only. ConfigError names an entry that is
    neither a host name nor an address or network, since it would otherwise silently never match.
    """
    allowed = AllowList()
    for entry in (e.strip().lower() for e in allow.split(",")):
        if not entry:
            continue
        network = _network(entry[1:-1] if entry.startswith("[") and entry.endswith("]") else entry)
        if network is not None:
            allowed.networks.append(network)
            continue
        match = _HOST_PORT.match(entry)
        if match:
            port = int(match.group("port"))
            if not 0 < port < 65536:
                raise ConfigError(f"NARRATE_FETCH_ALLOW: {entry!r} has no valid port (1-65535)")
            host = match.group("v6") or match.group("host")
            network = _network(host)
            if network is not None:
                allowed.network_ports.append((network, port))
            elif _HOST_NAME.match(host):
                allowed.host_ports.add((host.rstrip("."), port))
            else:
                raise _not_an_entry(entry)
            continue
        if not _HOST_NAME.match(entry):
            raise _not_an_entry(entry)
        allowed.hosts.add(entry.rstrip("."))
    return allowed


def _not_an_entry(entry: str) -> ConfigError:
    return ConfigError(
        f"NARRATE_FETCH_ALLOW: {entry!r} is not a host name, address or network "
        "(write a host, an address or a network such as 10.1.0.0/16, each optionally with :port)"
    )


def _network(text: str) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def is_public(address: Address) -> bool:
    """True for an address on the public Internet; False for private, loopback, link-local, reserved and
    special-purpose ones, and for IPv6 forms that carry such an IPv4 address (mapped, NAT64, 6to4, ...)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        # Such an address leads to the IPv4 address inside it: it is exactly as public as that one.
        return is_public(embedded)
    return address.is_global and not address.is_multicast and not any(address in n for n in _NOT_PUBLIC)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one.

    IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d, which
    makes :: and ::1 stand for 0.0.0.0 and 0.0.0.1), NAT64's well-known prefix (64:ff9b::a.b.c.d) and
    6to4 (2002:AABB:CCDD::). Teredo and the local-use NAT64 prefix are refused whatever they carry.
    """
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _CARRIERS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def public_addresses(url: str, allow: str = "") -> list[str]:
    """The addresses of the URL's host, once each is checked; SourceError unless all are public or allow-listed.

    The fetch connects to exactly these: resolving the name again would let a DNS server answer differently
    the second time (DNS rebinding) and lead the request to a private address after all. An empty list means
    the host name itself is allow-listed, and the fetch may resolve it as usual.
    A refusal names the host but never the address a name resolved to: that would map the inside network.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise SourceError(f"cannot fetch {url}: no host in the URL")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise SourceError(f"cannot fetch {url}: not a valid port") from None
    allowed = parse_allow_list(allow)
    if allowed.admits_host(host, port):
        return []
    literal = _network(host) is not None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        raise SourceError(f"cannot fetch {url}: unknown host {host}") from None
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not allowed.admits_address(address, port) and not is_public(address):
            where = "is" if literal else "resolves to"
            raise SourceError(f"refusing to fetch {url}: {host} {where} a private, loopback or link-local address")
        if text not in addresses:
            addresses.append(text)
    return addresses


def refuse_private_literal(url: str, allow: str = "") -> None:
    """SourceError if the URL's host is written as an address (in any form the resolver reads as one: 10.0.0.5,
    127.1, 0x7f000001, [::ffff:127.0.0.1]) that no fetch may reach. A host name is left to each fetch, which
    resolves it then: what it resolves to now says nothing about later."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    try:
        socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return  # a name (or no host: the caller says so)
    public_addresses(url, allow)
