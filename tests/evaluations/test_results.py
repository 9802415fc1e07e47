"""Results: the figures, who may see them, and the anonymity threshold — a group of fewer
respondents than the survey's smallest group is never shown, whether the whole survey, one
question or one role, on the page data and in the export rows alike."""

import pytest
from django.http import Http404
from django.utils import timezone

from lodestar.evaluations.results import member_responses, results_rows, survey_results
from lodestar.evaluations.surveys import survey_update
from tests import factories
from tests.evaluations.survey_helpers import answer, assign, day, make_pair, make_survey

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("nps", "Would you recommend it?", None, True),
    ("multiple", "What helped?", ["Meetings", "Goals"], False),
    ("text", "Anything else?", None, False),
]


def people(program, n: int, role="mentee", prefix="r") -> list:
    users = []
    for i in range(n):
        user = factories.make_user(f"{prefix}{role}{i}@example.com", name=f"{role.title()} {i}")
        factories.make_enrolment(program, user, role=role)
        users.append(user)
    return users


def survey_of(program, coordinator, anonymity="confidential", minimum=3):
    return make_survey(
        program,
        coordinator,
        questions=QUESTIONS,
        anonymity=anonymity,
        min_group_size=minimum,
        activate_at=day(0),
    )


def flat(rows) -> str:
    return "\n".join(",".join(row) for row in rows)


# --- figures ------------------------------------------------------------------------------------


