"""Reproducible, realistic Rocket.Chat omnichannel data: ``omnigate seed`` and the demo."""

from omnigate.seed.writer import DatabaseNotEmpty, SeedReport, seed

__all__ = ["DatabaseNotEmpty", "SeedReport", "seed"]
