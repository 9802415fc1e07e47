"""A seeded demo: one program full of plausible mentors and mentees, at any size.

The same seed gives the same people, answers and insertion order, so a benchmark can rebuild
exactly the data it measured. People are drawn in Python first (cheap), then written with
bulk inserts: one password hash shared by everyone, and a few queries per thousand rows, so
ten thousand people take seconds.

The programs and their intake forms go through the ordinary services (`program_create`,
`question_create`), so the demo form obeys every rule a coordinator's form does.
"""

import random
import secrets
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lodestar.accounts.models import AvailabilityWindow, Profile, User
from lodestar.core.models import Tag
from lodestar.programs.models import (
    Answer,
    Cadence,
    Enrolment,
    EnrolmentMode,
    Invitation,
    Kind,
    MatchingMode,
    Program,
    Question,
    QuestionKind,
    Role,
    Rule,
    hash_token,
)
from lodestar.programs.services.intake import question_create
from lodestar.programs.services.programs import program_create, program_transition
from lodestar.programs.states import EnrolmentStatus, ProgramStatus

from . import data
from .evaluations import program_evaluations
from .flash import flash_sessions
from .intake import CIRCLE_TOPICS, MENTEE_FORM, MENTOR_FORM, Ask, answer_value, is_answered
from .people import EmailBook, Person, draw_name, draw_people
from .workspace import demo_pair

IntakeForm = dict[str, list[tuple[Ask, Question]]]


@dataclass(frozen=True)
class DemoSummary:
    program_slug: str
    mentors: int
    mentees: int
    applicants: int
    waitlisted: int
    people: int
    answers: int
    seconds: float


# --- writing ----------------------------------------------------------------------------------


def demo_people():
    return User.objects.filter(email__iendswith="@" + data.DEMO_DOMAIN)


@transaction.atomic
def reset(
    *,
    program_slugs: Iterable[str] = (
        data.PROGRAM_SLUG,
        data.DRAFT_SLUG,
        data.OPEN_SLUG,
        data.FLASH_SLUG,
    ),
) -> int:
    """Delete the demo programs (and any program a demo person created) and every demo person.

    Returns how many people were deleted.
    """
    people = demo_people()
    Program.objects.filter(Q(slug__in=list(program_slugs)) | Q(created_by__in=people)).delete()
    count = people.count()
    people.delete()
    return count


@transaction.atomic
def generate(
    *,
    seed: int = 7,
    mentors: int = 40,
    mentees: int = 120,
    applicants: int = 5,
    waitlisted: int = 3,
    program_slug: str = data.PROGRAM_SLUG,
    program_name: str = data.PROGRAM_NAME,
    draft_program: bool = True,
) -> DemoSummary:
    """Create the demo program and its people. `mentors` and `mentees` count approved people
    (the mentor and mentee logins among them); applicants and waitlisted people come on top."""
    started = clock.perf_counter()
    counts = {"mentors": mentors, "mentees": mentees, "applicants": applicants}
    errors = {key: "Give a number of 0 or more." for key, value in counts.items() if value < 0}
    if waitlisted < 0:
        errors["waitlisted"] = "Give a number of 0 or more."
    if errors:
        raise ValidationError(errors)
    if demo_people().exists():
        raise ValidationError(
            "The database already has demo people. Reset the demo first (lodestar demo --reset)."
        )
    extra_slugs = (data.DRAFT_SLUG, data.OPEN_SLUG, data.FLASH_SLUG) if draft_program else ()
    for slug in (program_slug, *extra_slugs):
        if Program.objects.filter(slug=slug).exists():
            raise ValidationError(
                f"A program called “{slug}” already exists. Reset the demo first "
                "(lodestar demo --reset)."
            )

    # Reproducible demo data, not secrets (nosec).
    rng = random.Random(seed)  # nosec B311
    people = draw_people(
        rng, mentors=mentors, mentees=mentees, applicants=applicants, waitlisted=waitlisted
    )
    users = _write_people(people)
    coordinator = users[data.COORDINATOR.email]
    coordinator.user_permissions.add(
        Permission.objects.get(content_type__app_label="programs", codename="add_program")
    )
    program = _northstar(coordinator, slug=program_slug, name=program_name)
    questions = _intake_form(program, coordinator)
    answers = _enrol(program, people, users, questions, coordinator)
    _invitations(rng, program, coordinator)
    if draft_program:
        _draft_program(coordinator)
        _open_program(rng, people, users, coordinator)
        pair = demo_pair(program, coordinator)
        program_evaluations(program, coordinator, pair)
        _flash_program(rng, people, users, coordinator)
    return DemoSummary(
        program_slug=program.slug,
        mentors=mentors,
        mentees=mentees,
        applicants=applicants,
        waitlisted=waitlisted,
        people=len(people),
        answers=answers,
        seconds=clock.perf_counter() - started,
    )


