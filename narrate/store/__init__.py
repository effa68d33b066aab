"""Where narrate keeps its state: the database (models, the Store over it, the schema's migrations)."""

from narrate.store.database import Store, connect
from narrate.store.models import ApiToken, Base, Episode, StaffSession, Status, utcnow

__all__ = ["ApiToken", "Base", "Episode", "StaffSession", "Status", "Store", "connect", "utcnow"]
