"""Incremental builds: each output's recipe (``recipes``) kept in a record in the output
folder (``record``), so that a run makes only what changed."""
from .book import Book
from .recipes import Recipes
from .record import Record, record_name

__all__ = ["Book", "Recipes", "Record", "record_name"]
