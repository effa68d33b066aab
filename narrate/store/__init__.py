"""Where narrate keeps its state: the database (models, the Store over it, the schema's migrations).

The names below are loaded when first asked for: SQLAlchemy takes half a CPU-second to import, and commands that
only read (narrate episodes, an unchanged re-add) use status.py and rows.py instead, which need none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narrate.lazy import exports

if TYPE_CHECKING:
    from narrate.store.database import Store, connect
    from narrate.store.models import ApiToken, Base, Episode, StaffSession
    from narrate.store.status import Status, utcnow

__all__ = ["ApiToken", "Base", "Episode", "StaffSession", "Status", "Store", "connect", "utcnow"]

_HOMES = {
    "Store": "database", "connect": "database",
    "ApiToken": "models", "Base": "models", "Episode": "models", "StaffSession": "models",
    "Status": "status", "utcnow": "status",
}  # fmt: skip


__getattr__ = exports(__name__, _HOMES)
