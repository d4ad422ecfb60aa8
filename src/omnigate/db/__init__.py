"""The database layer: one async MongoDB client per process, read-only access."""

from omnigate.db.client import create_client, database_name, deployment_id
from omnigate.db.store import Store

__all__ = ["Store", "create_client", "database_name", "deployment_id"]
