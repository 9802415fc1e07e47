"""Evaluation and closure in the admin: the records are there, read-only where they are what
people said, anonymous answers name nobody, and the lists stay cheap however long they get."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.demo import generator
from lodestar.evaluations.models import (
    MutualFeedback,
    ProgressReview,
    Survey,
    SurveyAssignment,
    SurveyResponse,
)
from lodestar.mentorships.models import Closure, ClosureNotice, Mentorship
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    Survey,
    SurveyAssignment,
    SurveyResponse,
    MutualFeedback,
    ProgressReview,
    Closure,
    ClosureNotice,
]
READ_ONLY = [SurveyResponse, MutualFeedback, ProgressReview, Closure, ClosureNotice]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, db):
    client.force_login(
        factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)
    )
    return client


@pytest.fixture
def demo(db):
    generator.generate(seed=5, mentors=6, mentees=14, applicants=0, waitlisted=0)
    # The demo sends no closure notice: one for each of its mentorships.
    end = Mentorship.objects.first().program.end_date
    ClosureNotice.objects.bulk_create(
        ClosureNotice(mentorship=m, end_date=end) for m in Mentorship.objects.all()
    )


def more_of_everything() -> None:
    """Each ended pair gives feedback and reviews its progress too: more rows of every kind."""
    for closure in Closure.objects.select_related("mentorship"):
        members = list(closure.mentorship.memberships.select_related("user"))
        first, second = members[0].user, members[1].user
        MutualFeedback.objects.create(
            mentorship=closure.mentorship,
            author=first,
            about=second,
            point="end",
            rating=4,
            went_well="Steady work.",
        )
        ProgressReview.objects.create(mentorship=closure.mentorship, author=second, summary="Done")


def queries_for(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_list_and_record_opens_and_lists_cost_the_same_however_long(
    admin_client, demo, model
):
    assert model in admin.site._registry
    before = queries_for(admin_client, model)
    count = model._default_manager.count()

    more_of_everything()

    assert queries_for(admin_client, model) == before <= 10
    assert model._default_manager.count() >= count >= 1
    searched = admin_client.get(admin_url(model, "changelist"), {"q": "a"})
    assert searched.status_code == 200
    first = model._default_manager.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model._meta.label)
def test_what_people_said_and_what_was_sent_is_read_only(admin_client, demo, model):
    row = model._default_manager.order_by("pk").first()
    before = model._default_manager.values().get(pk=row.pk)

    assert admin_client.get(admin_url(model, "add")).status_code == 403
    page = admin_client.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    response = admin_client.post(admin_url(model, "change", row.pk), {"rating": 1})

    assert response.status_code == 403
    assert model._default_manager.values().get(pk=row.pk) == before


def test_surveys_are_not_added_here_and_their_terms_cannot_change(admin_client, demo):
    survey = Survey.objects.get(template="end_of_program")

    assert admin_client.get(admin_url(Survey, "add")).status_code == 403
    page = admin_client.get(admin_url(Survey, "change", survey.pk))
    form = page.context["adminform"].form
    assert "title" in form.fields and "open_days" in form.fields
    assert not {"anonymity", "min_group_size", "audience", "anchor", "status"} & set(form.fields)
    assert "How likely are you to recommend this program" in page.text  # its questions


def test_an_anonymous_response_shows_its_answers_and_nobody_behind_them(admin_client, demo):
    response = SurveyResponse.objects.filter(survey__anonymity="anonymous").first()
    named = SurveyResponse.objects.filter(survey__anonymity="confidential").first()

    page = admin_client.get(admin_url(SurveyResponse, "change", response.pk))

    assert page.status_code == 200
    assert "respondent" not in page.text.lower()
    assert "How likely are you to recommend this program" in page.text
    confidential = admin_client.get(admin_url(SurveyResponse, "change", named.pk))
    assert str(named.assignment.user) in confidential.text


def test_closure_page_shows_each_members_reflection(admin_client, demo):
    closure = Closure.objects.filter(outcome="completed").first()
    thanks = closure.reflections.first().gratitude

    page = admin_client.get(admin_url(Closure, "change", closure.pk))

    assert thanks in page.text
    listed = admin_client.get(admin_url(Closure, "changelist"), {"outcome__exact": "ended_early"})
    assert listed.context["cl"].result_count == 1


def test_feedback_text_is_shown_to_site_admins(admin_client, demo):
    feedback = MutualFeedback.objects.get(visibility="coordinators")

    page = admin_client.get(admin_url(MutualFeedback, "change", feedback.pk))

    assert feedback.could_improve[:40] in page.text
