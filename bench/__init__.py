"""Benchmarks of the coach against public, human-labelled data read at run time."""
