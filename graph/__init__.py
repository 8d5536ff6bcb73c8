"""akteursgraph: the knowledge graph of Germany's public-sector digitalisation (the library)."""

__version__ = "0.1.0"
