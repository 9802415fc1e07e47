"""Survey results: the one place that decides what of a survey's answers may be shown, and to
whom. The results page, the CSV export and (later) the API all read through `survey_results`
and `member_responses`; none computes results of its own.

Who may see what:
- The program's coordinators (and site admins) see the results of each of its surveys:
  - named and confidential surveys: counts, means, distributions, the Net Promoter Score, and
    every answer with who gave it;
  - anonymous surveys: the same figures and the texts, never who wrote them (texts come in
    alphabetical order, not in the order they were given), and only for groups large enough:
    a group (the whole survey, one question, or the answers of one role) with fewer
    respondents than the survey's `min_group_size` is replaced by a "not enough answers"
    marker, its figures never computed into what is returned. A subset (one role) is shown
    only if the rest of the survey is empty or large enough too: otherwise subtracting the
    subset from the whole would reveal the small rest.
- A respondent sees their own answers to a named or confidential survey. In a named survey
  about a mentorship, the members of that mentorship also see each other's answers for the
  same occasion (the form tells them so before they answer). An anonymous response is linked
  to nobody, so nobody, its author included, can find it again.
- Everyone else sees nothing: 404.

What a threshold cannot prevent: someone who reads the results before and after one more
person answers learns that answer from the difference. Results are for reading when a survey
has gathered its answers, and small programs are better served by confidential surveys.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.programs.models import Role
from lodestar.programs.policy import is_coordinator

from .answering import SCALES, answer_text, scale_label
from .models import (
    Anonymity,
    AssignmentStatus,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)

# --- who may see what --------------------------------------------------------------------------


def can_view_results(user: User, survey: Survey) -> bool:
    return is_coordinator(user, survey.program)


def large_enough(count: int, whole: int, minimum: int) -> bool:
    """An anonymous group may be shown: it has at least `minimum` respondents, and so has the
    rest of the whole it was taken from (or the rest is empty)."""
    rest = whole - count
    return count >= minimum and (rest == 0 or rest >= minimum)


def can_read_response(user: User, response: SurveyResponse) -> bool:
    survey = response.survey
    if survey.anonymity == Anonymity.ANONYMOUS or response.assignment is None:
        return False
    if response.assignment.user_id == user.pk or is_coordinator(user, survey.program):
        return True
    return (
        survey.anonymity == Anonymity.NAMED
        and response.mentorship is not None
        and any(m.user_id == user.pk for m in response.mentorship.memberships.all())
    )


# --- results -----------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    percent: int


@dataclass
class TextAnswer:
    text: str
    author: str = ""
    role: str = ""
    day: date | None = None


@dataclass
class QuestionResult:
    question: SurveyQuestion
    number: int
    hidden: bool = False
    count: int = 0
    mean: float | None = None
    bars: list[Bar] = field(default_factory=list)
    nps: int | None = None
    texts: list[TextAnswer] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    role: str
    min_group_size: int
    anonymous: bool
    named: bool  # whether answers are shown with who gave them
    hidden: bool
    respondents: int | None  # None when hidden
    questions: list[QuestionResult]
    sent: int
    answered: int
    expired: int

    @property
    def pending(self) -> int:
        return self.sent - self.answered - self.expired


@dataclass
class _Answer:
    question_id: int
    number: int | None
    chosen: list
    text: str
    role: str
    day: date
    author: str


ROLE_FILTERS = {
    Role.MENTEE: {Role.MENTEE},
    Role.MENTOR: {Role.MENTOR},
    Role.PEER: {Role.PEER},
}


def survey_results(survey: Survey, *, viewer: User, role: str = "") -> SurveyResults:
    """What `viewer` may see of the survey's results, optionally of one role's respondents.
    Raises Http404 for anyone who may not see them."""
    if not can_view_results(viewer, survey):
        raise Http404
    if role and role not in ROLE_FILTERS:
        raise ValueError(f"unknown role {role!r}")
    anonymous = survey.anonymity == Anonymity.ANONYMOUS
    named = not anonymous  # may see results (checked above), so sees names unless anonymous
    minimum = survey.min_group_size
    questions = list(survey.questions.all())
    roles = Counter(SurveyResponse.objects.filter(survey=survey).values_list("role", flat=True))
    whole = sum(roles.values())
    count = sum(n for r, n in roles.items() if r in ROLE_FILTERS[role]) if role else whole
    hidden = anonymous and not large_enough(count, whole, minimum)
    results = []
    if not hidden:
        answers = _answers(survey, named)
        per_question_whole = Counter(a.question_id for a in answers)
        chosen = [a for a in answers if not role or a.role in ROLE_FILTERS[role]]
        by_question = defaultdict(list)
        for answer in chosen:
            by_question[answer.question_id].append(answer)
        for number, question in enumerate(questions, start=1):
            mine = by_question[question.pk]
            if anonymous and not large_enough(len(mine), per_question_whole[question.pk], minimum):
                results.append(QuestionResult(question, number, hidden=True))
            else:
                results.append(_question_result(question, number, mine, anonymous))
    else:
        results = [
            QuestionResult(q, number, hidden=True) for number, q in enumerate(questions, start=1)
        ]
    status = dict(
        SurveyAssignment.objects.filter(survey=survey)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return SurveyResults(
        survey=survey,
        role=role,
        min_group_size=minimum,
        anonymous=anonymous,
        named=named,
        hidden=hidden,
        respondents=None if hidden else count,
        questions=results,
        sent=sum(status.values()),
        answered=status.get(AssignmentStatus.DONE, 0),
        expired=status.get(AssignmentStatus.EXPIRED, 0),
    )


def _answers(survey: Survey, named: bool) -> list[_Answer]:
    fields = [
        "question_id",
        "number",
        "chosen",
        "text",
        "response__role",
        "response__submitted_on",
    ]
    if named:
        fields += ["response__assignment__user__name", "response__assignment__user__email"]
    rows = SurveyAnswer.objects.filter(response__survey=survey).order_by(
        "response__submitted_on", "response_id"
    )
    answers = []
    for row in rows.values_list(*fields):
        author = ""
        if named:
            name, email = row[6], row[7]
            author = name or (email or "").split("@")[0]
        answers.append(_Answer(row[0], row[1], row[2] or [], row[3], row[4], row[5], author))
    return answers


def _percent(count: int, total: int) -> int:
    return round(count * 100 / total) if total else 0


def _question_result(
    question: SurveyQuestion, number: int, answers: list[_Answer], anonymous: bool
) -> QuestionResult:
    result = QuestionResult(question, number, count=len(answers))
    total = len(answers)
    if question.kind in SCALES:
        low, high = SCALES[question.kind]
        counts = Counter(a.number for a in answers)
        result.bars = [
            Bar(scale_label(question.kind, value), counts[value], _percent(counts[value], total))
            for value in range(low, high + 1)
        ]
        if total:
            result.mean = round(sum(a.number for a in answers) / total, 1)
        if question.kind == QuestionKind.NPS and total:
            promoters = sum(counts[v] for v in (9, 10))
            detractors = sum(counts[v] for v in range(0, 7))
            result.nps = round((promoters - detractors) * 100 / total)
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts = Counter(i for a in answers for i in a.chosen)
        result.bars = [
            Bar(label, counts[index], _percent(counts[index], total))
            for index, label in enumerate(question.choices)
        ]
    elif anonymous:
        # No author, no day, and not in the order given: nothing that points to a person.
        result.texts = sorted(
            (TextAnswer(a.text) for a in answers), key=lambda t: t.text.casefold()
        )
    else:
        result.texts = [TextAnswer(a.text, a.author, _role_label(a.role), a.day) for a in answers]
    return result


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


# --- a respondent's own answers --------------------------------------------------------------


@dataclass
class ResponseView:
    author: str
    mine: bool
    day: date
    answers: list[tuple[SurveyQuestion, str]]


def member_responses(viewer: User, assignment: SurveyAssignment) -> list[ResponseView]:
    """The answers `viewer` may read for this assignment of theirs: their own (named or
    confidential surveys) and, in a named survey, the other members' for the same occasion."""
    survey = assignment.survey
    if assignment.user_id != viewer.pk:
        raise Http404
    if survey.anonymity == Anonymity.ANONYMOUS or assignment.status != AssignmentStatus.DONE:
        return []
    responses = SurveyResponse.objects.filter(assignment=assignment)
    if survey.anonymity == Anonymity.NAMED and assignment.mentorship_id:
        # The whole occasion's responses; can_read_response below keeps those this member may read.
        responses = SurveyResponse.objects.filter(
            survey=survey,
            mentorship_id=assignment.mentorship_id,
            assignment__occasion_at=assignment.occasion_at,
        )
    questions = list(survey.questions.all())
    views = []
    for response in responses.select_related(
        "assignment__user", "survey__program", "mentorship"
    ).prefetch_related("answers", "mentorship__memberships"):
        if not can_read_response(viewer, response):
            continue
        given = {a.question_id: a for a in response.answers.all()}
        views.append(
            ResponseView(
                author=response.assignment.user.display_name,
                mine=response.assignment.user_id == viewer.pk,
                day=response.submitted_on,
                answers=[
                    (q, answer_text(q, given[q.pk]) if q.pk in given else "") for q in questions
                ],
            )
        )
    views.sort(key=lambda v: not v.mine)
    return views


