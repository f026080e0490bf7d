"""Stage 5, bundle: the submission package of each pairing and of the bureau: Word files,
one merged PDF (cover, contents, bookmarks, page labels, seals), manifest.json and a zip."""
from .make import BundleReport, Timings, make_all
from .plan import Spec

__all__ = ["BundleReport", "Spec", "Timings", "make_all"]
