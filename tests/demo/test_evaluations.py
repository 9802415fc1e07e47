"""The demo's evaluation and closure: surveys answered, mentorships ended, feedback given, and
every screen that shows them has something to show."""

import pytest
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.core.models import OutgoingEmail
from lodestar.demo import data
from lodestar.engagement.models import Notification
from lodestar.evaluations.models import (
    Anonymity,
    MutualFeedback,
    ProgressReview,
    Survey,
    SurveyAssignment,
    SurveyResponse,
)
from lodestar.evaluations.scheduling import surveys_assign_due
from lodestar.mentorships.models import Closure, Mentorship, Reflection
from lodestar.programs.models import Program

pytestmark = pytest.mark.django_db


def login(client, who: data.Login) -> User:
    user = User.objects.get(email=who.email)
    client.force_login(user)
    return user


def demo_pair() -> Mentorship:
    return Mentorship.objects.get(
        program__slug=data.PROGRAM_SLUG, memberships__user__email=data.MENTEE.email
    )


def test_the_main_program_has_two_active_surveys_made_from_the_templates(demo):
    surveys = Survey.objects.filter(program__slug=data.PROGRAM_SLUG).order_by("pk")

    assert [(s.template, s.anonymity, s.status) for s in surveys] == [
        ("satisfaction_30", Anonymity.CONFIDENTIAL, "active"),
        ("end_of_program", Anonymity.ANONYMOUS, "active"),
    ]
    first_month, looking_back = surveys
    assert first_month.responses.count() >= 5
    assert looking_back.min_group_size == 5
    assert looking_back.responses.count() >= looking_back.min_group_size
    # Anonymous answers keep no link to who gave them.
    assert not looking_back.responses.filter(assignment__isnull=False).exists()
    assert not looking_back.responses.filter(mentorship__isnull=False).exists()


def test_the_dashboard_shows_a_net_promoter_score_retention_and_early_endings(demo, client):
    login(client, data.COORDINATOR)

    response = client.get(reverse("program_dashboard", args=[data.PROGRAM_SLUG]))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.surveys.nps is not None
    assert -100 <= figures.surveys.nps <= 100
    assert figures.retention.completed >= 3
    assert figures.retention.ended_early == 1
    assert [reason for reason, _n in figures.retention.reasons] == ["availability"]
    assert "Net Promoter Score" in response.text


def test_the_end_of_program_results_show_with_enough_answers(demo, client):
    login(client, data.COORDINATOR)
    survey = Survey.objects.get(program__slug=data.PROGRAM_SLUG, template="end_of_program")

    response = client.get(reverse("survey_results", args=[data.PROGRAM_SLUG, survey.pk]))

    assert response.status_code == 200
    results = response.context["results"]
    assert not results.hidden
    assert results.questions[0].nps is not None
    assert "Net Promoter Score:" in response.text


def test_the_demo_mentee_has_one_survey_waiting_on_the_dashboard(demo, client):
    lucas = login(client, data.MENTEE)

    dashboard = client.get(reverse("dashboard")).content.decode()

    [waiting] = SurveyAssignment.objects.filter(user=lucas, status="pending")
    assert waiting.mentorship == demo_pair()
    assert "Surveys waiting for your answer" in dashboard
    assert reverse("survey_answer", args=[waiting.pk]) in dashboard
    assert client.get(reverse("survey_answer", args=[waiting.pk])).status_code == 200


def test_the_demo_mentor_answered_the_first_month_survey(demo):
    priya = User.objects.get(email=data.MENTOR.email)
    [answered] = SurveyAssignment.objects.filter(user=priya, status="done")

    assert answered.survey.template == "satisfaction_30"
    assert SurveyResponse.objects.get(assignment=answered).mentorship == demo_pair()


def test_ended_mentorships_have_closures_reflections_and_notes_of_thanks(demo, client):
    program = Program.objects.get(slug=data.PROGRAM_SLUG)
    closures = Closure.objects.filter(mentorship__program=program)

    completed = closures.filter(outcome="completed", mentorship__status="completed")
    early = closures.get(outcome="ended_early", mentorship__status="ended_early")
    assert completed.count() >= 3
    assert early.reason == "availability" and early.reason_note
    assert early.mentorship.end_reason == early.reason_note
    for closure in completed:
        reflections = Reflection.objects.filter(closure=closure)
        assert reflections.count() == 2
        assert all(r.gratitude and r.submitted_at >= closure.started_at for r in reflections)
        assert closure.finished_at == max(r.submitted_at for r in reflections)
    assert demo_pair().status == "active"

    login(client, data.COORDINATOR)
    page = client.get(reverse("program_closures", args=[program.slug]))
    assert page.status_code == 200
    assert "No time or availability" in page.text and "Goals achieved" in page.text


def test_the_demo_pair_gave_mid_point_feedback_and_reviewed_progress(demo, client):
    pair = demo_pair()
    feedback = MutualFeedback.objects.filter(mentorship=pair, point="midpoint")

    assert sorted(feedback.values_list("visibility", flat=True)) == ["coordinators", "shared"]
    review = ProgressReview.objects.get(mentorship=pair)
    assert review.items.count() == 2 and any(item.changed for item in review.items.all())

    priya = login(client, data.MENTOR)
    page = client.get(reverse("relationship_feedback", args=[pair.pk])).content.decode()
    shared = feedback.get(about=priya)
    assert "Every session ends with one concrete next step" in page  # shared with her
    assert "Mid-point feedback opens" not in page  # the mid-point has passed
    reviews = client.get(reverse("progress_reviews", args=[pair.pk])).content.decode()
    assert "the calls for papers" in reviews
    login(client, data.MENTEE)
    page = client.get(reverse("relationship_feedback", args=[pair.pk])).content.decode()
    # Priya wrote hers for the coordinators: Lucas does not read it.
    assert "hard on himself" not in page
    assert shared.went_well[:30] in page  # his own


def test_the_scheduler_finds_every_open_occasion_asked_already(demo):
    assert surveys_assign_due() == 0


def test_loading_the_evaluations_tells_nobody_anything(demo):
    assert not OutgoingEmail.objects.exists()
    assert not Notification.objects.exists()
