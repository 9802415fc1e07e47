"""Matrix rules for surveys, relationship feedback, progress reviews and analytics (see
matrix.py). The survey of `spring` is active; the mentee has its assignment."""

from .matrix import action, form, page, who

coordinators_only = page(members=404, coordinators=200)


def coordinator_action(status=302):
    return action(members=404, coordinators=status)


RULES = {
    "survey_list": coordinators_only,
    # An empty form: "a title is needed" (400).
    "survey_new": coordinator_action(400),
    "survey_detail": coordinators_only,
    "survey_settings": form(members=404, coordinators=200, post=who(members=404, coordinators=400)),
    "survey_question_add": coordinator_action(400),
    "survey_question_edit": form(
        members=404, coordinators=200, post=who(members=404, coordinators=400)
    ),
    "survey_question_delete": coordinator_action(),
    "survey_question_move": coordinator_action(),
    "survey_activate": coordinator_action(),
    "survey_close": coordinator_action(),
    "survey_delete": coordinator_action(),
    "survey_results": coordinators_only,
    "survey_results_csv": coordinators_only,
    "my_surveys": page(members=200, coordinators=200, others=200),
    # The assignment is the mentee's; an empty answer is refused (400).
    "survey_answer": {
        "GET": who(members=404, coordinators=404, mentee=200),
        "POST": who(members=404, coordinators=404, mentee=400),
    },
    # Coordinators read the pair's feedback that is shared with them; only members give it.
    "relationship_feedback": form(
        members=200, coordinators=200, post=who(members=400, coordinators=404)
    ),
    "progress_reviews": form(
        members=200, coordinators=404, post=who(members=302, coordinators=404)
    ),
    "program_relationship_feedback": coordinators_only,
    "program_dashboard": coordinators_only,
    "dashboard_export_csv": coordinators_only,
    "dashboard_export_xlsx": coordinators_only,
    "program_comparison": coordinators_only,
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.survey.pk,
        "qid": world.survey_question.pk,
        "survey_answer": {"pk": world.assignment.pk},
        "relationship_feedback": {"pk": world.pair.pk},
        "progress_reviews": {"pk": world.pair.pk},
    }
