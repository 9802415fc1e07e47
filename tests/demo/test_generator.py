"""The demo generator: the same seed gives the same world, and that world is coherent."""

import hashlib
import json
from itertools import pairwise

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from lodestar.accounts.models import AvailabilityWindow, User
from lodestar.core.timezones import timezone_names
from lodestar.demo import data, generator
from lodestar.programs.answers import clean_answer, profile_value
from lodestar.programs.models import Answer, Enrolment, ProfileField, Program, QuestionKind
from lodestar.programs.services.intake import intake_questions
from lodestar.programs.states import ProgramStatus

from .conftest import SMALL

pytestmark = pytest.mark.django_db


def world_digest() -> str:
    """A fingerprint of everything the seed decides, in insertion order."""
    people = [
        [
            user.email,
            user.name,
            user.timezone,
            user.profile.job_title,
            user.profile.organisation,
            user.profile.seniority,
            user.profile.languages,
            user.profile.bio,
            sorted(tag.name for tag in user.profile.skills.all()),
            sorted(tag.name for tag in user.profile.interests.all()),
            [str(window) for window in user.availability.all()],
        ]
        for user in User.objects.order_by("pk").prefetch_related(
            "profile__skills", "profile__interests", "availability"
        )
    ]
    answers = list(
        Answer.objects.order_by("enrolment_id", "question__role", "question__position").values_list(
            "enrolment__user__email", "enrolment__status", "question__label", "value"
        )
    )
    text = json.dumps([people, answers], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Rollback(Exception):
    pass


def digest_of_a_fresh_run(seed: int) -> str:
    """Generate into the empty test database, fingerprint, and roll everything back."""
    assert not User.objects.exists()
    try:
        with transaction.atomic():
            generator.generate(seed=seed, **SMALL)
            digest = world_digest()
            raise Rollback
    except Rollback:
        return digest


def test_the_same_seed_gives_the_same_people_answers_and_order():
    assert digest_of_a_fresh_run(11) == digest_of_a_fresh_run(11)


def test_another_seed_gives_other_people():
    assert digest_of_a_fresh_run(11) != digest_of_a_fresh_run(12)


def test_sizes_are_honoured(demo):
    program = Program.objects.get(slug=data.PROGRAM_SLUG)
    counts = {
        (role, status): program.enrolments.filter(role=role, status=status).count()
        for role, status in program.enrolments.values_list("role", "status").distinct()
    }
    assert counts[("mentor", "approved")] == SMALL["mentors"]
    assert counts[("mentee", "approved")] == SMALL["mentees"]
    assert counts[("mentor", "applied")] + counts[("mentee", "applied")] == SMALL["applicants"]
    assert counts[("mentee", "waitlisted")] == SMALL["waitlisted"]
    assert sum(counts.values()) == sum(SMALL.values())
    # The participants, the coordinator and the site admin, all in the demo domain.
    assert User.objects.count() == sum(SMALL.values()) + 2
    assert demo.people == User.objects.count()


def test_the_program_is_enrolling_by_application_and_run_by_the_demo_coordinator(demo):
    coordinator = User.objects.get(email=data.COORDINATOR.email)
    program = Program.objects.get(slug=data.PROGRAM_SLUG)

    assert program.name == "Northstar Mentoring 2027"
    assert program.status == ProgramStatus.ENROLLING
    assert (program.kind, program.enrolment_mode, program.matching_mode) == (
        "one_to_one",
        "application",
        "coordinator",
    )
    assert "Lagos and London" in program.description
    assert list(program.coordinators.all()) == [coordinator]
    assert coordinator.has_perm("programs.add_program")
    draft = Program.objects.get(slug=data.DRAFT_SLUG)
    assert draft.status == ProgramStatus.DRAFT
    assert list(draft.coordinators.all()) == [coordinator]


def test_the_intake_form_pairs_every_mentee_criterion_with_a_mentor_question(demo):
    program = Program.objects.get(slug=data.PROGRAM_SLUG)
    criteria = program.questions.filter(is_criterion=True).select_related("paired_with")

    rules = {question.rule for question in criteria}
    assert rules == {"overlap", "same", "above", "near", "availability", "text"}
    for question in criteria:
        assert question.role == "mentee"
        assert question.paired_with.role == "mentor"
        assert question.paired_with.program_id == program.pk
    learn = criteria.get(label="What do you want to learn?")
    assert (learn.paired_with.label, learn.weight, learn.match_required) == (
        "What can you teach?",
        8,
        True,
    )
    time_zone = criteria.get(profile_field=ProfileField.TIMEZONE)
    assert (time_zone.rule, time_zone.tolerance) == ("near", 3)
    years = program.questions.get(role="mentee", label="Years of experience")
    assert (years.kind, years.min_value, years.max_value) == ("number", 0, 50)


def test_every_participant_answered_every_question_with_a_valid_answer(demo):
    enrolments = Enrolment.objects.select_related("user").prefetch_related("answers__question")
    for enrolment in enrolments:
        answered = {answer.question_id: answer for answer in enrolment.answers.all()}
        for question in intake_questions(enrolment):
            if question.profile_field == ProfileField.AVAILABILITY:
                # Availability is read from the profile: the person must have some.
                assert enrolment.user.availability.exists()
                continue
            answer = answered.pop(question.pk)
            assert clean_answer(question, answer.value) == answer.value, question.label
        assert not answered, "answers to questions of another role or program"
        assert enrolment.intake_completed_at is not None


def test_profile_field_answers_agree_with_the_profile(demo):
    answers = Answer.objects.filter(question__kind=QuestionKind.PROFILE).select_related(
        "question", "enrolment__user__profile"
    )
    assert answers.exists()
    for answer in answers:
        field = answer.question.profile_field
        held = profile_value(answer.enrolment.user, field)
        if isinstance(held, list):
            assert sorted(held) == sorted(answer.value), field
        else:
            assert held == answer.value, field


def test_mentors_teach_skills_they_have_and_mentees_want_to_learn_what_interests_them(demo):
    for enrolment in Enrolment.objects.select_related("user__profile"):
        topics = Answer.objects.get(enrolment=enrolment, question__kind="multiple_choice").value
        profile = enrolment.user.profile
        tags = profile.skills if enrolment.role == "mentor" else profile.interests
        assert set(topics) <= set(tags.values_list("name", flat=True))
        assert 1 <= len(topics) <= (8 if enrolment.role == "mentor" else 4)


def test_mentors_have_a_capacity_of_one_to_three_and_mentees_none(demo):
    mentors = Enrolment.objects.filter(role="mentor")
    assert set(mentors.values_list("capacity", flat=True)) <= {1, 2, 3}
    assert not Enrolment.objects.filter(role="mentee", capacity__isnull=False).exists()


def test_time_zones_are_real_and_spread_over_several_continents(db):
    generator.generate(seed=7, mentors=40, mentees=120)

    zones = set(User.objects.values_list("timezone", flat=True))
    assert zones <= set(timezone_names())
    continents = {zone.split("/")[0] for zone in zones}
    assert {"America", "Europe", "Africa", "Asia", "Australia"} <= continents


def test_availability_windows_end_after_they_start_and_never_overlap(demo):
    windows = AvailabilityWindow.objects.order_by("user_id", "weekday", "start")
    assert windows.count() > SMALL["mentors"] + SMALL["mentees"]
    for window in windows:
        assert 0 <= window.weekday <= 6
        assert window.end > window.start
        # Local habits: nobody is asked to meet in the middle of their night.
        assert window.start.hour >= 7 and window.end.hour <= 21
    for first, second in pairwise(windows):
        if (first.user_id, first.weekday) == (second.user_id, second.weekday):
            assert second.start >= first.end


def test_names_come_from_several_cultures_and_emails_are_unique(db):
    generator.generate(seed=7, mentors=40, mentees=120)

    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))
    assert all(email.endswith("@demo.lodestar.test") for email in emails)
    surnames = {name.split()[-1] for name in User.objects.values_list("name", flat=True)}
    assert {"Okafor", "Silva", "Müller"} & surnames
    assert len(surnames) > 40


