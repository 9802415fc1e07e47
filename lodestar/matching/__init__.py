"""Lodestar's matching engine: a pure library (numpy, scipy, OR-Tools), no Django.

Arrays and plain data in, plain data out. The `matches` app adapts models to it, and
`lodestar match` runs it on two CSV files.
"""
