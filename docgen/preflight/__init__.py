"""Stage 6, preflight: GB/T 9704 rules measured on the PDFs docgen writes."""