def test_the_demo_mentor_and_mentee_are_a_good_match(demo):
    mentor = Enrolment.objects.get(user__email=data.MENTOR.email, program__slug=data.PROGRAM_SLUG)
    mentee = Enrolment.objects.get(user__email=data.MENTEE.email, program__slug=data.PROGRAM_SLUG)

    def answer(enrolment, label):
        return enrolment.answers.get(question__label=label).value

    teaches = set(answer(mentor, "What can you teach?"))
    wants = set(answer(mentee, "What do you want to learn?"))
    assert wants <= teaches
    assert set(answer(mentor, "Which languages can you mentor in?")) & set(
        answer(mentee, "Which languages can you be mentored in?")
    )
    assert answer(mentor, "How senior are you?") > answer(mentee, "Where are you in your career?")
    assert (mentor.status, mentee.status) == ("approved", "approved")


def test_the_open_program_lets_mentees_choose_and_the_demo_mentor_has_requests(demo):
    from lodestar.matches.models import MentorshipRequest

    program = Program.objects.get(slug=data.OPEN_SLUG)
    assert program.mentees_choose
    assert program.enrolments.filter(user__email=data.MENTEE.email, role="mentee").exists()
    waiting = MentorshipRequest.objects.filter(
        program=program, mentor__user__email=data.MENTOR.email, status="open"
    )
    assert waiting.count() == 3
    assert all(request.expires_at > request.created_at for request in waiting)
    assert not waiting.filter(mentee__user__email=data.MENTEE.email).exists()


