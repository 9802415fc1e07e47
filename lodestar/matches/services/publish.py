"""Publishing a reviewed run: every proposed pair becomes a proposed mentorship, and each person
is told who they are proposed with. All or nothing: if anyone's seat was taken since the run,
nothing is published and the error names them.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.accounts.models import User
from lodestar.audit.services import record
from lodestar.engagement.models import Notification
from lodestar.engagement.services import notify
from lodestar.mentorships import seats
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.services import mentorship_url, mentorships_propose_many
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Enrolment, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus
from lodestar.webhooks import events as webhook_events

from ..models import MatchRun, Proposal
from ..states import RUN_STATES, RunStatus
from .requests import withdraw_open_requests

NAMES_SHOWN = 10
# Mentorships told per chunk: SQLite refuses the deep queries of very long prefetches.
TOLD_CHUNK = 400


@transaction.atomic
def run_publish(*, run: MatchRun, by: User) -> list[Mentorship]:
    """Publish a finished run once: its pairs become proposed mentorships (one circle per
    mentor in group programs, two peers per pair in peer programs) and everyone is told."""
    if not is_coordinator(by, run.program):
        raise PermissionDenied
    locked = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if locked.status == RunStatus.PUBLISHED:
        raise ValidationError(_("This run is already published."), code="published")
    if locked.status != RunStatus.DONE:
        raise ValidationError(
            _("Only a finished run can be published; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code="not_done",
        )
    program = locked.program
    proposals = list(
        Proposal.objects.filter(run=locked)
        .select_related("mentee__user", "mentor__user")
        .order_by("mentor_id", "-score", "pk")
    )
    if not proposals:
        raise ValidationError(_("This run proposes no pair to publish."), code="empty")
    peer = Role.PEER in program.roles
    people = seats.lock([e for p in proposals for e in (p.mentee, p.mentor)])
    _check_seats(program, proposals, people, peer)
    groups = []
    for group in _groups(program, proposals, peer):
        if peer:
            mentors, mentees = [], [people[group[0].mentee_id], people[group[0].mentor_id]]
        else:
            mentors, mentees = [people[group[0].mentor_id]], [people[p.mentee_id] for p in group]
        groups.append((mentors, mentees, round(fmean(p.score for p in group), 2)))
    made = mentorships_propose_many(program=program, groups=groups, by=by, match_run=locked)
    if program.mentees_choose:
        # Hybrid programs: a mentee proposed a mentor here stops waiting on their requests.
        for _mentors, mentees, _score in groups:
            for mentee in mentees:
                withdraw_open_requests(mentee=mentee)
    RUN_STATES.check(locked.status, RunStatus.PUBLISHED)
    locked.status = RunStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = by
    locked.save(update_fields=["status", "published_at", "published_by"])
    webhook_events.match_run_published(locked, made)
    record("match_published", actor=by, target=locked, details={"mentorships": len(made)})
    # Telling a few thousand people takes longer than a page should: the worker does it.
    run_id = locked.pk
    transaction.on_commit(lambda: _tasks().tell_published_run.enqueue(run_id))
    run.status, run.published_at, run.published_by = (
        locked.status,
        locked.published_at,
        locked.published_by,
    )
    return made


def _groups(program, proposals: list[Proposal], peer: bool) -> list[list[Proposal]]:
    """One mentorship per pair; in group programs, one circle per mentor."""
    if peer or not seats.is_group_program(program):
        return [[p] for p in proposals]
    circles: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        circles[proposal.mentor_id].append(proposal)
    return list(circles.values())


def _check_seats(
    program, proposals: list[Proposal], people: dict[int, Enrolment], peer: bool
) -> None:
    """Everyone the run pairs must still be free (and approved), and every mentor must still
    have the seats the run gives them; otherwise a ValidationError naming who is not."""
    seated = seats.seated_enrolments(program)
    loads = seats.mentor_loads(program) if not peer else {}
    problems: list[str] = []
    wanted: dict[int, int] = defaultdict(int)
    for proposal in proposals:
        matched = [proposal.mentee_id, proposal.mentor_id] if peer else [proposal.mentee_id]
        problems += [people[pk].user.display_name for pk in matched if pk in seated]
        if not peer:
            wanted[proposal.mentor_id] += 1
    for mentor_id, count in wanted.items():
        mentor = people[mentor_id]
        if loads.get(mentor_id, 0) + count > seats.capacity_of(mentor):
            problems.append(mentor.user.display_name)
    problems += [
        e.user.display_name for e in people.values() if e.status != EnrolmentStatus.APPROVED
    ]
    if not problems:
        return
    names = sorted(set(problems))
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown = _("%(names)s and %(count)s more") % {
            "names": shown,
            "count": len(names) - NAMES_SHOWN,
        }
    raise ValidationError(
        ngettext(
            "Nothing was published: %(names)s was matched, took a seat or left the program "
            "since this run. Run matching again.",
            "Nothing was published: %(names)s were matched, took seats or left the program "
            "since this run. Run matching again.",
            len(names),
        )
        % {"names": shown},
        code="seat_conflict",
    )


def _role_word(role: str, count: int) -> str:
    if role == Role.MENTOR:
        return ngettext("mentor", "mentors", count)
    if role == Role.MENTEE:
        return ngettext("mentee", "mentees", count)
    return ngettext("peer", "peers", count)


def _tasks():
    from .. import tasks

    return tasks


def run_tell_members(run_id: int) -> int:
    """Tell each member of a published run's mentorships whom they are proposed with, once:
    someone already told about a mentorship is skipped, so running this twice is harmless.
    Returns how many people were told. Works through the mentorships a chunk at a time, so a
    run of thousands of pairs never builds one enormous query."""
    ids = list(
        Mentorship.objects.filter(
            match_run_id=run_id, status=MentorshipStatus.PROPOSED
        ).values_list("pk", flat=True)
    )
    count = 0
    for start in range(0, len(ids), TOLD_CHUNK):
        count += _tell_chunk(ids[start : start + TOLD_CHUNK])
    return count


def _tell_chunk(ids: list[int]) -> int:
    mentorships = list(
        Mentorship.objects.filter(pk__in=ids)
        .select_related("program")
        .prefetch_related("memberships__user", "memberships__enrolment")
        .order_by("pk")
    )
    told = set(
        Notification.objects.filter(
            kind="proposal_published", url__in=[mentorship_url(m) for m in mentorships]
        ).values_list("user_id", "url")
    )
    count = 0
    for mentorship in mentorships:
        members = list(mentorship.memberships.all())
        mentors = [m.enrolment for m in members if m.role == Role.MENTOR]
        mentees = [m.enrolment for m in members if m.role != Role.MENTOR]
        with transaction.atomic():
            count += _tell_members(mentorship.program, mentorship, mentors, mentees, told)
    return count


def _tell_members(program, mentorship: Mentorship, mentors: list, mentees: list, told: set) -> int:
    """Each member hears whom they are proposed with: a mentee their mentor, a mentor their
    mentees, a peer the other peer."""
    url = mentorship_url(mentorship)
    audience = [(mentor, mentees, Role.MENTEE) for mentor in mentors]
    for mentee in mentees:
        if mentors:
            audience.append((mentee, mentors, Role.MENTOR))
        else:
            audience.append((mentee, [o for o in mentees if o.pk != mentee.pk], Role.PEER))
    count = 0
    for person, others, role in audience:
        if (person.user_id, url) in told:
            continue
        count += 1
        notify(
            user=person.user,
            kind="proposal_published",
            url=url,
            other=", ".join(o.user.display_name for o in others),
            other_role=_role_word(role, len(others)),
            program=program.name,
        )
    return count
