"""Beside the pipeline, never imported by it: building the .docx templates (GB/T 9704 page
set-up and styles, raw WordprocessingML helpers), checking templates a clerk edited, and a
fully populated specimen programme for those checks and for the benchmark."""
