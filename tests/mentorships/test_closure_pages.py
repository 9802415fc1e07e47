"""The closure pages: closing from the workspace, reflecting, who reads what (a member reads the
others' notes of thanks, never their reflection; coordinators read everything; outsiders get a
404), the certificate, and the coordinators' list with the bulk close and reopening."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.evaluations.models import Survey, SurveyAssignment
from lodestar.meetings.models import Meeting
from lodestar.mentorships.closure import closure_start, reflection_submit
from lodestar.mentorships.models import Closure, Goal, Mentorship, Reflection
from lodestar.programs.models import MatchingMode
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "I was nervous about every single meeting."
THANKS = "Thank you for your patience, Max."


def url(name, mentorship) -> str:
    return reverse(name, args=[mentorship.pk])


def page(client, user, address, status=200) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == status
    return response.content.decode()


def reflect(closure, user, **fields):
    values = {
        "accomplishments": "Shipped the portfolio.",
        "learned": "",
        "differently": "",
        "gratitude": "",
        "transition": "done",
        **fields,
    }
    return reflection_submit(closure=closure, by=user, **values)


@pytest.fixture
def closing(active, mentor):
    return closure_start(mentorship=active, by=mentor, reason="goals_achieved")


@pytest.fixture
def completed(closing, mentor, mentee):
    reflect(closing, mentee, accomplishments=SECRET, gratitude=THANKS, transition="new_mentor")
    reflect(closing, mentor, gratitude="It was a joy, Mia.")
    closing.mentorship.refresh_from_db()
    return closing.mentorship


# --- from the workspace ---------------------------------------------------------------------


def test_members_and_coordinators_find_close_this_mentorship_on_the_workspace(
    client, active, mentor, mentee, coordinator
):
    for person in (mentor, mentee, coordinator):
        content = page(client, person, url("mentorship_detail", active))
        assert "Close this mentorship" in content
        assert url("mentorship_closure", active) in content
        assert "End this mentorship early" in content  # the abrupt way out stays


def test_a_closing_or_closed_mentorship_links_its_closure_instead(
    client, closing, completed, mentee
):
    content = page(client, mentee, url("mentorship_detail", completed))
    assert "Close this mentorship" not in content
    assert "How it closed" in content


def test_a_member_starts_closing_from_the_closure_page(client, active, mentor, mentee):
    content = page(client, mentor, url("mentorship_closure", active))
    assert "Goals achieved" in content and "Start closing" in content
    assert 'name="outcome"' not in content  # only coordinators choose it

    response = client.post(
        url("mentorship_closure_start", active), {"reason": "goals_achieved"}, follow=True
    )

    content = response.content.decode()
    assert "The mentorship is closing." in content
    assert Mentorship.objects.get(pk=active.pk).status == "closing"
    assert "Your reflection" in content and "What did you accomplish?" in content
    assert "Max Mentor has not written a reflection yet" in content


def test_a_coordinator_may_choose_the_outcome_on_the_page(client, active, coordinator):
    content = page(client, coordinator, url("mentorship_closure", active))
    assert 'name="outcome"' in content
    client.post(
        url("mentorship_closure_start", active),
        {"reason": "availability", "outcome": "completed"},
    )
    assert Closure.objects.get(mentorship=active).outcome == "completed"


def test_a_member_posting_an_outcome_is_told_no(client, active, mentee):
    client.force_login(mentee)
    client.post(
        url("mentorship_closure_start", active), {"reason": "mismatch", "outcome": "completed"}
    )
    # The member's form has no outcome field: the value is ignored, the reason decides.
    assert Closure.objects.get(mentorship=active).outcome == "ended_early"


def test_starting_without_a_reason_shows_the_error_and_changes_nothing(client, active, mentee):
    client.force_login(mentee)
    response = client.post(url("mentorship_closure_start", active), {"reason": ""})
    assert response.status_code == 200
    assert "Choose why the mentorship ends." in response.content.decode()
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_closing_twice_is_refused_with_the_reason(client, closing, mentee):
    client.force_login(mentee)
    response = client.post(
        url("mentorship_closure_start", closing.mentorship), {"reason": "other"}, follow=True
    )
    assert "Only an active or paused mentorship can be closed" in response.content.decode()


# --- reflecting, and who reads what ---------------------------------------------------------


def test_both_reflect_with_notes_of_thanks_and_the_mentorship_completes(
    client, closing, mentor, mentee
):
    mentorship = closing.mentorship
    client.force_login(mentee)
    response = client.post(
        url("mentorship_reflection", mentorship),
        {"accomplishments": SECRET, "gratitude": THANKS, "transition": "continue_informally"},
        follow=True,
    )
    content = response.content.decode()
    assert "your reflection is saved" in content
    assert "You wrote your reflection on" in content and "Save my changes" in content

    content = page(client, mentor, url("mentorship_closure", mentorship))
    assert THANKS in content and "From Mia Mentee" in content
    assert SECRET not in content  # a reflection is not the other member's to read

    response = client.post(
        url("mentorship_reflection", mentorship),
        {
            "accomplishments": "Helped Mia find her voice.",
            "gratitude": "It was a joy, Mia.",
            "transition": "done",
        },
        follow=True,
    )
    assert "everyone has reflected, and the mentorship is closed" in response.content.decode()
    assert Mentorship.objects.get(pk=mentorship.pk).status == "completed"

    content = page(client, mentee, url("mentorship_closure", mentorship))
    assert "It was a joy, Mia." in content
    assert "Helped Mia find her voice." not in content
    assert SECRET in content  # her own, read-only now
    assert "Save my reflection" not in content and "Save my changes" not in content


def test_coordinators_read_every_reflection_and_the_reason_note(
    client, active, mentee, coordinator
):
    closure = closure_start(
        mentorship=active, by=mentee, reason="availability", reason_note="New job, no time."
    )
    reflect(closure, mentee, accomplishments=SECRET, gratitude=THANKS)
    content = page(client, coordinator, url("mentorship_closure", active))
    assert SECRET in content and THANKS in content and "New job, no time." in content
    assert "Mia Mentee’s reflection" in content


def test_the_reason_note_is_not_for_the_other_member(client, active, mentee, mentor):
    closure_start(mentorship=active, by=mentee, reason="other", reason_note="Between us.")
    content = page(client, mentor, url("mentorship_closure", active))
    assert "Another reason" in content
    assert "Between us." not in content
    assert "Between us." in page(client, mentee, url("mentorship_closure", active))


def test_outsiders_and_other_coordinators_get_a_404(client, completed, outsider, other_coordinator):
    for person in (outsider, other_coordinator):
        for name in ("mentorship_closure", "mentorship_certificate"):
            page(client, person, url(name, completed), status=404)
        client.force_login(person)
        for name in (
            "mentorship_closure_start",
            "mentorship_reflection",
            "mentorship_closure_reopen",
        ):
            assert client.post(url(name, completed), {"reason": "other"}).status_code == 404


def test_a_coordinator_cannot_write_a_reflection(client, closing, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("mentorship_reflection", closing.mentorship),
        {"accomplishments": "Not mine to write.", "transition": "done"},
    )
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_a_reflection_without_accomplishments_shows_the_error_and_saves_nothing(
    client, closing, mentee
):
    client.force_login(mentee)
    response = client.post(
        url("mentorship_reflection", closing.mentorship),
        {"accomplishments": "  ", "gratitude": THANKS, "transition": "done"},
    )
    content = response.content.decode()
    assert "Say what you accomplished" in content
    assert THANKS in content  # what they typed is kept
    assert not Reflection.objects.exists()


def test_a_reflection_after_the_closure_finished_is_refused(client, completed, mentee):
    client.force_login(mentee)
    response = client.post(
        url("mentorship_reflection", completed),
        {"accomplishments": "Late thoughts.", "transition": "done"},
        follow=True,
    )
    assert "no longer closing" in response.content.decode()
    assert not Reflection.objects.filter(accomplishments="Late thoughts.").exists()


def test_the_closure_page_links_the_pending_end_of_program_survey(client, program, closing, mentee):
    survey = Survey.objects.create(program=program, title="End of program", anchor="closure")
    assignment = SurveyAssignment.objects.create(
        survey=survey,
        user=mentee,
        mentorship=closing.mentorship,
        role="mentee",
        key=f"test:{mentee.pk}",
        due_at=timezone.now() + timedelta(days=14),
    )
    content = page(client, mentee, url("mentorship_closure", closing.mentorship))
    assert "Answer the end-of-program survey" in content
    assert reverse("survey_answer", args=[assignment.pk]) in content

    assignment.status = "done"
    assignment.save(update_fields=["status"])
    content = page(client, mentee, url("mentorship_closure", closing.mentorship))
    assert "Answer the end-of-program survey" not in content


def test_asking_for_a_new_mentor_where_mentees_choose_leads_to_the_recommendations(
    client, program, completed, mentee
):
    content = page(client, mentee, url("mentorship_closure", completed))
    assert "the program’s coordinators see it" in content

    program.matching_mode = MatchingMode.MENTEE_CHOICE
    program.save(update_fields=["matching_mode"])
    content = page(client, mentee, url("mentorship_closure", completed))
    assert reverse("mentor_recommendations", args=[program.slug]) in content


# --- the certificate ------------------------------------------------------------------------


def test_the_mentee_prints_a_certificate_of_participation(
    client, completed, mentor, mentee, program
):
    for minutes in (60, 30):
        Meeting.objects.create(
            mentorship=completed,
            proposed_by=mentor,
            start=timezone.now() - timedelta(days=7),
            duration=minutes,
            status="completed",
        )
    Meeting.objects.create(
        mentorship=completed, proposed_by=mentor, start=timezone.now(), status="cancelled"
    )
    Goal.objects.create(mentorship=completed, owner=mentee, title="Portfolio", status="achieved")
    Goal.objects.create(mentorship=completed, owner=mentee, title="Talk", status="dropped")

    content = page(client, mentee, url("mentorship_closure", completed))
    assert url("mentorship_certificate", completed) in content
    content = page(client, mentee, url("mentorship_certificate", completed))
    assert "Certificate of participation" in content
    assert "Mia Mentee" in content and "Spring Cohort" in content
    assert "1.5 hours, in 2 meetings" in content
    assert "<dt>Goals achieved</dt><dd>1</dd>" in content
    assert "certificate.css" in content  # the print styles

    content = page(client, mentor, url("mentorship_certificate", completed))
    assert "Certificate of mentoring" in content and "Max Mentor" in content


def test_no_certificate_for_a_coordinator_or_a_mentorship_that_did_not_complete(
    client, program, closing, coordinator, mentee, mentor_enrolment
):
    page(client, mentee, url("mentorship_certificate", closing.mentorship), status=404)
    early = factories.make_mentorship(
        program,
        mentor=mentor_enrolment,
        mentees=[factories.make_enrolment(program, factories.make_user("e@example.com"))],
        status="ended_early",
    )
    page(
        client,
        early.memberships.exclude(role="mentor").get().user,
        url("mentorship_certificate", early),
        status=404,
    )
    reflect(closing, mentee)
    page(client, coordinator, url("mentorship_certificate", closing.mentorship), status=404)


# --- the coordinators' list -----------------------------------------------------------------


def closures_url(program) -> str:
    return reverse("program_closures", args=[program.slug])


def test_the_program_page_links_the_closures(client, program, coordinator):
    assert closures_url(program) in page(
        client, coordinator, reverse("program_manage", args=[program.slug])
    )


def test_coordinators_see_reasons_outcomes_transitions_and_who_reflected(
    client, program, completed, coordinator
):
    content = page(client, coordinator, closures_url(program))
    assert "Goals achieved" in content and "Completed" in content
    assert "Mia Mentee: reflected — Ask for a new mentor" in content
    assert "Max Mentor: reflected — Done for now" in content
    assert "Wants a new mentor" in content
    assert "Reopen" in content


def test_only_the_programs_coordinators_see_the_closures(
    client, program, mentor, other_coordinator
):
    for person in (mentor, other_coordinator):
        page(client, person, closures_url(program), status=404)


def test_bulk_close_asks_for_confirmation_first(client, program, active, coordinator, mentee):
    content = page(client, coordinator, closures_url(program))
    assert "Close the cohort" in content and "Mia Mentee" in content

    response = client.post(
        reverse("program_closures_bulk", args=[program.slug]), {"mentorships": [active.pk]}
    )
    content = response.content.decode()
    assert "Close 1 mentorship?" in content and "Yes, close 1 mentorship" in content
    assert Mentorship.objects.get(pk=active.pk).status == "active"

    response = client.post(
        reverse("program_closures_bulk", args=[program.slug]),
        {"mentorships": [active.pk], "confirmed": "True"},
        follow=True,
    )
    assert "1 mentorship is closing" in response.content.decode()
    closure = Closure.objects.get(mentorship=active)
    assert (closure.reason, closure.started_by) == ("program_ended", coordinator)


def test_bulk_close_with_nothing_chosen_shows_the_error(client, program, active, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("program_closures_bulk", args=[program.slug]), {})
    assert "Choose at least one mentorship to close." in response.content.decode()
    assert not Closure.objects.exists()


def test_bulk_close_of_a_mentorship_no_longer_running_shows_the_error(
    client, program, closing, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_closures_bulk", args=[program.slug]),
        {"mentorships": [closing.mentorship.pk], "confirmed": "True"},
    )
    assert response.status_code == 200
    assert "One of the chosen mentorships is no longer running" in response.content.decode()


def test_a_coordinator_reopens_from_the_list(client, program, completed, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("mentorship_closure_reopen", completed), {"next": "list"}, follow=True
    )
    assert response.redirect_chain[-1][0] == closures_url(program)
    assert "The mentorship is active again" in response.content.decode()
    assert Mentorship.objects.get(pk=completed.pk).status == "active"


def test_a_refused_reopen_says_why(client, program, completed, coordinator, mentee_enrolment):
    other = factories.make_enrolment(program, factories.make_user("m2@example.com"), role="mentor")
    factories.make_mentorship(program, mentor=other, mentees=[mentee_enrolment])
    client.force_login(coordinator)
    response = client.post(url("mentorship_closure_reopen", completed), follow=True)
    assert "has started another mentorship in this program" in response.content.decode()
    assert Mentorship.objects.get(pk=completed.pk).status == "completed"


def make_closed_pairs(program, coordinator, count, start):
    for n in range(start, start + count):
        mentor = factories.make_enrolment(
            program, factories.make_user(f"mentor{n}@example.com"), role="mentor"
        )
        mentee = factories.make_enrolment(program, factories.make_user(f"mentee{n}@example.com"))
        pair = factories.make_mentorship(program, mentor=mentor, mentees=[mentee])
        closure = closure_start(mentorship=pair, by=coordinator, reason="program_ended")
        reflect(closure, mentee.user, transition="new_mentor")
        # And one pair still running, for the bulk form.
        factories.make_mentorship(
            program,
            mentor=mentor,
            mentees=[factories.make_enrolment(program, factories.make_user(f"r{n}@example.com"))],
        )


def test_the_closures_page_does_a_bounded_number_of_queries(client, program, coordinator):
    client.force_login(coordinator)
    make_closed_pairs(program, coordinator, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(closures_url(program)).status_code == 200
    make_closed_pairs(program, coordinator, 6, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(closures_url(program))
    assert response.content.decode().count("Wants a new mentor") == 8
    assert len(many) == len(few)


def test_the_program_settings_include_the_notice_before_the_end(client, program, coordinator):
    content = page(client, coordinator, reverse("program_edit", args=[program.slug]))
    assert "Days of notice before the end" in content
    assert 'name="closure_notice_days"' in content and 'value="14"' in content
