"""docgen: documents of school pairing-assistance (结对帮扶) programmes."""

__version__ = "0.1.0"
