"""The `lodestar` console command: Django's management commands and the project's own."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["match"]:
        # The matching engine is Django-free: no settings, no database, a faster start.
        from lodestar.matching.cli import main as match

        raise SystemExit(match(arguments[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lodestar", *arguments])


if __name__ == "__main__":
    main()
