"""Matrix rules for programs, intake questions, enrolment, invitations and imports (see
matrix.py). The program is `spring`, running; the question and the participant are its."""

from .matrix import action, everyone, form, page, who

coordinators_only = page(members=404, coordinators=200)
coordinators_form = form(members=404, coordinators=200)


def coordinator_action(status=302):
    return action(members=404, coordinators=status)


RULES = {
    "program_list": page(members=200, coordinators=200, others=200),
    # A running program is seen by its people only (not open for enrolment).
    "program_detail": page(members=200, coordinators=200),
    "program_join": form(members=200, coordinators=200),
    "enrolment_withdraw": form(
        members=200, coordinators=404, post=who(members=302, coordinators=404)
    ),
    # The intake form is the participants'; the mentee answered the one question (302 on).
    "intake_form": form(
        members=200, coordinators=404, post=who(members=200, coordinators=404, mentee=302)
    ),
    # The link is the secret: whoever holds it may accept (programs/services/invitations.py).
    "invitation_accept": {
        "GET": everyone(200, anonymous=200),
        "POST": who(200, members=302, coordinators=302, others=302, mentor=200),
    },
    # Everyone signed in has a "programs I coordinate" page, empty or not; creating one needs
    # the permission (403: the person may know the page exists).
    "coordinator_programs": page(members=200, coordinators=200, others=200),
    "program_create": form(members=403, coordinators=200, others=403),
    "program_manage": coordinators_only,
    "program_edit": coordinators_form,
    "program_transition": coordinator_action(),
    "program_coordinators": coordinators_form,
    "question_list": coordinators_only,
    "question_create": coordinators_form,
    "question_edit": coordinators_form,
    "question_delete": form(members=404, coordinators=200, post=who(members=404, coordinators=302)),
    "question_move": coordinator_action(),
    "participant_list": coordinators_only,
    "participant_detail": coordinators_only,
    "enrolment_decide": coordinator_action(),
    "invitation_list": coordinators_form,
    "invitation_revoke": coordinator_action(),
    "participants_import": coordinators_form,
    "participants_export": coordinators_only,
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.question.pk,
        "role": "mentee",
        "token": world.invitation_token,
        "participant_detail": {"pk": world.mentee_e.pk},
        "enrolment_decide": {"pk": world.mentee_e.pk},
        "invitation_revoke": {"pk": world.invitation.pk},
    }
