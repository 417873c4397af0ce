"""Validation of TEI files: safe parsing, schemas (RELAX NG, XSD, Schematron), reports.

Public entry points:
- :func:`tei_encoder.validation.xmlsafe.parse_untrusted` reads XML from strangers safely;
- :func:`tei_encoder.validation.engine.validate_paths` validates files and folders.
"""
from .xmlsafe import TeiInputError, parse_untrusted, parse_untrusted_bytes

__all__ = ["TeiInputError", "parse_untrusted", "parse_untrusted_bytes"]
