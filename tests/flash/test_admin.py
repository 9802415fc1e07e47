"""The admin: every flash model is there and opens; bookings are filtered by status and program,
and a status change follows the booking's lifecycle; feedback is read-only; lists stay cheap."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.flash.models import Booking, OfficeHours, SessionFeedback, Slot
from tests import factories

from .conftest import NOW, add_person, make_booking, make_slot

pytestmark = pytest.mark.django_db

MODELS = [OfficeHours, Slot, Booking, SessionFeedback]


@pytest.fixture
def admin_client(client, db):
    root = factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def url(model, view, *args):
    return reverse(f"admin:flash_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def bookings(program, max_e, mia_e):
    made = []
    for k in range(6):
        slot = make_slot(max_e, NOW - timedelta(days=k + 1))
        mentee = mia_e if k == 0 else add_person(program, f"Mentee {k}")
        made.append(make_booking(slot, mentee, status="held" if k % 2 else "booked"))
    SessionFeedback.objects.create(booking=made[1], author=made[1].mentee.user, rating=4, useful=1)
    return made


def test_every_flash_model_is_in_the_admin_and_opens(admin_client, bookings):
    assert set(MODELS) <= set(admin.site._registry)
    for model in MODELS:
        assert admin_client.get(url(model, "changelist")).status_code == 200
        assert admin_client.get(url(model, "add")).status_code == 403
        row = model.objects.first()
        assert admin_client.get(url(model, "change", row.pk)).status_code == 200


def test_bookings_are_filtered_by_status_and_program(admin_client, bookings, program):
    response = admin_client.get(url(Booking, "changelist"), {"status__exact": "held"})
    assert response.status_code == 200 and response.context["cl"].result_count == 3
    response = admin_client.get(
        url(Booking, "changelist"), {"slot__office_hours__program__id__exact": program.pk}
    )
    assert response.context["cl"].result_count == 6


def test_a_booking_status_change_follows_its_lifecycle(admin_client, bookings):
    held = bookings[1]
    page = admin_client.get(url(Booking, "change", held.pk))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(status="booked", slot=held.slot_id, mentee=held.mentee_id)
    response = admin_client.post(url(Booking, "change", held.pk), data)
    assert response.status_code == 200  # the form again, with the error
    assert "cannot go from “Held” to “Booked”" in response.content.decode()
    assert Booking.objects.get(pk=held.pk).status == "held"


def test_feedback_is_read_only(admin_client, bookings):
    feedback = SessionFeedback.objects.get()
    response = admin_client.post(
        url(SessionFeedback, "change", feedback.pk),
        {"rating": 1, "useful": "", "comment": "changed"},
    )
    assert response.status_code == 403
    assert SessionFeedback.objects.get().rating == 4
    assert admin_client.post(url(SessionFeedback, "delete", feedback.pk)).status_code == 403


def test_the_booking_list_takes_the_same_queries_for_more_rows(
    admin_client, bookings, program, max_e
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(url(Booking, "changelist"))
        return len(captured)

    few = count()
    for k in range(10):
        make_booking(make_slot(max_e, NOW - timedelta(days=20 + k)), add_person(program, f"M{k}"))
    assert count() == few
