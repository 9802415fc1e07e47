"""Small factories: plain functions with sensible defaults, one per model the tests need."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.programs.models import Answer, Enrolment, Program, Question
from lodestar.programs.states import EnrolmentStatus, ProgramStatus

PASSWORD = "correct-horse-battery-staple"


def make_user(
    email: str, *, name: str = "", password: str = PASSWORD, can_create_programs=False, **extra
) -> User:
    user = User.objects.create_user(email=email, password=password, name=name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if can_create_programs:
        user.user_permissions.add(Permission.objects.get(codename="add_program"))
    return user


def make_program(
    *, coordinator: User | None = None, name: str = "Program", slug: str | None = None, **fields
) -> Program:
    fields.setdefault("status", ProgramStatus.ENROLLING)
    fields.setdefault("start_date", timezone.localdate())
    program = Program.objects.create(
        name=name, slug=slug or name.lower().replace(" ", "-"), **fields
    )
    if coordinator is not None:
        program.coordinators.add(coordinator)
    return program


def make_question(
    program: Program, *, label: str, role: str = "mentee", kind: str = "short_text", **fields
) -> Question:
    return Question.objects.create(program=program, label=label, role=role, kind=kind, **fields)


def make_enrolment(
    program: Program,
    user: User,
    *,
    role: str = "mentee",
    status: str = EnrolmentStatus.APPROVED,
    **fields,
) -> Enrolment:
    return Enrolment.objects.create(program=program, user=user, role=role, status=status, **fields)


def make_answer(enrolment: Enrolment, question: Question, value) -> Answer:
    return Answer.objects.create(enrolment=enrolment, question=question, value=value)


def make_criterion(
    program: Program,
    *,
    label: str,
    rule: str = "overlap",
    kind: str = "multiple_choice",
    choices=("Design", "Data", "Leadership", "Sales"),
    weight: int = 5,
    match_required: bool = False,
    mentor_role: str = "mentor",
    mentee_role: str = "mentee",
    **fields,
) -> tuple[Question, Question]:
    """A matching criterion: a mentor question and the mentee question compared with it."""
    asked_of_mentors = make_question(
        program,
        label=f"{label} (mentor)",
        role=mentor_role,
        kind=kind,
        choices=list(choices) if kind.endswith("choice") else [],
    )
    asked_of_mentees = make_question(
        program,
        label=label,
        role=mentee_role,
        kind=kind,
        choices=list(choices) if kind.endswith("choice") else [],
        is_criterion=True,
        paired_with=asked_of_mentors,
        rule=rule,
        weight=weight,
        match_required=match_required,
        **fields,
    )
    return asked_of_mentees, asked_of_mentors


def make_mentorship(
    program: Program,
    *,
    mentor: Enrolment | None,
    mentees: list[Enrolment],
    status: str = "active",
    origin: str = "manual",
    **fields,
):
    """A mentorship with its memberships, written directly (no seat checks, no notices)."""
    from lodestar.mentorships.models import Membership, Mentorship

    mentorship = Mentorship.objects.create(
        program=program,
        origin=origin,
        status=status,
        start_date=timezone.localdate() if status != "proposed" else None,
        **fields,
    )
    answered = "pending" if status == "proposed" else "accepted"
    for enrolment in ([mentor] if mentor else []) + list(mentees):
        Membership.objects.create(
            mentorship=mentorship,
            enrolment=enrolment,
            user=enrolment.user,
            role=enrolment.role,
            response=answered,
        )
    return mentorship


def make_request(
    mentee: Enrolment,
    mentor: Enrolment,
    *,
    status: str = "open",
    message: str = "I would love to learn from you.",
    expires_in=None,
    **fields,
):
    """A mentorship request written directly (no checks, no notices); expires in 7 days unless
    `expires_in` (a timedelta, negative for the past) says otherwise."""
    from datetime import timedelta

    from lodestar.matches.models import MentorshipRequest

    return MentorshipRequest.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentor,
        message=message,
        status=status,
        expires_at=timezone.now() + (timedelta(days=7) if expires_in is None else expires_in),
        **fields,
    )
