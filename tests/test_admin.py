"""Django admin: every model is there, usable, and its lists stay cheap however long they get."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from lodestar.accounts.models import AvailabilityWindow, Profile, User
from lodestar.core.models import Tag
from lodestar.demo import generator
from lodestar.engagement.models import (
    NotificationPreference,
    Nudge,
    PairFlag,
    PairHealth,
    ScheduledJobRun,
)
from lodestar.programs.models import Answer, Enrolment, Invitation, Program, Question
from tests import factories
from tests.factories import PASSWORD

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
OURS = [User, Profile, AvailabilityWindow, Tag, Program, Question, Enrolment, Answer, Invitation]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def site_admin(db):
    return factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo program for the whole module: building it takes seconds and a hundred tests read
    it. Each test's own transaction nests inside this one, so what a test changes is undone after
    it, and the demo itself is rolled back after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generator.generate(seed=3, mentors=8, mentees=20, applicants=4, waitlisted=2)
        transaction.set_rollback(True)


def test_every_model_of_ours_is_in_the_admin():
    assert set(OURS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_a_site_admin_can_open_every_changelist_add_page_and_change_page(
    admin_client, site_admin, demo, model
):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200

    request = RequestFactory().get("/")
    request.user = site_admin
    addable = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if addable else 403)

    first = model._default_manager.order_by("pk").first()
    if first is not None:
        assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", OURS, ids=lambda model: model._meta.label)
def test_changelists_do_a_bounded_number_of_queries(
    admin_client, demo, program, other_program, model, django_assert_max_num_queries
):
    assert model._default_manager.count() >= 3
    with django_assert_max_num_queries(8):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


def test_only_invitations_cannot_be_added_in_the_admin(site_admin):
    request = RequestFactory().get("/")
    request.user = site_admin
    refused = [
        model for model in OURS if not admin.site._registry[model].has_add_permission(request)
    ]
    assert refused == [Invitation]


def test_user_search_finds_people_by_name_and_email(admin_client, demo):
    response = admin_client.get(admin_url(User, "changelist"), {"q": "priya raman"})
    assert "mentor@demo.lodestar.test" in response.text
    assert "mentee@demo.lodestar.test" not in response.text

    response = admin_client.get(admin_url(User, "changelist"), {"q": "mentee@demo"})
    assert "Lucas Ferreira" in response.text
    assert "Priya Raman" not in response.text


def test_adding_a_user_sets_their_password_and_email_login(admin_client):
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "timezone": "Europe/Paris",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(PASSWORD)
    assert (user.name, user.timezone) == ("New Person", "Europe/Paris")
    assert Profile.objects.filter(user=user).exists()


def test_adding_a_user_with_an_address_in_use_shows_an_error_and_adds_no_one(admin_client, mentee):
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "email": "MENTEE@example.com",
            "name": "Copy",
            "timezone": "UTC",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "Someone already has an account with this address." in response.text
    assert User.objects.filter(email__iexact="mentee@example.com").count() == 1


def test_user_change_page_edits_profile_and_availability_inline(admin_client, demo):
    user = User.objects.get(email="mentor@demo.lodestar.test")
    response = admin_client.get(admin_url(User, "change", user.pk))

    assert "Engineering manager" in response.text  # the profile inline
    assert "availability-" in response.text  # the availability inline's formset prefix
    assert user.password not in response.text


def test_a_program_status_change_must_follow_the_lifecycle(admin_client, program):
    url = admin_url(Program, "change", program.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None},
        "coordinators": [user.pk for user in program.coordinators.all()],
        "status": "archived",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "cannot go from “Enrolling” to “Archived”" in response.text
    program.refresh_from_db()
    assert program.status == "enrolling"


def test_an_answer_edited_in_the_admin_passes_the_intake_checks(admin_client, demo):
    answer = Answer.objects.select_related("enrolment").get(
        enrolment__user__email="mentee@demo.lodestar.test",
        enrolment__program__slug="northstar-2027",
        question__label="How structured do you like your mentoring?",
    )
    url = admin_url(Answer, "change", answer.pk)

    response = admin_client.post(
        url, {"enrolment": answer.enrolment_id, "question": answer.question_id, "value": "9"}
    )

    assert response.status_code == 200
    assert "Choose a whole number from 1 to 5." in response.text
    answer.refresh_from_db()
    assert answer.value == 4


def test_an_answer_cannot_be_moved_to_another_roles_question(admin_client, demo):
    answer = Answer.objects.get(
        enrolment__user__email="mentee@demo.lodestar.test",
        enrolment__program__slug="northstar-2027",
        question__label="How structured do you like your mentoring?",
    )
    mentor_question = Question.objects.get(
        label="How structured is your mentoring style?", program__slug="northstar-2027"
    )

    response = admin_client.post(
        admin_url(Answer, "change", answer.pk),
        {"enrolment": answer.enrolment_id, "question": mentor_question.pk, "value": "3"},
    )

    assert "This question is not asked of this person in this program." in response.text
    answer.refresh_from_db()
    assert answer.question_id != mentor_question.pk


def test_the_invitation_token_hash_is_never_shown(admin_client, demo):
    invitation = Invitation.objects.first()

    for url in (
        admin_url(Invitation, "changelist"),
        admin_url(Invitation, "change", invitation.pk),
    ):
        response = admin_client.get(url)
        assert invitation.email in response.text
        assert invitation.token_hash not in response.text


def test_the_program_page_links_to_its_enrolments_rather_than_listing_them(admin_client, demo):
    program = Program.objects.get(slug="northstar-2027")
    count = program.enrolments.count()

    response = admin_client.get(admin_url(Program, "change", program.pk))

    link = admin_url(Enrolment, "changelist") + f"?program__id__exact={program.pk}"
    assert f'href="{link}">{count} enrolments</a>' in response.text
    filtered = admin_client.get(link)
    assert filtered.context["cl"].result_count == count


def test_people_who_are_not_staff_cannot_open_the_admin(client, mentee):
    client.force_login(mentee)

    response = client.get(admin_url(User, "changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Engagement records ------------------------------------------------------------------------------

ENGAGEMENT = [Nudge, PairFlag, PairHealth, ScheduledJobRun, NotificationPreference]


@pytest.fixture
def engagement(program):
    """Three pairs, each nudged twice, flagged and checked for health; three scheduled jobs."""
    for n in range(3):
        mentor = factories.make_user(f"pair-mentor-{n}@example.com", name=f"Mentor {n}")
        mentee = factories.make_user(f"pair-mentee-{n}@example.com", name=f"Mentee {n}")
        pair = factories.make_mentorship(
            program,
            mentor=factories.make_enrolment(program, mentor, role="mentor", capacity=1),
            mentees=[factories.make_enrolment(program, mentee, role="mentee")],
        )
        cause = f"no_meeting:{pair.pk}:2026-01-0{n + 1}"
        for level in (1, 2):
            Nudge.objects.create(
                mentorship=pair, user=mentee, rule="no_meeting", cause=cause, level=level
            )
        PairFlag.objects.create(program=program, mentorship=pair, rule="no_meeting", cause=cause)
        PairHealth.objects.create(mentorship=pair, status="at_risk")
        ScheduledJobRun.objects.create(name=f"job-{n}")
        NotificationPreference.objects.create(user=mentee, category="support", email=False)


@pytest.mark.parametrize("model", ENGAGEMENT, ids=lambda model: model._meta.label)
def test_engagement_records_are_in_the_admin_with_cheap_lists_and_working_pages(
    admin_client, engagement, model, django_assert_max_num_queries
):
    assert model in admin.site._registry
    with django_assert_max_num_queries(8):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model._default_manager.count() >= 3
    searched = admin_client.get(admin_url(model, "changelist"), {"q": "2"})
    assert searched.status_code == 200
    first = model._default_manager.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", first.pk)).status_code == 200


def test_nudge_list_names_the_person_the_pair_and_the_cause(admin_client, engagement):
    response = admin_client.get(admin_url(Nudge, "changelist"), {"q": "pair-mentee-1@"})

    assert response.context["cl"].result_count == 2
    assert "Mentee 1" in response.text and "Mentor 1" in response.text
    assert "no_meeting:" in response.text and "Mentee 2" not in response.text


@pytest.mark.parametrize("model", [Nudge, PairFlag], ids=lambda model: model._meta.label)
def test_nudges_and_flags_are_read_only_records(admin_client, engagement, model):
    row = model._default_manager.order_by("pk").first()
    before = model._default_manager.values().get(pk=row.pk)

    assert admin_client.get(admin_url(model, "add")).status_code == 403
    page = admin_client.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    response = admin_client.post(admin_url(model, "change", row.pk), {"rule": "changed"})

    assert response.status_code == 403
    assert model._default_manager.values().get(pk=row.pk) == before


def test_open_flags_can_be_told_from_resolved_ones(admin_client, engagement):
    PairFlag.objects.filter(pk=PairFlag.objects.order_by("pk").first().pk).update(
        resolved_at="2026-02-01T00:00:00Z"
    )

    response = admin_client.get(admin_url(PairFlag, "changelist"), {"resolved_at__isempty": "1"})

    assert response.context["cl"].result_count == 2


def test_scheduled_jobs_show_when_they_last_ran_and_finished(admin_client, engagement):
    ScheduledJobRun.objects.filter(name="job-0").update(
        last_run_at="2026-03-01T10:00:00Z", finished_at="2026-03-01T10:00:05Z"
    )

    response = admin_client.get(admin_url(ScheduledJobRun, "changelist"))

    headers = [str(h["text"]) for h in response.context["result_headers"]][1:]  # after the tick
    assert headers == ["job", "last run", "last finished"]
    assert "job-0" in response.text and "March 1, 2026" in response.text
