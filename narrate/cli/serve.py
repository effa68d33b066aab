"""``narrate serve``: the HTTP service, publishing under the address it serves unless told another."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

from narrate.errors import ConfigError
from narrate.settings import Settings, http_url

WILDCARDS = ("", "0.0.0.0", "::", "[::]")
"""Listening on every address: there is no one address to publish, so the machine's name stands for it."""


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from narrate.logs import redact

    base_note = choose_base_url(settings, args.host, args.port)
    from narrate.web import app as web
    from narrate.web.server import server_config

    # Both refuse bad settings (ConfigError, one line) before anything listens.
    config = server_config(web.create_app(settings), settings, host=args.host, port=args.port, log_level="warning")
    mode = f"broker {redact(settings.broker_url)}" if settings.broker_url else "embedded renderer (no broker)"
    print(f"narrate: serving {settings.public_dir} and the staff API on http://{_netloc(args.host, args.port)} "
          f"({mode})", file=sys.stderr)
    print(f"narrate: {base_note}", file=sys.stderr)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3  # as uvicorn.run: the app's start-up failed (its log says why)


def choose_base_url(settings: Settings, host: str, port: int) -> str:
    """Settle the URL everything is published under, and say which and why (one line, for the start-up log).

    NARRATE_BASE_URL (or base_url in narrate.toml) wins. Unset, the embedded service publishes under the address it
    serves, so that ``narrate serve --port 8301`` does not hand listeners links to localhost:8000. With a broker the
    workers publish too, with their own settings: the service keeps the same default as they do, and says to set it.
    """
    origin = settings.origin("base_url")
    if origin:
        return f"publishing URLs under {settings.base_url} (from {origin})"
    if settings.broker_url:
        return (f"publishing URLs under {settings.base_url}, the default, as the workers do: set NARRATE_BASE_URL "
                "to the public address for this service and every worker alike")
    name = host.strip("[]")
    why = "the address served"
    if host in WILDCARDS:
        name = machine_name()
        why = f"this machine's name, as it listens on every address ({host or 'all'})"
    if port == 0:
        raise ConfigError("--port 0 picks a port at random: set NARRATE_BASE_URL, or give the port to publish under")
    base = http_url(f"http://{_netloc(name, port)}", "the address served (--host, --port)", base=True)
    settings.base_url = base
    # The embedded renderer reads its settings afresh for every render (worker.context(), as workers do): it must
    # publish under the same address. The environment is how a setting reaches it, as it reaches any worker.
    os.environ["NARRATE_BASE_URL"] = base
    return (f"publishing URLs under {base}, {why}, since NARRATE_BASE_URL is unset (set it to publish under a "
            "public name, and for commands run outside this service)")


def machine_name() -> str:
    """The name other machines most likely reach this one by: its fully qualified name, else its host name."""
    for name in (socket.getfqdn(), socket.gethostname()):
        if name and name != "localhost" and not name.startswith("localhost."):
            return name
    return "localhost"


def _netloc(host: str, port: int) -> str:
    host = host.strip("[]")
    try:
        bracketed = f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        bracketed = host
    return f"{bracketed}:{port}"
