#!/usr/bin/env python
"""Django's command-line utility; `lodestar` (installed with the package) does the same."""

from lodestar.cli import main

if __name__ == "__main__":
    main()
