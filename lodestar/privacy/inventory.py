"""Which text the platform holds is *not* a person's own, and why.

Every text-like field (CharField, TextField, JSONField, FileField) of every Lodestar model is
either a person's — what they typed, or what was written about them — and then it is in their
export and gone after erasure (tests/privacy/test_canary.py plants a unique string in each one
and checks both), or it is listed here with the reason. A field with fixed `choices` is a
choice from a list, never free text, and needs no entry. A new text field that is in neither
place fails the canary test: decide, then add it to the test or here.
"""

SYSTEM = "written by the platform, not by a person"
PROGRAM = "written by the program's coordinators about the program, not about a person"
CREDENTIAL = "a hash or secret; never exported"

NOT_PERSONAL: dict[str, str] = {
    # core
    "core.Tag.name": "shared skill vocabulary; the person's link to it is deleted on erasure",
    "core.Tag.slug": SYSTEM,
    "core.OutgoingEmail.message_id": SYSTEM,
    "core.OutgoingEmail.to": "a system copy: erasure deletes the person's own outbox rows",
    "core.OutgoingEmail.subject": "a system copy: erasure replaces the person's words in it",
    "core.OutgoingEmail.text": "a system copy: erasure replaces the person's words in it",
    "core.OutgoingEmail.html": "a system copy: erasure replaces the person's words in it",
    "core.OutgoingEmail.headers": SYSTEM,
    "core.OutgoingEmail.calendar": "a system copy of a meeting, purged with sent emails",
    "core.OutgoingEmail.calendar_method": SYSTEM,
    "core.OutgoingEmail.last_error": SYSTEM,
    "core.IdempotencyRecord.scope": SYSTEM,
    "core.IdempotencyRecord.owner": SYSTEM,
    "core.IdempotencyRecord.key": SYSTEM,
    "core.IdempotencyRecord.fingerprint": SYSTEM,
    "core.IdempotencyRecord.headers": "a replayed response: erasure deletes the person's",
    # accounts
    "accounts.User.password": CREDENTIAL,
    "accounts.User.timezone": "a zone name from the tz database",
    "accounts.ApiToken.prefix": "the token's public prefix, exported as metadata",
    "accounts.ApiToken.hash": CREDENTIAL,
    # programs
    "programs.Program.name": PROGRAM,
    "programs.Program.slug": PROGRAM,
    "programs.Program.description": PROGRAM,
    "programs.Program.agreement_template": PROGRAM,
    "programs.Program.alert_webhook_url": PROGRAM,
    "programs.Program.nudge_rules": PROGRAM,
    "programs.Question.label": PROGRAM,
    "programs.Question.help_text": PROGRAM,
    "programs.Question.choices": PROGRAM,
    "programs.Invitation.token_hash": CREDENTIAL,
    # mentorships
    "mentorships.Mentorship.override_reason": "a coordinator's reason for a pairing warning",
    "mentorships.AgreementVersion.sections": (
        "the pair's agreement: co-written and signed by every member, so the remaining member "
        "keeps it whole; exported to each member"
    ),
    # matches
    "matches.MatchRun.inputs": "a snapshot of ids, weights and rules",
    "matches.MatchRun.metrics": SYSTEM,
    "matches.MatchRun.notes": SYSTEM,
    "matches.MatchRun.unmatched": "enrolment ids and the engine's reasons",
    "matches.MatchRun.prices": SYSTEM,
    "matches.MatchRun.error": SYSTEM,
    "matches.Proposal.breakdown": "points by criterion",
    "matches.MentorshipRequest.closed_note": SYSTEM,
    # engagement
    "engagement.Notification.kind": SYSTEM,
    "engagement.Notification.params": (
        "names and titles copied when the notice was sent: erasure deletes the person's own "
        "notifications and replaces their name and words in others'"
    ),
    "engagement.Notification.url": SYSTEM,
    "engagement.Celebration.key": SYSTEM,
    "engagement.NotificationPreference.category": SYSTEM,
    "engagement.Nudge.rule": SYSTEM,
    "engagement.Nudge.cause": SYSTEM,
    "engagement.PairFlag.rule": SYSTEM,
    "engagement.PairFlag.cause": SYSTEM,
    "engagement.ScheduledJobRun.name": SYSTEM,
    # meetings
    "meetings.Meeting.ical_uid": SYSTEM,
    "meetings.MeetingNote.text": (
        "the meeting's shared note, co-written by the pair; the remaining member keeps it "
        "(retention purges it with the program)"
    ),
    "meetings.CalendarFeed.token_hash": CREDENTIAL,
    # messaging
    "messaging.Message.attachment": "a random storage path; the file is deleted on erasure",
    "messaging.Message.attachment_type": "detected by the platform from the file",
    "messaging.Concern.quoted_author": "a copy of a name: erasure replaces it",
    "messaging.Concern.quoted_body": "a copy of a message: erasure replaces it",
    # growth
    "growth.Resource.title": (
        "a resource given to the program's library: it stays, shown as added by a former "
        "participant"
    ),
    "growth.Resource.url": "a resource given to the program's library",
    "growth.Resource.file": "a random storage path",
    "growth.Resource.file_name": "a resource given to the program's library",
    "growth.Resource.file_type": "detected by the platform from the file",
    "growth.Resource.description": "a resource given to the program's library",
    "growth.WorkFeedbackRequest.file": "a random storage path; the file is deleted on erasure",
    "growth.WorkFeedbackRequest.file_type": "detected by the platform from the file",
    # flash
    "flash.OfficeHours.time_zone": "a zone name from the tz database",
    "flash.Slot.ical_uid": SYSTEM,
    # evaluations
    "evaluations.Survey.title": PROGRAM,
    "evaluations.Survey.intro": PROGRAM,
    "evaluations.Survey.template": PROGRAM,
    "evaluations.SurveyQuestion.text": PROGRAM,
    "evaluations.SurveyQuestion.choices": PROGRAM,
    "evaluations.SurveyAssignment.role": SYSTEM,
    "evaluations.SurveyAssignment.key": SYSTEM,
    "evaluations.SurveyResponse.role": SYSTEM,
    "evaluations.SurveyAnswer.chosen": "options picked from the coordinators' list",
    "evaluations.ProgressReviewItem.status_before": SYSTEM,
    "evaluations.ProgressReviewItem.status_after": SYSTEM,
    # webhooks
    "webhooks.Endpoint.url": PROGRAM,
    "webhooks.Endpoint.events": PROGRAM,
    "webhooks.Endpoint.secret": CREDENTIAL,
    "webhooks.Endpoint.description": PROGRAM,
    "webhooks.Delivery.payload": "metadata only: ids, states, dates (webhooks/events.py)",
    "webhooks.Delivery.last_response": "written by the receiving server",
    "webhooks.Delivery.last_error": SYSTEM,
    "webhooks.DeliveryAttempt.response": "written by the receiving server",
    "webhooks.DeliveryAttempt.error": SYSTEM,
    # audit
    "audit.AuditEvent.actor_label": (
        "the audit trail is append-only by design (database triggers): it keeps who acted as "
        "they were named then; kept as a security record for AUDIT_KEEP_DAYS"
    ),
    "audit.AuditEvent.target_id": SYSTEM,
    "audit.AuditEvent.target_label": "the audit trail is append-only by design",
    "audit.AuditEvent.details": "the audit trail is append-only; never holds content",
    # privacy
    "privacy.ConversationAccess.reason": "written by a site admin",
}

# Tables whose text is kept after an erasure on purpose (see above), skipped by the canary
# test's scan of the database.
KEPT_TABLES = {"audit_auditevent": "append-only security record"}
