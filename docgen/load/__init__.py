"""Stage 1, load: YAML files -> typed, cross-checked models (pydantic), with the line and
column of every value, or every problem at once in Chinese."""
from .folder import PAIRINGS_DIR, PROGRAMME_FILE, Apart, Loaded, find_programmes, load_all, load_programme, load_strict

__all__ = ["PAIRINGS_DIR", "PROGRAMME_FILE", "Apart", "Loaded", "find_programmes", "load_all", "load_programme", "load_strict"]
