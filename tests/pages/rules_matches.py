"""Matrix rules for match runs, mentee choices, mentorship requests and manual matching (see
matrix.py). Run 1 of `spring` is done and proposes the pair; the mentee has an open request to
the mentor; an exclusion keeps the mentee from a second mentor."""

from .matrix import action, form, page

coordinators_only = page(members=404, coordinators=200)


def coordinator_action(status=302):
    return action(members=404, coordinators=status)


RULES = {
    "match_runs": form(members=404, coordinators=200),
    "match_run_compare": coordinators_only,
    "match_exclusion_remove": coordinator_action(),
    "match_run": coordinators_only,
    # The run is done: its progress page sends the coordinator on to it.
    "match_run_progress": page(members=404, coordinators=302),
    "match_run_publish": coordinator_action(),
    "match_run_fairness": coordinators_only,
    "match_run_mentee": coordinators_only,
    "match_run_preview": coordinators_only,
    "match_run_pin": coordinator_action(),
    "match_run_unpin": coordinator_action(),
    "match_run_exclude": coordinator_action(),
    "match_run_reassign": coordinator_action(),
    "match_run_swap": coordinator_action(),
    # Mentees of the program look for a mentor and ask; `spring` matches in hybrid mode,
    # where mentees do not rank their choices (404 for everyone).
    "mentor_recommendations": page(members=404, coordinators=404, mentee=200),
    "request_new": form(members=404, coordinators=404, mentee=200),
    "mentor_choices": action(members=404, coordinators=404),
    "my_requests": page(members=200, coordinators=200, others=200),
    # The request: the mentee sent it to the mentor; the coordinators follow it.
    "request_detail": page(members=200, coordinators=200),
    "request_ask": action(members=200, coordinators=200),
    "request_reply": action(members=200, coordinators=200),
    "request_accept": action(members=302, coordinators=302),
    "request_decline": action(members=200, coordinators=200),
    "request_withdraw": action(members=302, coordinators=302),
    "manual_match": form(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "number": world.match_run.number,
        "enrolment": world.mentee_e.pk,
        "pk": world.request.pk,
        "match_exclusion_remove": {"pk": world.exclusion.pk},
        "request_new": {"pk": world.second_mentor_e.pk},
    }
