"""Every kind of notification, worded once: the in-app line, and the email's subject.

Parameters are plain strings (names, program names) captured when the notice is sent.
"""

from django.utils.translation import gettext_lazy as _

NOTICES = {
    "proposal_published": _(
        "%(program)s proposes %(other)s as your %(other_role)s. Please accept or decline."
    ),
    "proposal_accepted": _("%(person)s accepted the match with %(other)s in %(program)s."),
    "proposal_declined": _("%(person)s declined the match with %(other)s in %(program)s."),
    "mentorship_started": _("Your mentorship with %(other)s in %(program)s has started."),
    "mentorship_ended": _("Your mentorship with %(other)s in %(program)s was ended early."),
    "mentorship_created": _("A coordinator of %(program)s paired you with %(other)s."),
    "request_received": _("%(person)s asks you to be their mentor in %(program)s."),
    "request_question": _("%(person)s asked a question about your request in %(program)s."),
    "request_answer": _("%(person)s answered your question in %(program)s."),
    "request_accepted": _("%(person)s accepted your request in %(program)s."),
    "request_declined": _("%(person)s declined your request in %(program)s."),
    "request_expired_mentee": _(
        "Your request to %(person)s in %(program)s expired without an answer."
    ),
    "request_expired_mentor": _("%(person)s’s request to you in %(program)s expired."),
    "request_withdrawn": _("%(person)s withdrew their request in %(program)s."),
    "request_withdrawn_matched": _(
        "%(person)s found a mentor in %(program)s, so their request to you was withdrawn."
    ),
    "request_forwarded": _("Your request in %(program)s went on to your next choice, %(person)s."),
    "rematch_requested": _(
        "%(person)s ended the mentorship of %(other)s in %(program)s early and asked for a "
        "rematch: they will not be matched together again."
    ),
    # The workspace (issue 4): params person (who acted), other, program, title, when.
    "agreement_to_sign": _("%(person)s asks you to sign your mentoring agreement in %(program)s."),
    "agreement_signed": _("%(person)s signed your mentoring agreement in %(program)s."),
    "goal_suggested": _("%(person)s suggests a goal for you: “%(title)s”."),
    "goal_accepted": _("%(person)s took on the goal you suggested: “%(title)s”."),
    "goal_achieved": _("%(person)s achieved a goal: “%(title)s”. Time to celebrate!"),
    "goal_declined": _("%(person)s declined the goal you suggested: “%(title)s”."),
    "goal_comment": _("%(person)s commented on the goal “%(title)s”."),
    "meeting_proposed": _("%(person)s proposes to meet on %(when)s."),
    "meeting_confirmed": _("%(person)s confirmed your meeting on %(when)s."),
    "meeting_rescheduled": _("%(person)s proposes another time for your meeting: %(when)s."),
    "meeting_cancelled": _("%(person)s cancelled your meeting on %(when)s."),
    "action_item_assigned": _("%(person)s gave you an action item: “%(title)s”."),
    # Circles (issue 9): params other (the circle's other members), program, person, title.
    "circle_joined": _("A coordinator of %(program)s added you to a circle with %(other)s."),
    "circle_left": _("A coordinator of %(program)s took you out of the circle with %(other)s."),
    "goal_shared": _("%(person)s set a goal for your circle: “%(title)s”."),
    "concern_reported": _("%(person)s reported a concern about a mentorship in %(program)s."),
    # Growth and support (issue 5): params person, other, program, title.
    "resource_recommended": _("%(person)s recommends a resource to you: “%(title)s”."),
    "feedback_requested": _("%(person)s asks for your feedback on “%(title)s”."),
    "feedback_answered": _("%(person)s answered your request for feedback on “%(title)s”."),
    "introduction_proposed": _("%(person)s would like to introduce you to %(other)s."),
    "introduction_connected": _("You and %(other)s are now connected, thanks to %(person)s."),
    "introduction_made": _(
        "%(person)s and %(other)s accepted your introduction: they are now connected."
    ),
    "introduction_reminder": _("A reminder: %(person)s would like to introduce you to %(other)s."),
    "introduction_declined": _("Your introduction of %(other)s did not go ahead."),
    "referral_made": _("%(person)s recommended you for “%(title)s”."),
    "checkin_due": _("How is your mentorship in %(program)s going? Your check-in is due."),
    "checkin_help_wanted": _("%(person)s would like a coordinator of %(program)s to get in touch."),
    "kudos_received": _("%(person)s sent you kudos: “%(title)s”."),
    "celebration": _("Well done: %(title)s"),
    # Reminders (nudges.py): the title is the whole reminder, worded when it is sent.
    "nudge": _("%(title)s"),
    # Flash mentoring (issue 9): params person (who acted), other, program, when, title.
    "session_booked": _("%(person)s booked your session on %(when)s: “%(title)s”."),
    "session_booking_confirmed": _("Your session with %(other)s on %(when)s is booked."),
    "session_cancelled": _("%(person)s cancelled the session on %(when)s."),
    "session_feedback_due": _("How was your session with %(other)s? Tell us in a minute."),
    "session_follow_up": _("%(person)s would like a follow-up session with you."),
    "office_hours_withdrawn": _(
        "%(person)s, a coordinator of %(program)s, withdrew your office hours (%(title)s)."
    ),
    # Evaluation and closure (issue 6): params person, other, program, title, when.
    "survey_due": _("%(program)s asks for a few minutes of your time: “%(title)s”."),
    "survey_reminder": _("A reminder: “%(title)s” is waiting for your answers until %(when)s."),
    "feedback_received": _("%(person)s shared feedback on your mentorship with you."),
    "closure_started": _(
        "%(person)s started closing your mentorship in %(program)s: please write your reflection."
    ),
    "closure_upcoming": _(
        "%(program)s ends on %(when)s: your mentorship with %(other)s will close then."
    ),
    "closure_reminder": _("Your reflection on your mentorship with %(other)s is still to write."),
    "mentorship_completed": _("Your mentorship with %(other)s in %(program)s is complete."),
    "gratitude_received": _("%(person)s left you a note of thanks."),
    "closure_reopened": _("A coordinator of %(program)s reopened your mentorship with %(other)s."),
    # Coordinator alerts (issue 5 item 7): params person (a member), other, program.
    "pair_at_risk": _("The mentorship of %(person)s and %(other)s in %(program)s may be at risk."),
    # Privacy (issue 8): params program.
    "conversation_accessed": _(
        "A site admin of Lodestar read your mentorship’s messages in %(program)s, to look "
        "into a reported concern."
    ),
}

