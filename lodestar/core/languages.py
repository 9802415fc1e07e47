"""Spoken languages a person can list on their profile (ISO 639-1 codes)."""

from functools import cache

from django.conf.locale import LANG_INFO


@cache
def language_choices() -> tuple[tuple[str, str], ...]:
    pairs = {
        code: info["name"] for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info
    }
    return tuple(sorted(pairs.items(), key=lambda pair: pair[1]))


def language_code(value: str) -> str | None:
    """The code for a code or an English name, case-insensitively; None if unknown."""
    wanted = value.strip().lower()
    for code, name in language_choices():
        if wanted in (code, name.lower()):
            return code
    return None