def test_everyone_shares_one_password_hash_computed_once(demo):
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert User.objects.get(email=data.MENTEE.email).check_password(data.DEMO_PASSWORD)


def test_the_invitations_screen_has_pending_invitations_without_usable_tokens(demo):
    program = Program.objects.get(slug=data.PROGRAM_SLUG)
    pending = program.invitations.pending()
    assert pending.count() == 3
    assert len(set(pending.values_list("token_hash", flat=True))) == 3


def test_generating_ten_times_the_people_costs_only_a_few_more_queries(db):
    def queries_for(**sizes) -> int:
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                generator.generate(seed=1, **sizes)
                raise Rollback
        except Rollback:
            return len(queries)

    small = queries_for(mentors=10, mentees=30)
    large = queries_for(mentors=100, mentees=300)
    # Bulk inserts: a few more batches, never a query (or a password hash) per person.
    assert large - small < 60, (small, large)


def test_generating_twice_without_a_reset_is_refused_and_changes_nothing(demo):
    before = User.objects.count()

    with pytest.raises(ValidationError, match="already has demo people"):
        generator.generate(seed=8, **SMALL)

    assert User.objects.count() == before


def test_generating_over_a_program_with_the_demo_slug_is_refused(outsider):
    Program.objects.create(name="Mine", slug=data.PROGRAM_SLUG)

    with pytest.raises(ValidationError, match="already exists"):
        generator.generate(seed=8, **SMALL)

    assert User.objects.count() == 1


def test_negative_sizes_are_refused(db):
    with pytest.raises(ValidationError) as error:
        generator.generate(mentors=-1)
    assert "mentors" in error.value.message_dict
    assert not User.objects.exists()