def _write_people(people: list[Person]) -> dict[str, User]:
    """Users, verified addresses, profiles, tags and availability, in bulk."""
    password = make_password(data.DEMO_PASSWORD)  # hashed once: Argon2 per person is minutes
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            email=person.email,
            name=person.name,
            timezone=person.timezone,
            password=password,
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            date_joined=now - timedelta(days=person.joined_days_ago),
        )
        for person in people
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    profiles = Profile.objects.bulk_create(
        Profile(
            user=user,
            pronouns=person.pronouns,
            headline=person.headline,
            bio=person.bio,
            job_title=person.job_title,
            organisation=person.organisation,
            department=person.department,
            seniority=person.seniority,
            location=person.location,
            languages=person.languages,
        )
        for person, user in zip(people, users, strict=True)
    )
    names = list(
        dict.fromkeys(name for person in people for name in (*person.skills, *person.interests))
    )
    # named() keeps the order it was given, and finds existing tags whatever their case.
    tag_ids = {name: tag.pk for name, tag in zip(names, Tag.objects.named(names), strict=True)}
    for attribute, through in (
        ("skills", Profile.skills.through),
        ("interests", Profile.interests.through),
    ):
        through.objects.bulk_create(
            through(profile_id=profile.pk, tag_id=tag_ids[name])
            for person, profile in zip(people, profiles, strict=True)
            for name in getattr(person, attribute)
        )
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(user=user, weekday=weekday, start=start, end=end)
        for person, user in zip(people, users, strict=True)
        for weekday, start, end in person.windows
    )
    return {user.email: user for user in users}


def _northstar(coordinator: User, *, slug: str, name: str) -> Program:
    program = program_create(
        creator=coordinator,
        data={
            "name": name,
            "slug": slug,
            "description": data.PROGRAM_DESCRIPTION,
            "kind": Kind.ONE_TO_ONE,
            "start_date": data.PROGRAM_DATES[0],
            "end_date": data.PROGRAM_DATES[1],
            "meeting_cadence": Cadence.FORTNIGHTLY,
            "default_mentor_capacity": 2,
            "matching_mode": MatchingMode.COORDINATOR,
            "enrolment_mode": EnrolmentMode.APPLICATION,
        },
    )
    return program_transition(program=program, to_status=ProgramStatus.ENROLLING, by=coordinator)


def _intake_form(program: Program, coordinator: User) -> IntakeForm:
    """The mentor questions first, so that each mentee criterion can point at its partner."""
    form: IntakeForm = {Role.MENTOR: [], Role.MENTEE: []}
    for role, asks in ((Role.MENTOR, MENTOR_FORM), (Role.MENTEE, MENTEE_FORM)):
        for ask in asks:
            paired = (
                next(q for a, q in form[Role.MENTOR] if a.key == ask.compare_with)
                if ask.compare_with
                else None
            )
            question = question_create(
                program=program, data=ask.as_data(role=role, paired=paired), by=coordinator
            )
            form[role].append((ask, question))
    return form


def _enrol(
    program: Program,
    people: list[Person],
    users: dict[str, User],
    form: IntakeForm,
    coordinator: User,
) -> int:
    now = timezone.now()
    participants = [person for person in people if person.role]
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=users[person.email],
            role=person.role,
            capacity=person.capacity if person.role == Role.MENTOR else None,
            status=person.status,
            intake_completed_at=now,
            decided_at=None if person.status == EnrolmentStatus.APPLIED else now,
            decided_by=None if person.status == EnrolmentStatus.APPLIED else coordinator,
        )
        for person in participants
    )
    answers = Answer.objects.bulk_create(
        Answer(enrolment=enrolment, question=question, value=answer_value(person, ask.key))
        for person, enrolment in zip(participants, enrolments, strict=True)
        for ask, question in form[person.role]
        if is_answered(ask)
    )
    return len(answers)


def _invitations(rng: random.Random, program: Program, coordinator: User) -> None:
    """A few invitations still waiting for an answer, so the invitations screen has rows."""
    book = EmailBook(reserved=demo_people().values_list("email", flat=True))
    expires = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitations = []
    for role in (Role.MENTOR, Role.MENTEE, Role.MENTEE):
        first, last = draw_name(rng)
        invitations.append(
            Invitation(
                program=program,
                email=book.address(first, last),
                role=role,
                capacity=2 if role == Role.MENTOR else None,
                # A real secret that nobody keeps: these links are never sent.
                token_hash=hash_token(secrets.token_urlsafe(32)),
                created_by=coordinator,
                expires_at=expires,
            )
        )
    Invitation.objects.bulk_create(invitations)


