"""Benchmark of the matching engine against exact and third-party baselines.

`python -m bench.matching.run` (or `make bench-matching`); see bench/README.md.
"""
