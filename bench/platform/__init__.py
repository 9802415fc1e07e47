"""Benchmarks of the platform around the engine: pages and services on realistic data."""
