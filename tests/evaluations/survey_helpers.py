"""Scenarios for the survey tests: pairs started on a given day, surveys built through the
services, assignments and answers."""

from datetime import UTC, date, datetime, timedelta

from lodestar.evaluations.answering import response_submit
from lodestar.evaluations.models import Survey, SurveyAssignment
from lodestar.evaluations.surveys import question_add, survey_activate, survey_create
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

START = date(2027, 3, 1)


def at(day: date, hour: int = 9) -> datetime:
    """A moment on a day (UTC, the server's zone)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def day(n: int) -> datetime:
    """Nine in the morning, n days after START."""
    return at(START + timedelta(days=n))


def make_pair(program, mentor, mentee, *, start: date = START, status="active") -> Mentorship:
    mentorship = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
        status=status,
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(start_date=start)
    mentorship.start_date = start
    return mentorship


def more_pairs(program, n: int, *, start: date = START, prefix="p") -> list[Mentorship]:
    """n more pairs in the program, each a new mentor and mentee."""
    pairs = []
    for i in range(n):
        mentor = factories.make_user(f"{prefix}mentor{i}@example.com", name=f"Mentor {prefix}{i}")
        mentee = factories.make_user(f"{prefix}mentee{i}@example.com", name=f"Mentee {prefix}{i}")
        factories.make_enrolment(program, mentor, role="mentor")
        factories.make_enrolment(program, mentee, role="mentee")
        pairs.append(make_pair(program, mentor, mentee, start=start))
    return pairs


LIKERT_AND_TEXT = [
    ("likert", "I am satisfied.", None, True),
    ("text", "What would help?", None, False),
]


def make_survey(
    program,
    coordinator,
    *,
    questions=LIKERT_AND_TEXT,
    activate_at: datetime | None = None,
    **settings,
) -> Survey:
    """A survey built through the services; active from `activate_at` when given."""
    survey = survey_create(program=program, by=coordinator, title=settings.pop("title", "Pulse"))
    for kind, text, choices, required in questions:
        question_add(
            survey=survey, by=coordinator, kind=kind, text=text, choices=choices, required=required
        )
    if settings:
        Survey.objects.filter(pk=survey.pk).update(**settings)
        survey.refresh_from_db()
    if activate_at is not None:
        survey = survey_activate(survey=survey, by=coordinator, now=activate_at)
    return survey


def assign(survey, user, *, mentorship=None, role="mentee", key=None, due_in_days=14, now=None):
    """An assignment written directly, as the scheduler would have made it."""
    now = now or datetime.now(UTC)
    return SurveyAssignment.objects.create(
        survey=survey,
        user=user,
        mentorship=mentorship,
        role=role,
        key=key or f"test-{survey.pk}-{user.pk}-{mentorship.pk if mentorship else 0}",
        occasion_at=now,
        sent_at=now,
        due_at=now + timedelta(days=due_in_days),
    )


def answer(survey, user, values: dict, *, mentorship=None, role="mentee", key=None):
    """Assign and answer at once; `values` maps question positions (0, 1, …) to answers."""
    assignment = assign(survey, user, mentorship=mentorship, role=role, key=key)
    questions = list(survey.questions.all())
    return response_submit(
        assignment=assignment,
        by=user,
        answers={questions[i].pk: value for i, value in values.items()},
    )
