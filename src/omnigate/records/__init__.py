"""Rocket.Chat's entities (departments, ...) read as plain records, below the metrics."""
