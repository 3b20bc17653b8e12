"""Benchmarks for ghaecr-console (issue #6). Run: ``python bench/run.py --scale all``."""