# Each kind belongs to one category: people choose, per category, in-app and email
# (preferences.py). Every kind above must appear here (a test checks it).
CATEGORIES = {
    "matching": {
        "label": _("Matching"),
        "help": _("Proposed matches, and mentorships starting or ending."),
        "kinds": [
            "proposal_published",
            "proposal_accepted",
            "proposal_declined",
            "mentorship_started",
            "mentorship_ended",
            "mentorship_created",
            "rematch_requested",
        ],
    },
    "requests": {
        "label": _("Mentorship requests"),
        "help": _("Requests to a mentor: received, answered, forwarded, expired."),
        "kinds": [
            "request_received",
            "request_question",
            "request_answer",
            "request_accepted",
            "request_declined",
            "request_expired_mentee",
            "request_expired_mentor",
            "request_withdrawn",
            "request_withdrawn_matched",
            "request_forwarded",
        ],
    },
    "workspace": {
        "label": _("Your mentorship’s workspace"),
        "help": _("The agreement, goals, meetings and action items."),
        "kinds": [
            "agreement_to_sign",
            "agreement_signed",
            "goal_suggested",
            "goal_accepted",
            "goal_achieved",
            "goal_declined",
            "goal_comment",
            "meeting_proposed",
            "meeting_confirmed",
            "meeting_rescheduled",
            "meeting_cancelled",
            "action_item_assigned",
            "circle_joined",
            "circle_left",
            "goal_shared",
            "closure_started",
            "closure_upcoming",
            "closure_reminder",
            "mentorship_completed",
            "gratitude_received",
            "closure_reopened",
        ],
    },
    "growth": {
        "label": _("Growth and network"),
        "help": _("Resources, feedback, introductions and referrals."),
        "kinds": [
            "resource_recommended",
            "feedback_requested",
            "feedback_answered",
            "introduction_proposed",
            "introduction_connected",
            "introduction_made",
            "introduction_reminder",
            "introduction_declined",
            "referral_made",
        ],
    },
    "checkins": {
        "label": _("Check-ins and reminders"),
        "help": _("Invitations to tell the coordinators how your mentorship is going."),
        "kinds": ["checkin_due", "nudge"],
    },
    "celebrations": {
        "label": _("Kudos and celebrations"),
        "help": _("Kudos from your partner and milestones of your mentorship."),
        "kinds": ["kudos_received", "celebration"],
    },
    "evaluation": {
        "label": _("Surveys and feedback"),
        "help": _("Surveys from your program, their reminders, and feedback shared with you."),
        "kinds": ["survey_due", "survey_reminder", "feedback_received"],
    },
    "flash": {
        "label": _("Office hours and sessions"),
        "help": _("Sessions booked or cancelled, and feedback after a session."),
        "kinds": [
            "session_booked",
            "session_booking_confirmed",
            "session_cancelled",
            "session_feedback_due",
            "session_follow_up",
            "office_hours_withdrawn",
        ],
    },
    # Messages are never notifications (the menu shows unread ones); this category is only the
    # hourly email digest of unread messages (messaging/digests.py).
    "messages": {
        "label": _("Unread messages"),
        "help": _("An email, at most once an hour, when messages wait unread in your mentorships."),
        "kinds": [],
        "email_only": True,
    },
    "coordinator_alerts": {
        "label": _("Coordinator alerts"),
        "help": _(
            "A member asks for help, reports a concern, or a pair may be at risk. These always "
            "reach the program’s coordinators, in the app and by email."
        ),
        "kinds": ["checkin_help_wanted", "concern_reported", "pair_at_risk"],
    },
    "privacy": {
        "label": _("Privacy"),
        "help": _("A site admin read your mentorship’s messages. You are always told."),
        "kinds": ["conversation_accessed"],
    },
}

# Categories nobody can turn off: a coordinator must hear that a member needs help.
ESSENTIAL_CATEGORIES = frozenset({"coordinator_alerts", "privacy"})

# Alerts that also go to the program's chat webhook (webhooks.py).
COORDINATOR_ALERTS = frozenset(CATEGORIES["coordinator_alerts"]["kinds"])

CATEGORY_OF = {kind: name for name, category in CATEGORIES.items() for kind in category["kinds"]}


def category_of(kind: str) -> str | None:
    """The kind's category; None for a kind nobody filed (then no preference applies)."""
    return CATEGORY_OF.get(kind)


def render(kind: str, params: dict) -> str:
    template = NOTICES.get(kind)
    if template is None:
        return str(kind)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