def test_counts_means_distributions_and_the_net_promoter_score(program, coordinator):
    survey = survey_of(program, coordinator)
    scores = [10, 9, 8, 7, 6, 0]
    for user, score in zip(people(program, 6), scores, strict=True):
        answer(survey, user, {0: score, 1: ["0"] if score > 7 else []})
    results = survey_results(survey, viewer=coordinator)
    nps, helped, _text = results.questions
    assert results.respondents == 6 and not results.hidden
    assert nps.count == 6 and nps.mean == 6.7
    assert nps.nps == 0  # two promoters (9, 10), two detractors (0, 6), of six
    assert [b.count for b in nps.bars] == [1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    assert nps.bars[10].label == "10 — Extremely likely"
    assert [(b.label, b.count, b.percent) for b in helped.bars] == [
        ("Meetings", 3, 100),
        ("Goals", 0, 0),
    ]


def test_the_net_promoter_score_is_promoters_minus_detractors_in_percent(program, coordinator):
    survey = survey_of(program, coordinator)
    for user, score in zip(people(program, 4), [10, 10, 9, 5], strict=True):
        answer(survey, user, {0: score})
    assert survey_results(survey, viewer=coordinator).questions[0].nps == 50


def test_confidential_texts_come_with_their_authors_for_coordinators(program, coordinator):
    survey = survey_of(program, coordinator)
    ann, bob = people(program, 2)
    answer(survey, ann, {0: 9, 2: "Great"})
    answer(survey, bob, {0: 8, 2: "Fine"})
    results = survey_results(survey, viewer=coordinator)
    texts = results.questions[2].texts
    assert results.named
    assert [(t.text, t.author, t.role) for t in texts] == [
        ("Great", "Mentee 0", "Mentee"),
        ("Fine", "Mentee 1", "Mentee"),
    ]
    csv = flat(results_rows(results))
    assert "Great,,,Mentee 0,Mentee" in csv


def test_the_summary_counts_sent_answered_expired_and_waiting(program, coordinator):
    survey = survey_of(program, coordinator)
    a, b, c = people(program, 3)
    answer(survey, a, {0: 9})
    assign(survey, b)
    expired = assign(survey, c)
    expired.status = "expired"
    expired.save()
    results = survey_results(survey, viewer=coordinator)
    assert (results.sent, results.answered, results.expired, results.pending) == (3, 1, 1, 1)


# --- who may see ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_only_the_programs_coordinators_see_results(request, program, coordinator, who):
    survey = survey_of(program, coordinator)
    with pytest.raises(Http404):
        survey_results(survey, viewer=request.getfixturevalue(who))


def test_a_site_admin_sees_results(program, coordinator):
    admin = factories.make_user("admin@example.com", is_superuser=True)
    survey = survey_of(program, coordinator)
    assert survey_results(survey, viewer=admin).respondents == 0


# --- anonymity ---------------------------------------------------------------------------------


def test_an_anonymous_survey_with_fewer_respondents_than_the_threshold_shows_nothing(
    program, coordinator
):
    survey = survey_of(program, coordinator, anonymity="anonymous", minimum=3)
    for user in people(program, 2):
        answer(survey, user, {0: 10, 1: ["1"], 2: "My secret"})
    results = survey_results(survey, viewer=coordinator)
    assert results.hidden and results.respondents is None
    for item in results.questions:
        assert item.hidden
        assert (item.count, item.mean, item.nps, item.bars, item.texts) == (0, None, None, [], [])
    csv = flat(results_rows(results))
    assert "My secret" not in csv and "Not enough answers to show (fewer than 3)" in csv
    assert ",10," not in csv and "Goals" not in csv


def test_at_the_threshold_anonymous_results_show_without_names_in_no_order_of_time(
    program, coordinator
):
    survey = survey_of(program, coordinator, anonymity="anonymous", minimum=3)
    for user, text in zip(people(program, 3), ["zebra", "Apple", "mango"], strict=True):
        answer(survey, user, {0: 9, 2: text})
    results = survey_results(survey, viewer=coordinator)
    assert not results.hidden and results.respondents == 3 and not results.named
    nps, helped, texts = results.questions
    assert nps.nps == 100
    assert helped.hidden  # nobody answered this optional question: 0 < 3
    assert [(t.text, t.author, t.day) for t in texts.texts] == [
        ("Apple", "", None),
        ("mango", "", None),
        ("zebra", "", None),
    ]
    rows = results_rows(results)
    assert "Respondent" not in rows[0]
    assert "Mentee 0" not in flat(rows) and "mentee0@" not in flat(rows)


def test_a_question_fewer_people_answered_is_hidden_on_its_own(program, coordinator):
    survey = survey_of(program, coordinator, anonymity="anonymous", minimum=3)
    for i, user in enumerate(people(program, 4)):
        answer(survey, user, {0: 8, 2: "Only two wrote" if i < 2 else ""})
    nps, _helped, texts = survey_results(survey, viewer=coordinator).questions
    assert not nps.hidden and nps.count == 4
    assert texts.hidden and texts.texts == []


def test_a_role_is_shown_only_if_it_and_the_rest_are_both_large_enough(program, coordinator):
    survey = survey_of(program, coordinator, anonymity="anonymous", minimum=3)
    for user in people(program, 4, role="mentee"):
        answer(survey, user, {0: 10}, role="mentee")
    for user in people(program, 2, role="mentor"):
        answer(survey, user, {0: 0}, role="mentor")
    assert not survey_results(survey, viewer=coordinator).hidden
    # Four mentees are enough, but showing them would reveal the two mentors by subtraction.
    mentees = survey_results(survey, viewer=coordinator, role="mentee")
    mentors = survey_results(survey, viewer=coordinator, role="mentor")
    assert mentees.hidden and mentors.hidden
    assert all(q.hidden and not q.bars for q in mentees.questions + mentors.questions)
    (third,) = people(program, 1, role="mentor", prefix="late")
    answer(survey, third, {0: 5}, role="mentor")
    mentees = survey_results(survey, viewer=coordinator, role="mentee")
    assert not mentees.hidden and mentees.respondents == 4 and mentees.questions[0].nps == 100


def test_named_and_confidential_surveys_have_no_threshold(program, coordinator):
    survey = survey_of(program, coordinator, anonymity="named", minimum=5)
    (one,) = people(program, 1)
    answer(survey, one, {0: 7})
    results = survey_results(survey, viewer=coordinator)
    assert not results.hidden and results.questions[0].count == 1


def test_raising_the_threshold_hides_what_was_shown(program, coordinator):
    survey = survey_of(program, coordinator, anonymity="anonymous", minimum=3)
    for user in people(program, 3):
        answer(survey, user, {0: 9})
    assert not survey_results(survey, viewer=coordinator).hidden
    survey = survey_update(survey=survey, by=coordinator, min_group_size=4)
    assert survey_results(survey, viewer=coordinator).hidden


# --- a member's own answers ---------------------------------------------------------------------


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


def both_answer(survey, pair, mentor, mentee):
    # One occasion (as the scheduler sends it to both): the same moment.
    now = timezone.now()
    mine = assign(survey, mentee, mentorship=pair, key="a", now=now)
    theirs = assign(survey, mentor, mentorship=pair, role="mentor", key="b", now=now)
    from lodestar.evaluations.answering import response_submit

    first, *_ = survey.questions.all()
    response_submit(assignment=mine, by=mentee, answers={first.pk: 9})
    response_submit(assignment=theirs, by=mentor, answers={first.pk: 3})
    mine.refresh_from_db()
    return mine


def test_in_a_confidential_survey_a_member_reads_only_their_own_answers(
    program, coordinator, pair, mentor, mentee
):
    mine = both_answer(survey_of(program, coordinator), pair, mentor, mentee)
    (view,) = member_responses(mentee, mine)
    assert view.mine and view.author == "Mia Mentee"
    assert view.answers[0][1] == "9"


def test_in_a_named_survey_the_pair_read_each_others_answers(
    program, coordinator, pair, mentor, mentee
):
    mine = both_answer(survey_of(program, coordinator, anonymity="named"), pair, mentor, mentee)
    views = member_responses(mentee, mine)
    assert [(v.author, v.mine, v.answers[0][1]) for v in views] == [
        ("Mia Mentee", True, "9"),
        ("Max Mentor", False, "3"),
    ]


def test_an_anonymous_answer_cannot_be_read_again_even_by_its_author(
    program, coordinator, pair, mentor, mentee
):
    survey = survey_of(program, coordinator, anonymity="anonymous")
    mine = both_answer(survey, pair, mentor, mentee)
    assert member_responses(mentee, mine) == []


def test_nobody_reads_answers_through_someone_elses_assignment(
    program, coordinator, pair, mentor, mentee
):
    mine = both_answer(survey_of(program, coordinator, anonymity="named"), pair, mentor, mentee)
    for other in (mentor, coordinator):
        with pytest.raises(Http404):
            member_responses(other, mine)
