"""Stage 3, render: a document's context and its .docx template -> the finished .docx
(docxtpl, sandboxed Jinja, strict undefined variables, deterministic bytes)."""
from .renderer import TEMPLATE_DIR, Renderer, explain, make_env, template_path

__all__ = ["TEMPLATE_DIR", "Renderer", "explain", "make_env", "template_path"]
