"""Beside the pipeline, never imported by it: building the .docx templates, checking templates
a clerk edited, and a fully populated specimen programme for those checks and for the benchmark.

- ``layout`` and ``ooxml``: GB/T 9704 page set-up and styles, raw WordprocessingML helpers;
- ``writer``: the ``Writer`` a template is written with (styled paragraphs, tags, tables);
- ``blocks`` and ``tables``: what templates share, and the tables drawn by ``TableKind``;
- ``templates``: one module per template and the ``BUILDERS`` table (run it to rebuild);
- ``check`` and ``specimen``: ``docgen templates check`` and the sample programme it uses.
"""
