"""One programme's bookkeeping for a run: the build record read at its start (and saved at
its end), the recipes of the outputs it may make, and the cleaner that moves its
out-of-date outputs aside."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cleaner import Cleaner
from .recipes import Recipes
from .record import Record


@dataclass(frozen=True)
class Book:
    record: Record
    """What the outputs in the programme's folder were made from."""
    recipes: Recipes
    """What they would be made from now."""
    cleaner: Cleaner
    """Moves what went out of date aside and keeps what users edited."""

    def recipe_of(self, path: Path) -> str:
        """The recipe ``path`` was made from in this run (or found unchanged)."""
        return self.record.now[self.record.key(path)]["recipe"]
