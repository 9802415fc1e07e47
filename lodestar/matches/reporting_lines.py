"""Never match a person with their own manager (the HR directory's reporting lines).

A manager mentoring their own report is line management, not mentoring: the mentee cannot speak
freely about their job, their prospects or the manager. The rule holds both ways (in a reverse
program the mentor is the junior one, and may report to the mentee) and in every kind of
program; only the direct line counts. It is a hard rule, like an exclusion: the engine never
proposes the pair, a mentee is never offered their manager, and a coordinator cannot override it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment


def reporting_line(first: User, second: User) -> str | None:
    """Why these two may not be matched, in words, or None when neither manages the other."""
    if first.manager_id is not None and first.manager_id == second.pk:
        return _("%(manager)s is %(report)s’s manager.") % {
            "manager": second.display_name,
            "report": first.display_name,
        }
    if second.manager_id is not None and second.manager_id == first.pk:
        return _("%(manager)s is %(report)s’s manager.") % {
            "manager": first.display_name,
            "report": second.display_name,
        }
    return None


def reporting_line_pairs(
    mentees: Sequence[Enrolment], mentors: Sequence[Enrolment]
) -> list[tuple[int, int]]:
    """(row, column) of every mentee and mentor with a reporting line between them, either way.

    Reads `user.manager_id` of enrolments loaded with their users: no query.
    """
    columns_of: dict[int, list[int]] = {}
    managed_by: dict[int, list[int]] = {}
    for j, mentor in enumerate(mentors):
        columns_of.setdefault(mentor.user_id, []).append(j)
        if mentor.user.manager_id is not None:
            managed_by.setdefault(mentor.user.manager_id, []).append(j)
    pairs = set()
    for i, mentee in enumerate(mentees):
        manager = mentee.user.manager_id
        if manager is not None:
            pairs.update((i, j) for j in columns_of.get(manager, ()))
        pairs.update((i, j) for j in managed_by.get(mentee.user_id, ()))
    return sorted(pairs)


def reporting_line_reason(mentee: Enrolment, mentors: Sequence[Enrolment], *, peer: bool) -> str:
    """Why a mentee with a reporting line to some mentors has no allowed mentor at all, for a
    run's “unmatched and why”."""
    names = [m.user.display_name for m in mentors if reporting_line(mentee.user, m.user)]
    if peer:
        return _(
            "No partner is allowed: never their own manager or report (%(names)s), and a "
            "required criterion or an exclusion rules out everyone else."
        ) % {"names": ", ".join(names)}
    return _(
        "No mentor is allowed: never their own manager or report (%(names)s), and a required "
        "criterion or an exclusion rules out every other mentor."
    ) % {"names": ", ".join(names)}
