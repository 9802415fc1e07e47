"""A mentee's ordered list of next choices: add, remove, move, at most ten, only their own."""

import pytest
from django.core.exceptions import ValidationError

from lodestar.matches.models import Choice, Exclusion
from lodestar.matches.services.choices import choice_add, choice_move, choice_remove
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee_e(program, mentee):
    program.matching_mode = "hybrid"
    program.save()
    return Enrolment.objects.get(program=program, user=mentee)


def mentors(program, count: int) -> list[Enrolment]:
    return [
        factories.make_enrolment(
            program,
            factories.make_user(f"m{k}@example.com", name=f"Mentor {k}"),
            role="mentor",
        )
        for k in range(count)
    ]


def order(mentee_e) -> list[str]:
    return [
        c.mentor.user.name
        for c in Choice.objects.filter(mentee=mentee_e).select_related("mentor__user")
    ]


def positions(mentee_e) -> list[int]:
    return list(Choice.objects.filter(mentee=mentee_e).values_list("position", flat=True))


def test_mentors_are_added_in_order_and_moved_up_and_down(program, mentee_e):
    a, b, c = mentors(program, 3)
    for mentor in (a, b, c):
        choice_add(mentee=mentee_e, mentor=mentor, by=mentee_e.user)
    assert order(mentee_e) == ["Mentor 0", "Mentor 1", "Mentor 2"]
    last = Choice.objects.get(mentor=c)
    choice_move(choice=last, by=mentee_e.user, direction="up")
    assert order(mentee_e) == ["Mentor 0", "Mentor 2", "Mentor 1"]
    choice_move(choice=Choice.objects.get(mentor=a), by=mentee_e.user, direction="down")
    assert order(mentee_e) == ["Mentor 2", "Mentor 0", "Mentor 1"]
    assert positions(mentee_e) == [1, 2, 3]


def test_removing_closes_the_gap(program, mentee_e):
    a, b, c = mentors(program, 3)
    for mentor in (a, b, c):
        choice_add(mentee=mentee_e, mentor=mentor, by=mentee_e.user)
    choice_remove(choice=Choice.objects.get(mentor=b), by=mentee_e.user)
    assert order(mentee_e) == ["Mentor 0", "Mentor 2"]
    assert positions(mentee_e) == [1, 2]


def test_at_most_ten_choices(program, mentee_e):
    many = mentors(program, 11)
    for mentor in many[:10]:
        choice_add(mentee=mentee_e, mentor=mentor, by=mentee_e.user)
    with pytest.raises(ValidationError, match="at most 10"):
        choice_add(mentee=mentee_e, mentor=many[10], by=mentee_e.user)
    assert Choice.objects.count() == 10


def test_no_mentor_twice_and_none_excluded_or_from_elsewhere(
    program, mentee_e, other_program, outsider
):
    (a, b) = mentors(program, 2)
    choice_add(mentee=mentee_e, mentor=a, by=mentee_e.user)
    with pytest.raises(ValidationError, match="already on your list"):
        choice_add(mentee=mentee_e, mentor=a, by=mentee_e.user)
    Exclusion.objects.create(program=program, mentee=mentee_e, mentor=b)
    with pytest.raises(ValidationError, match="cannot ask"):
        choice_add(mentee=mentee_e, mentor=b, by=mentee_e.user)
    elsewhere = factories.make_enrolment(other_program, outsider, role="mentor")
    with pytest.raises(ValidationError, match="not a mentor in this program"):
        choice_add(mentee=mentee_e, mentor=elsewhere, by=mentee_e.user)
    assert order(mentee_e) == ["Mentor 0"]


def test_only_the_mentee_changes_their_list(program, mentee_e, mentor, outsider):
    (a,) = mentors(program, 1)
    with pytest.raises(ValidationError, match="Only the mentee"):
        choice_add(mentee=mentee_e, mentor=a, by=outsider)
    choice = choice_add(mentee=mentee_e, mentor=a, by=mentee_e.user)
    with pytest.raises(ValidationError, match="Only the mentee"):
        choice_remove(choice=choice, by=mentor)
    with pytest.raises(ValidationError, match="Only the mentee"):
        choice_move(choice=choice, by=mentor, direction="down")
    assert Choice.objects.count() == 1


def test_the_first_cannot_move_up_nor_the_last_down(program, mentee_e):
    (a, b) = mentors(program, 2)
    first = choice_add(mentee=mentee_e, mentor=a, by=mentee_e.user)
    last = choice_add(mentee=mentee_e, mentor=b, by=mentee_e.user)
    with pytest.raises(ValidationError, match="already first"):
        choice_move(choice=first, by=mentee_e.user, direction="up")
    with pytest.raises(ValidationError, match="already last"):
        choice_move(choice=last, by=mentee_e.user, direction="down")
    with pytest.raises(ValidationError, match="up or down"):
        choice_move(choice=last, by=mentee_e.user, direction="sideways")
    assert order(mentee_e) == ["Mentor 0", "Mentor 1"]


def test_no_list_where_coordinators_match(program, mentee_e):
    program.matching_mode = "coordinator"
    program.save()
    (a,) = mentors(program, 1)
    mentee_e.refresh_from_db()
    with pytest.raises(ValidationError, match="coordinators make the matches"):
        choice_add(mentee=mentee_e, mentor=a, by=mentee_e.user)
