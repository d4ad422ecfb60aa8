"""A checksum of a whole database: proves that nothing was written to it."""

from __future__ import annotations

import hashlib

import bson
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo.database import Database

RAW = CodecOptions(document_class=RawBSONDocument)


def _digest(items: list[bytes]) -> bytes:
    h = hashlib.sha256()
    for item in sorted(items):
        h.update(len(item).to_bytes(8, "little"))
        h.update(item)
    return h.digest()


def checksum(db: Database) -> dict[str, str]:
    """Per collection: sha256 of its documents, indexes and options (order-independent)."""
    sums = {}
    for info in db.list_collections():
        name = info["name"]
        collection = db.get_collection(name, codec_options=RAW)
        documents = _digest([document.raw for document in collection.find({})])
        indexes = _digest([bson.encode(index) for index in collection.list_indexes()])
        options = bson.encode({"type": info.get("type"), "options": info.get("options", {})})
        sums[name] = hashlib.sha256(documents + indexes + options).hexdigest()
    return sums
