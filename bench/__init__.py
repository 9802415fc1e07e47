"""Benchmarks: reproducible measurements of Lodestar's heavy parts (`make bench`)."""
