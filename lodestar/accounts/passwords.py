"""A password validator for the guesses Django's own validators miss: one character over and
over, keyboard and alphabet runs, too few different characters, the site's name, and the part of
the person's email address before the "@".

Long pass-phrases are welcome: nothing here limits length or asks for digits or symbols
(NIST SP 800-63B, OWASP ASVS 6.2). Django's CommonPasswordValidator (20 000 leaked passwords) and
MinimumLengthValidator run beside it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SITE_WORDS = ("lodestar",)
# Rows people slide along; each is also tried backwards.
RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "azertyuiop",
    "qwertzuiop",
)
RUN_LENGTH = 5  # "abcde", "12345", "qwert" and longer
REPEAT_LENGTH = 4  # "aaaa", "1111"
MIN_DISTINCT = 5


def _has_run(text: str, length: int = RUN_LENGTH) -> bool:
    for row in RUNS:
        for candidate in (row, row[::-1]):
            for start in range(len(candidate) - length + 1):
                if candidate[start : start + length] in text:
                    return True
    return False


class GuessablePasswordValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        if re.search(r"(.)\1{" + str(REPEAT_LENGTH - 1) + ",}", lowered):
            raise ValidationError(
                _("This password repeats the same character too many times in a row."),
                code="password_repeated",
            )
        if len(set(lowered.replace(" ", ""))) < MIN_DISTINCT:
            raise ValidationError(
                _("This password uses too few different characters."),
                code="password_few_characters",
            )
        if _has_run(lowered):
            raise ValidationError(
                _("This password contains an easy sequence such as “12345” or “qwert”."),
                code="password_sequence",
            )
        squashed = re.sub(r"[\W_]+", "", lowered)
        if any(word in squashed for word in SITE_WORDS):
            raise ValidationError(
                _("This password contains the site’s name."), code="password_site_name"
            )
        local = (getattr(user, "email", "") or "").split("@")[0].lower()
        local = re.sub(r"[\W_]+", "", local)
        if len(local) >= 3 and local in squashed:
            raise ValidationError(
                _("This password contains your email address."), code="password_email"
            )

    def get_help_text(self) -> str:
        return _(
            "Your password cannot be a run of keys or repeated characters, nor contain the "
            "site’s name or your email address. A long phrase of several words is best."
        )