# --- the CSV export -----------------------------------------------------------------------------


def results_rows(results: SurveyResults) -> list[list[str]]:
    """The results as rows for a CSV file: exactly what the results page shows, from the same
    object, so the same groups are hidden. Named only where the page names."""
    header = [
        _("Number"),
        _("Question"),
        _("Kind"),
        _("Respondents"),
        _("Answer"),
        _("Count"),
        _("Percent"),
    ]
    if results.named:
        header += [_("Respondent"), _("Role"), _("Day")]
    rows = [header]
    for item in results.questions:
        base = [str(item.number), item.question.text, item.question.get_kind_display()]
        if item.hidden:
            rows.append([*base, "", hidden_text(results.min_group_size), "", ""])
            continue
        respondents = str(item.count)
        for bar in item.bars:
            rows.append([*base, respondents, bar.label, str(bar.count), str(bar.percent)])
        if item.mean is not None:
            rows.append([*base, respondents, _("Mean"), str(item.mean), ""])
        if item.nps is not None:
            rows.append([*base, respondents, _("Net Promoter Score"), str(item.nps), ""])
        for text in item.texts:
            row = [*base, respondents, text.text, "", ""]
            if results.named:
                row += [text.author, text.role, text.day.isoformat() if text.day else ""]
            rows.append(row)
    return rows


def hidden_text(minimum: int) -> str:
    return _("Not enough answers to show (fewer than %(n)d)") % {"n": minimum}