def _open_program(
    rng: random.Random, people: list[Person], users: dict[str, User], coordinator: User
) -> Program:
    """A program where mentees choose their mentor, with a few requests already waiting, so the
    demo mentor has requests to answer and the demo mentee mentors to browse."""
    program = program_create(
        creator=coordinator,
        data={
            "name": data.OPEN_NAME,
            "slug": data.OPEN_SLUG,
            "description": data.OPEN_DESCRIPTION,
            "kind": Kind.ONE_TO_ONE,
            "start_date": data.PROGRAM_DATES[0],
            "end_date": data.PROGRAM_DATES[1],
            "meeting_cadence": Cadence.MONTHLY,
            "default_mentor_capacity": 2,
            "matching_mode": MatchingMode.MENTEE_CHOICE,
            "enrolment_mode": EnrolmentMode.OPEN,
        },
    )
    program = program_transition(program=program, to_status=ProgramStatus.ENROLLING, by=coordinator)
    form = _intake_form(program, coordinator)
    approved = [p for p in people if p.role and p.status == EnrolmentStatus.APPROVED]
    mentors = [p for p in approved if p.role == Role.MENTOR][:12]
    mentees = [p for p in approved if p.role == Role.MENTEE][:30]
    _enrol(program, mentors + mentees, users, form, coordinator)
    _waiting_requests(rng, program, users, mentees)
    return program


def _flash_program(
    rng: random.Random, people: list[Person], users: dict[str, User], coordinator: User
) -> Program:
    """A running flash program where mentors keep office hours and mentees book short
    sessions (demo/flash.py), with the main program's intake form for the ranking."""
    program = program_create(
        creator=coordinator,
        data={
            "name": data.FLASH_NAME,
            "slug": data.FLASH_SLUG,
            "description": data.FLASH_DESCRIPTION,
            "kind": Kind.FLASH,
            "start_date": data.PROGRAM_DATES[0],
            "end_date": data.PROGRAM_DATES[1],
            "meeting_cadence": Cadence.AS_NEEDED,
            "default_mentor_capacity": 2,
            "matching_mode": MatchingMode.COORDINATOR,
            "enrolment_mode": EnrolmentMode.OPEN,
            "flash_bookings_per_month": 3,
            "flash_min_notice_hours": 12,
            "flash_cancel_hours": 4,
            "flash_mentorship_requests": True,
        },
    )
    for status in (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING):
        program = program_transition(program=program, to_status=status, by=coordinator)
    form = _intake_form(program, coordinator)
    approved = [p for p in people if p.role and p.status == EnrolmentStatus.APPROVED]
    mentors = [p for p in approved if p.role == Role.MENTOR][:8]
    mentees = [p for p in approved if p.role == Role.MENTEE][:24]
    _enrol(program, mentors + mentees, users, form, coordinator)
    flash_sessions(program, {p.email: p for p in mentors + mentees}, rng)
    return program


def _waiting_requests(
    rng: random.Random, program: Program, users: dict[str, User], mentees: list[Person]
) -> None:
    from lodestar.matches.models import MentorshipRequest

    mentor = Enrolment.objects.get(program=program, user__email=data.MENTOR.email)
    askers = [p for p in mentees if p.email != data.MENTEE.email]
    now = timezone.now()
    requests = []
    for days_ago, person in zip((1, 2, 4), rng.sample(askers, 3), strict=True):
        requests.append(
            MentorshipRequest(
                program=program,
                mentee=Enrolment.objects.get(program=program, user=users[person.email]),
                mentor=mentor,
                message=rng.choice(data.REQUEST_MESSAGES),
                expires_at=now + timedelta(days=program.request_expiry_days - days_ago),
            )
        )
    MentorshipRequest.objects.bulk_create(requests)


def _draft_program(coordinator: User) -> Program:
    program = program_create(
        creator=coordinator,
        data={
            "name": data.DRAFT_NAME,
            "slug": data.DRAFT_SLUG,
            "description": data.DRAFT_DESCRIPTION,
            "kind": Kind.GROUP,
            "start_date": data.DRAFT_DATES[0],
            "end_date": data.DRAFT_DATES[1],
            "meeting_cadence": Cadence.MONTHLY,
            "default_mentor_capacity": 5,
            "matching_mode": MatchingMode.COORDINATOR,
            "enrolment_mode": EnrolmentMode.INVITATION,
        },
    )
    offer = question_create(
        program=program,
        data={
            "role": Role.MENTOR,
            "label": "Which leadership topics could you lead a circle on?",
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "choices": list(CIRCLE_TOPICS),
            "required": True,
        },
        by=coordinator,
    )
    question_create(
        program=program,
        data={
            "role": Role.MENTEE,
            "label": "Which topics matter most to you?",
            "kind": QuestionKind.MULTIPLE_CHOICE,
            "choices": list(CIRCLE_TOPICS),
            "required": True,
            "is_criterion": True,
            "paired_with": offer,
            "rule": Rule.OVERLAP,
            "weight": 7,
        },
        by=coordinator,
    )
    question_create(
        program=program,
        data={
            "role": Role.MENTEE,
            "label": "What leadership challenge are you facing right now?",
            "kind": QuestionKind.LONG_TEXT,
            "required": True,
        },
        by=coordinator,
    )
    return program
