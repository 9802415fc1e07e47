"""Matrix rules for flash mentoring: office hours, slots and sessions (see matrix.py). In the
flash program `flash` the mentor keeps office hours in three days; the mentee booked a seat."""

from .matrix import action, form, page, who

RULES = {
    # The mentor's office hours page; an empty form is refused (400).
    "flash_office_hours": form(
        members=404,
        coordinators=404,
        mentor=200,
        post=who(members=404, coordinators=404, mentor=400),
    ),
    # Only the office hours' own mentor withdraws them or cancels a slot.
    "flash_office_hours_withdraw": action(members=404, coordinators=404, mentor=302),
    "flash_slot_cancel": action(members=404, coordinators=404, mentor=302),
    # Mentees browse and book.
    "flash_browse": page(members=404, coordinators=404, mentee=200),
    "flash_book": form(
        members=404,
        coordinators=404,
        mentee=200,
        post=who(members=404, coordinators=404, mentee=400),
    ),
    "flash_my_sessions": page(members=200, coordinators=200, others=200),
    # The session is the mentee's and the mentor's; coordinators see sessions in aggregate.
    "flash_booking": page(members=200, coordinators=404),
    "flash_booking_cancel": action(members=302, coordinators=404),
    "flash_booking_outcome": action(members=400, coordinators=404),
    "flash_booking_feedback": action(members=400, coordinators=404),
    "flash_booking_mentorship": action(members=400, coordinators=404),
    "flash_program_sessions": page(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {
        "slug": world.flash.slug,
        "pk": world.booking.pk,
        "flash_office_hours_withdraw": {"pk": world.office_hours.pk},
        "flash_slot_cancel": {"pk": world.slot.pk},
        "flash_book": {"pk": world.slot.pk},
    }
