"""Matrix rules for the program side: enrolment, intake answers, matching runs, mentorship
requests, surveys and analytics (see matrix.py).

`placeholders` readies one world for all of them: the program becomes hybrid (coordinators
run matching and mentees send requests) and the pair has completed, so the mentee is free to
ask; a second mentor to ask, a finished run proposing two newcomers, an open request from the
mentee to the mentor, and an active survey sent to the mentee."""

from datetime import timedelta

from django.utils import timezone

from lodestar.evaluations.models import Survey, SurveyAssignment, SurveyQuestion, SurveyStatus
from lodestar.matches.models import MatchRun, Proposal
from lodestar.matches.states import RunStatus
from lodestar.programs.models import Enrolment, MatchingMode
from tests import factories

from .matrix import rule

# Only the program's coordinators (and site admins): 404 for its members and everyone else.
COORDINATORS_ONLY = rule(members=404, coordinators=200)
# The caller's own things: what is theirs (possibly nothing) for everyone signed in.
OWN = rule(members=200, coordinators=200, others=200)

RULES = {
    # The program is running: its people may see it, but it no longer takes enrolments (400).
    "programs_enrol": rule(members=400, coordinators=400),
    # The intake form is the participant's own: coordinators have no enrolment to answer for.
    "intake_get": rule(members=200, coordinators=404),
    "intake_submit": rule(members=200, coordinators=404),
    "enrolments_answers": COORDINATORS_ONLY,
    "runs_list": COORDINATORS_ONLY,
    "runs_start": rule(members=404, coordinators=201),
    "runs_get": COORDINATORS_ONLY,
    "runs_proposals": COORDINATORS_ONLY,
    "runs_publish": COORDINATORS_ONLY,
    "requests_list": OWN,
    # Only the mentee asks; the mentor is enrolled but not as a mentee (403); coordinators
    # have no enrolment to ask from (404).
    "requests_create": {**rule(members=201, coordinators=404), "mentor": 403},
    # Coordinators see the request (read-only on its page); only the mentor may answer it.
    "requests_accept": {**rule(members=403, coordinators=403), "mentor": 200},
    "requests_decline": {**rule(members=403, coordinators=403), "mentor": 200},
    "requests_withdraw": {**rule(members=403, coordinators=403), "mentee": 200},
    "surveys_mine": OWN,
    # A survey sent to the mentee is theirs alone: coordinators read results, not assignments.
    "surveys_get": {**rule(members=404, coordinators=404), "mentee": 200},
    "surveys_answer": {**rule(members=404, coordinators=404), "mentee": 201},
    "surveys_list": COORDINATORS_ONLY,
    "surveys_results": COORDINATORS_ONLY,
    "analytics_get": COORDINATORS_ONLY,
}

BODIES = {
    "programs_enrol": {"role": "mentee"},
    "intake_submit": {"answers": {}},
    "runs_start": {"solver": "optimal"},
    "requests_create": {"message": "I would love to learn how you moved into data."},
    "requests_decline": {"reason": "My seats are for people in design this term."},
    "surveys_answer": {"answers": {}},
}


def placeholders(world) -> dict:
    program, pair, people = world.program, world.pair, world.people
    program.matching_mode = MatchingMode.HYBRID
    program.save(update_fields=["matching_mode"])
    pair.status = "completed"
    pair.save(update_fields=["status"])
    mentee = Enrolment.objects.get(program=program, user=people["mentee"])
    mentor = Enrolment.objects.get(program=program, user=people["mentor"])
    second = factories.make_enrolment(
        program,
        factories.make_user("second@example.com", name="Mo Second"),
        role="mentor",
        capacity=1,
    )
    newcomer = factories.make_enrolment(
        program, factories.make_user("new@example.com", name="Nia Newcomer"), role="mentee"
    )
    run = MatchRun.objects.create(
        program=program, number=1, solver="optimal", status=RunStatus.DONE
    )
    Proposal.objects.create(run=run, mentee=newcomer, mentor=second, score=80.0)
    request = factories.make_request(mentee, mentor)
    survey = Survey.objects.create(program=program, title="Pulse", status=SurveyStatus.ACTIVE)
    SurveyQuestion.objects.create(survey=survey, kind="text", text="Anything?", required=False)
    now = timezone.now()
    assignment = SurveyAssignment.objects.create(
        survey=survey,
        user=people["mentee"],
        role="mentee",
        key=f"matrix-{survey.pk}",
        sent_at=now,
        due_at=now + timedelta(days=14),
    )
    return {
        "enrolment_id": mentee.pk,
        "number": run.number,
        "mentor_id": second.pk,
        "request_id": request.pk,
        "assignment_id": assignment.pk,
        "survey_id": survey.pk,
    }
