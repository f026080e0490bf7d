"""Typed models of the input files."""
