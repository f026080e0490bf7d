"""The corpus of bad input and faults (``cases.py``) and what the test asserts on each."""
