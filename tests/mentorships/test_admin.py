"""Django admin for mentorships, matching and notifications: lists that stay cheap, members
inline, nothing that would skip the seat checks, and status changes that follow the lifecycle."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.engagement.services import notify
from lodestar.matches.models import Exclusion, MatchRun, MentorshipRequest, RequestMessage
from lodestar.mentorships.models import Mentorship
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)
    )
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def many_mentorships(program, count=30):
    mentor = factories.make_enrolment(
        program, factories.make_user("lead@example.com", name="Lee Lead"), role="mentor"
    )
    for i in range(count):
        mentee = factories.make_enrolment(program, factories.make_user(f"m{i}@example.com"))
        factories.make_mentorship(program, mentor=mentor, mentees=[mentee])
        Exclusion.objects.create(program=program, mentee=mentee, mentor=mentor)
        notify(user=mentee.user, kind="mentorship_created", email=False, program="P", other="L")
    return mentor


def test_the_mentorship_list_shows_members_and_stays_cheap(
    admin_client, program, django_assert_max_num_queries
):
    many_mentorships(program)
    for model in (Mentorship, Exclusion, Notification):
        with django_assert_max_num_queries(10):
            response = admin_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
    content = admin_client.get(admin_url(Mentorship, "changelist")).content.decode()
    assert "Lee Lead (Mentor)" in content
    filtered = admin_client.get(
        admin_url(Mentorship, "changelist"), {"program__id__exact": program.pk, "status": "active"}
    )
    assert filtered.context["cl"].result_count == 30


def test_mentorships_and_runs_are_not_added_in_the_admin(admin_client, active):
    assert admin_client.get(admin_url(Mentorship, "add")).status_code == 403
    assert admin_client.get(admin_url(MatchRun, "add")).status_code == 403
    content = admin_client.get(admin_url(Mentorship, "change", active.pk)).content.decode()
    assert "memberships-TOTAL_FORMS" in content  # members inline


def test_a_status_change_in_the_admin_follows_the_lifecycle(admin_client, active):
    url = admin_url(Mentorship, "change", active.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None},
        "status": "proposed",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, data)
    assert "cannot go from “Active” to “Proposed”" in response.content.decode()
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_a_run_keeps_its_inputs_read_only(admin_client, program):
    run = MatchRun.objects.create(
        program=program, number=1, solver="optimal", inputs={"solver": "optimal"}
    )
    form = admin_client.get(admin_url(MatchRun, "change", run.pk)).context["adminform"].form
    assert "inputs" not in form.fields and "metrics" not in form.fields


def test_a_request_shows_its_messages_inline(admin_client, program, mentor_enrolment, mentee):
    request = MentorshipRequest.objects.create(
        program=program,
        mentee=mentee.enrolments.get(),
        mentor=mentor_enrolment,
        message="Hello",
        expires_at=timezone.now(),
    )
    RequestMessage.objects.create(request=request, author=mentee, body="Do you do Rust?")
    content = admin_client.get(admin_url(MentorshipRequest, "change", request.pk)).content
    assert "Do you do Rust?" in content.decode()
