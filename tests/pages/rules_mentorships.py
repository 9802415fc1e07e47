"""Matrix rules for mentorships, agreements, goals, circles and closure (see matrix.py). The
mentorship is the pair's (active); circles are those of the group program `circles`."""

from .matrix import action, form, page, who

members_only = page(members=200, coordinators=404)
workspace = page(members=200, coordinators=200)
coordinators_only = page(members=404, coordinators=200)


def members_act(status=302):
    return action(members=status, coordinators=404)


RULES = {
    "my_mentorships": page(members=200, coordinators=200, others=200),
    "mentorship_detail": workspace,
    "program_mentorships": coordinators_only,
    # The pair is active already: accepting again changes nothing (302 back with a message).
    "mentorship_accept": action(members=302, coordinators=302),
    "mentorship_decline": action(members=200, coordinators=200),
    "mentorship_pause": action(members=302, coordinators=302),
    "mentorship_resume": action(members=302, coordinators=302),
    "mentorship_end": action(members=200, coordinators=200),
    # The agreement and goals are the pair's content.
    "agreement": members_only,
    "agreement_edit": members_act(200),
    "agreement_sign": members_act(),
    "agreement_version": members_only,
    "agreement_template": form(
        members=404, coordinators=200, post=who(members=404, coordinators=302)
    ),
    "goals": members_only,
    "goal_create": members_act(200),
    "shared_goal_create": members_act(200),
    "goal_suggest": members_act(200),
    "goal_detail": members_only,
    "goal_accept": members_act(),
    "goal_decline": members_act(),
    "goal_edit": members_act(200),
    "goal_progress": members_act(200),
    "milestone_add": members_act(200),
    "milestone_done": members_act(),
    "milestone_delete": members_act(),
    "goal_comment": members_act(200),
    # Circles of the group program: its coordinators build them.
    "program_circles": coordinators_only,
    "circle_create": action(members=404, coordinators=200),
    "circle_detail": coordinators_only,
    "circle_add_member": action(members=404, coordinators=200),
    "circle_remove_member": action(members=404, coordinators=200),
    "circle_move_member": action(members=404, coordinators=200),
    # Closure: members and coordinators. The pair's has not started; the second pair's has
    # (world.closing): its members write reflections (an empty one is refused on the page),
    # and only a coordinator reopens it (members are sent back with the refusal).
    "mentorship_closure": workspace,
    "mentorship_closure_start": action(members=200, coordinators=200),
    "mentorship_reflection": action(members=200, coordinators=404),
    "mentorship_closure_reopen": action(members=302, coordinators=302),
    # The completed mentorship's certificate: its members only.
    "mentorship_certificate": members_only,
    "program_closures": coordinators_only,
    "program_closures_bulk": action(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    circle = {"slug": world.circles.slug, "pk": world.circle.pk}
    return {
        "slug": world.program.slug,
        "pk": world.pair.pk,
        "number": world.agreement.number,
        "goal_pk": world.goal.pk,
        "milestone_pk": world.milestone.pk,
        "mentorship_certificate": {"pk": world.completed.pk},
        "mentorship_reflection": {"pk": world.closing.pk},
        "mentorship_closure_reopen": {"pk": world.closing.pk},
        "program_circles": {"slug": world.circles.slug},
        "circle_create": {"slug": world.circles.slug},
        "circle_detail": circle,
        "circle_add_member": circle,
        "circle_remove_member": circle,
        "circle_move_member": circle,
    }
