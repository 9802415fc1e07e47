"""The dashboard's survey figures: people asked, answers and the Net Promoter Score, with
anonymous surveys counted whole and hidden below their smallest group."""

import pytest
from django.urls import reverse

from lodestar.evaluations import analytics
from lodestar.evaluations.analytics import Filters
from tests import factories
from tests.evaluations.survey_helpers import answer, assign, day, make_survey

pytestmark = pytest.mark.django_db

NPS_ONLY = [("nps", "Would you recommend the program?", None, True)]


def people(program, n: int, role: str = "mentee"):
    found = []
    for i in range(n):
        user = factories.make_user(f"{role}{i}@example.com", name=f"{role.title()} {i}")
        factories.make_enrolment(program, user, role=role)
        found.append(user)
    return found


def test_the_score_is_promoters_minus_detractors_among_the_answers(program, coordinator):
    survey = make_survey(
        program,
        coordinator,
        questions=NPS_ONLY,
        activate_at=day(0),
        title="End",
        anonymity="confidential",
    )
    mentees = people(program, 5)
    for user, score in zip(mentees, (10, 9, 7, 3), strict=False):
        answer(survey, user, {0: score})
    assign(survey, mentees[4])  # asked, not answered
    [figure] = analytics.surveys([program], Filters())[program.pk].surveys
    assert (figure.sent, figure.answered, figure.response_rate) == (5, 4, 80.0)
    assert (figure.promoters, figure.detractors, figure.nps_answers) == (2, 1, 4)
    assert figure.nps == 25  # (2 − 1) / 4


def test_a_role_filter_slices_a_confidential_survey(program, coordinator):
    survey = make_survey(
        program, coordinator, questions=NPS_ONLY, activate_at=day(0), anonymity="confidential"
    )
    for user in people(program, 2):
        answer(survey, user, {0: 10}, role="mentee")
    for user in people(program, 2, role="mentor"):
        answer(survey, user, {0: 0}, role="mentor")
    every = analytics.surveys([program], Filters())[program.pk].surveys[0]
    mentees = analytics.surveys([program], Filters(cohort="role:mentee"))[program.pk].surveys[0]
    assert (every.nps, mentees.nps) == (0, 100)


def test_an_anonymous_survey_is_never_sliced_and_hides_a_small_score(program, coordinator):
    survey = make_survey(
        program,
        coordinator,
        questions=NPS_ONLY,
        activate_at=day(0),
        anonymity="anonymous",
        min_group_size=5,
    )
    mentees = people(program, 6)
    for user in mentees[:4]:
        answer(survey, user, {0: 10})
    figure = analytics.surveys([program], Filters(cohort="role:mentee"))[program.pk].surveys[0]
    assert figure.hidden and figure.nps is None
    answer(survey, mentees[4], {0: 2})
    whole = analytics.surveys([program], Filters())[program.pk].surveys[0]
    sliced = analytics.surveys([program], Filters(cohort="role:mentor"))[program.pk].surveys[0]
    assert not whole.hidden and whole.nps == 60  # (4 − 1) / 5
    assert sliced.nps == whole.nps  # the role filter does not cut an anonymous survey


def test_the_dashboard_and_its_csv_show_the_score(client, program, coordinator):
    survey = make_survey(
        program,
        coordinator,
        questions=NPS_ONLY,
        activate_at=day(0),
        title="Pulse",
        anonymity="confidential",
    )
    for user, score in zip(people(program, 2), (10, 4), strict=True):
        answer(survey, user, {0: score})
    client.force_login(coordinator)
    page = client.get(reverse("program_dashboard", args=[program.slug])).content.decode()
    assert "Surveys: answers and Net Promoter Score" in page
    assert "Net Promoter Score" in page
    body = client.get(reverse("dashboard_export_csv", args=[program.slug])).content.decode()
    assert "surveys,Pulse,Net Promoter Score,0" in body