def test_reset_deletes_demo_people_and_programs_but_nobody_else(demo, program, mentor):
    permission = Permission.objects.get(codename="add_program")
    demo_coordinator = User.objects.get(email=data.COORDINATOR.email)
    their_own = Program.objects.create(
        name="Side project", slug="side", created_by=demo_coordinator
    )

    removed = generator.reset()

    assert removed == demo.people
    assert not generator.demo_people().exists()
    assert not Program.objects.filter(pk=their_own.pk).exists()
    assert set(Program.objects.values_list("slug", flat=True)) == {"spring"}
    assert (
        User.objects.filter(email__in=["coordinator@example.com", "mentor@example.com"]).count()
        == 2
    )
    assert permission.user_set.filter(email="coordinator@example.com").exists()


def test_the_demo_pair_has_a_workspace_worth_opening(demo, client):
    from django.urls import reverse

    from lodestar.mentorships.models import Mentorship

    pair = Mentorship.objects.get(
        program__slug=data.PROGRAM_SLUG, memberships__user__email=data.MENTEE.email
    )
    assert pair.status == "active"
    mentee = User.objects.get(email=data.MENTEE.email)
    client.force_login(mentee)
    page = client.get(reverse("mentorship_detail", args=[pair.pk])).content.decode()
    assert "Give my first conference talk" in page  # a goal under way
    assert "Run my team" in page  # the achieved goal, celebrated
    assert "Messages (1 unread)" in client.get(reverse("dashboard")).content.decode()
    agreement = client.get(reverse("agreement", args=[pair.pk])).content.decode()
    assert "Video calls for our sessions" in agreement


def test_the_flash_program_has_office_hours_and_the_demo_pair_has_met_there(demo, client):
    from django.urls import reverse
    from django.utils import timezone

    from lodestar.core.models import OutgoingEmail
    from lodestar.engagement.models import Notification
    from lodestar.flash.models import Booking, OfficeHours

    program = Program.objects.get(slug=data.FLASH_SLUG)
    assert (program.name, program.kind, program.status) == (
        "Northstar Office Hours",
        "flash",
        ProgramStatus.RUNNING,
    )
    assert program.takes_requests_after_sessions
    priya = User.objects.get(email=data.MENTOR.email)
    lucas = User.objects.get(email=data.MENTEE.email)
    now = timezone.now()
    hours = OfficeHours.objects.filter(program=program, mentor__user=priya)
    assert {(h.repeat, h.withdrawn_at) for h in hours} == {("weekly", None)}
    assert hours.count() == 2
    assert all(h.slots.filter(start__gt=now).exists() for h in hours)
    mine = Booking.objects.filter(mentee__user=lucas).select_related("slot")
    [held] = [b for b in mine if b.status == "held"]
    [coming] = [b for b in mine if b.status == "booked"]
    assert held.slot.end < now < coming.slot.start and coming.follow_up_of == held
    assert set(held.feedback.values_list("author", flat=True)) == {priya.pk, lucas.pk}
    others = Booking.objects.filter(slot__office_hours__program=program).exclude(mentee__user=lucas)
    assert {"held", "no_show", "cancelled", "booked"} <= set(
        others.values_list("status", flat=True)
    )
    # Loading the demo tells nobody anything.
    assert not OutgoingEmail.objects.exists()
    assert not Notification.objects.filter(kind__startswith="session_").exists()

    client.force_login(lucas)
    browse = client.get(reverse("flash_browse", args=[program.slug])).content.decode()
    assert "Priya Raman" in browse
    assert client.get(reverse("flash_booking", args=[held.pk])).status_code == 200
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("flash_booking", args=[coming.pk]) in dashboard
    assert "with Priya Raman (your mentor)" in dashboard
    client.force_login(priya)
    office = client.get(reverse("flash_office_hours", args=[program.slug])).content.decode()
    assert "Every Tuesday at noon (America/New_York)" in office
    assert "Lucas Ferreira" in office
    client.force_login(User.objects.get(email=data.COORDINATOR.email))
    figures = client.get(reverse("flash_program_sessions", args=[program.slug]))
    assert figures.status_code == 200 and "No booking yet." not in figures.content.decode()
