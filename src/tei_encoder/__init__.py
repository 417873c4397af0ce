"""tei-encoder: archival transcripts to a TEI P5 edition, validated and published."""

__version__ = "0.1.0"
