"""Who may see or do what in flash mentoring. Every flash page asks here; whoever may not see a
program's pages or an object gets a 404:
- a flash program's pages are for its approved mentors (office hours) or mentees (booking);
- office hours and their slots are their mentor's alone to withdraw or cancel;
- a booked session is for its mentee and the mentor of its slot (coordinators included: they
  see sessions in aggregate on the program's page, never the question or the feedback).
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment, Kind, Program
from lodestar.programs.policy import get_program_for_participant
from lodestar.programs.states import EnrolmentStatus

from .models import Booking, OfficeHours, Slot


def flash_program(user: User, slug: str) -> Program:
    """A flash program the person may see; 404 for any other program."""
    program = get_program_for_participant(user, slug)
    if program.kind != Kind.FLASH:
        raise Http404
    return program


def my_enrolment(user: User, program: Program, role: str) -> Enrolment:
    """The person's approved enrolment in `program` as `role`; 404 if they have none."""
    enrolment = (
        Enrolment.objects.filter(
            program=program, user=user, role=role, status=EnrolmentStatus.APPROVED
        )
        .select_related("user", "program")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def own_booking(mentee: Enrolment, pk: int | None) -> Booking | None:
    """One of the mentee's own bookings (the session a follow-up continues); 404 for anyone
    else's."""
    if pk is None:
        return None
    return get_object_or_404(
        Booking.objects.select_related("slot__office_hours__mentor__user"), pk=pk, mentee=mentee
    )


def get_own_office_hours(user: User, pk: int) -> OfficeHours:
    """Office hours of this mentor; 404 for anyone else's."""
    return get_object_or_404(
        OfficeHours.objects.select_related("mentor__user", "mentor__program"),
        pk=pk,
        mentor__user=user,
    )


def get_own_slot(user: User, pk: int) -> Slot:
    """A slot of this mentor's office hours; 404 for anyone else's."""
    return get_object_or_404(
        Slot.objects.select_related("office_hours__mentor__user", "office_hours__mentor__program"),
        pk=pk,
        office_hours__mentor__user=user,
    )


def get_booking_for(user: User, pk: int) -> Booking:
    """The booking if the person is its mentee or the mentor of its session; 404 otherwise."""
    booking = (
        Booking.objects.filter(
            Q(mentee__user=user) | Q(slot__office_hours__mentor__user=user), pk=pk
        )
        .select_related(
            "slot__office_hours__program",
            "slot__office_hours__mentor__user",
            "mentee__user",
            "mentee__program",
            "cancelled_by",
            "follow_up_of__slot",
        )
        .first()
    )
    if booking is None:
        raise Http404
    return booking
