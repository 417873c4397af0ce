"""Writers: turn the document model (with annotations) into output formats."""
