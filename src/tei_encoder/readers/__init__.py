"""Readers: one per source layout family, each returning a `model.Source`."""
