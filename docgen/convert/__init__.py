"""Stage 4, convert: .docx -> PDF with a pool of warm LibreOffice processes, fonts mapped
for the converter only."""
from .pool import Pool, Result, default_jobs, find_soffice, to_pdf

__all__ = ["Pool", "Result", "default_jobs", "find_soffice", "to_pdf"]
