"""`python -m lodestar.matching MENTORS.csv MENTEES.csv --criteria criteria.toml` (the word
`match` may come first, as in `lodestar match`)."""

import sys

from .cli import main

arguments = sys.argv[1:]
if arguments[:1] == ["match"]:
    arguments = arguments[1:]
sys.exit(main(arguments))
