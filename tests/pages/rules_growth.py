"""Matrix rules for the resource library, recommendations and feedback on work (see
matrix.py). The resource (a PDF) is `spring`'s; the recommendation and the request for feedback
(with a PDF) are the pair's."""

from .matrix import action, form, page, who

members_only = page(members=200, coordinators=404)

RULES = {
    # The library is for the program's participants and coordinators (not public even when
    # the program is open).
    "resource_library": page(members=200, coordinators=200),
    "resource_file": page(members=200, coordinators=200),
    # Mentors and coordinators add resources; an empty form is refused (400).
    "resource_add": form(
        members=200,
        coordinators=200,
        mentee=404,
        post=who(members=400, coordinators=400, mentee=404),
    ),
    # The coordinator added it: the coordinators edit and hide it.
    "resource_edit": form(members=404, coordinators=200, post=who(members=404, coordinators=400)),
    "resource_hide": action(members=404, coordinators=302),
    # Mentors recommend a resource to their mentees.
    "resource_recommend": form(members=404, coordinators=404, mentor=200),
    "resource_stats": page(members=404, coordinators=200),
    "mentorship_resources": members_only,
    "recommendation_update": action(members=302, coordinators=404),
    # Feedback on work: the pair's. An empty request is refused (400) for the mentee; the
    # mentor's form there is a different one (302 back with its message).
    "feedback_list": form(
        members=200, coordinators=404, post=who(members=400, coordinators=404, mentor=302)
    ),
    "feedback_detail": form(members=200, coordinators=404, post=who(members=400, coordinators=404)),
    "feedback_close": action(members=302, coordinators=404),
    "feedback_file": members_only,
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.resource.pk,
        "rec": world.recommendation.pk,
        "item": world.work_feedback.pk,
        "mentorship_resources": {"pk": world.pair.pk},
        "recommendation_update": {"pk": world.pair.pk},
        "feedback_list": {"pk": world.pair.pk},
        "feedback_detail": {"pk": world.pair.pk},
        "feedback_close": {"pk": world.pair.pk},
        "feedback_file": {"pk": world.pair.pk},
    }
