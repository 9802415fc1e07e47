"""Erasing an account: the person asks (after typing their password), or a site admin does it
on their request. One transaction; afterwards no word the person wrote is left in the database.

The User row stays, anonymised in place, so that shared records stay coherent: a message in
their partner's thread is still there, with its date, shown as written by "Former
participant" (User.display_name), and every count — messages sent, meetings held, check-ins,
ratings, survey aggregates — is unchanged. What they wrote goes:

| what | decision | why |
| --- | --- | --- |
| User | name blanked, email erased-<id>@invalid, password unusable, inactive, erased_at | the row anchors shared records; display_name reads "Former participant" |
| allauth email addresses, social accounts (and their tokens), MFA authenticators, recorded sign-ins (address, browser) | deleted | login identities |
| sessions | ended: the unusable password changes the session hash, so every session of theirs is refused on its next request; the erasing browser is logged out | no user index on sessions |
| API tokens, calendar feeds | deleted | credentials |
| Profile, skills, interests, availability, directory listing, notification preferences, digest state, read marks | deleted | their own data, nobody else needs it |
| notifications to them | deleted | theirs |
| intake answers | deleted | personal; match runs keep ids only |
| enrolments | kept (role, status, dates: program counts); note to the applicant blanked | aggregates |
| invitations to their addresses | address replaced by the anonymous one | the coordinator's record of having invited someone stays |
| messages they sent | body replaced by a placeholder, attachment file deleted, its name blanked; row, author, dates kept | the thread stays readable and the counts hold |
| concerns they reported | text replaced by the placeholder | the coordinators' record that a concern was raised stays |
| concerns quoting their messages | quote and quoted name replaced | same words, another copy |
| mentorship requests, request messages | their text replaced / blanked | the request's history stays |
| membership decline reasons, a coordinator's note on why they left a circle, mentorship end reasons, closure notes they wrote | blanked | free text |
| goals they own | title replaced, description and measure blanked, milestone titles replaced; status and progress kept | goal-completion figures |
| goal comments, feedback comments, introduction notes, referral texts, kudos they wrote | text replaced or blanked | free text |
| meetings they proposed | agenda and place blanked; the meeting stays | meetings-held figures |
| private notes | deleted | theirs alone |
| action items they created | title replaced | free text |
| reflections | texts blanked; transition kept | closure figures |
| check-ins | progress and blockers blanked; mood and help flag kept | health and mood figures |
| work feedback requests | title and question replaced, text, link and file removed | free text |
| recommendations they made | note blanked | free text |
| office hours | place, note and topics blanked, withdrawn | free text |
| bookings | question replaced, cancel reason blanked | free text |
| session feedback, mutual feedback, progress reviews | free text blanked; ratings kept | satisfaction figures |
| survey answers linked to them (named, confidential) | text blanked; numbers and choices kept | survey aggregates; anonymous answers carry no link to anyone |
| copies of their name or words elsewhere (others' notifications, the email outbox, the admin log) | replaced | derived copies |

Kept on purpose (lodestar/privacy/inventory.py says why, field by field): a mentorship's
agreement and a meeting's shared note (co-written by the pair, both signed or edited it; the
remaining member keeps them whole), and resources they added to a program's library (given to
the program, now shown as added by "Former participant").
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lodestar.accounts.models import ApiToken, AvailabilityWindow, Profile, User
from lodestar.audit.services import record
from lodestar.core.models import IdempotencyRecord, OutgoingEmail
from lodestar.engagement.models import CheckIn, Kudos, Notification, NotificationPreference
from lodestar.evaluations.models import (
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    SurveyAnswer,
)
from lodestar.flash.models import Booking, OfficeHours, SessionFeedback
from lodestar.growth.models import FeedbackComment, Recommendation, WorkFeedbackRequest
from lodestar.matches.models import MentorshipRequest, RequestMessage
from lodestar.meetings.models import ActionItem, CalendarFeed, Meeting, PrivateNote
from lodestar.mentorships.models import (
    Closure,
    FormerMember,
    Goal,
    GoalComment,
    Membership,
    Mentorship,
    Milestone,
    Reflection,
)
from lodestar.messaging.models import Concern, DigestState, Message, ReadMark
from lodestar.network.models import DirectoryListing, Introduction, Referral
from lodestar.programs.models import Answer, Enrolment, Invitation

log = logging.getLogger(__name__)

CONFIRMATION_WORD = "ERASE"
# The audit trail (audit.AuditEvent) is append-only by design, down to database triggers: its
# events keep the labels they were written with. Erasure adds one "erased" event and changes
# none; an operator's retention of the audit trail is the legal basis (security records).

# Strings copied into others' notifications and emails are short (names, titles): longer ones
# are not looked for there.
COPY_MAX = 300


def message_placeholder() -> str:
    return _("This message was removed when its author left the platform.")


def text_placeholder() -> str:
    return _("Removed when its author left the platform.")


def former_name() -> str:
    return _("Former participant")


def anonymous_email(user: User) -> str:
    return f"erased-{user.pk}@invalid"


class _Scrubbed:
    """The strings removed, to find their copies elsewhere (notifications, the outbox)."""

    def __init__(self) -> None:
        self.strings: set[str] = set()

    def add(self, values: Iterable) -> None:
        for value in values:
            if isinstance(value, str) and value.strip() and len(value) <= COPY_MAX:
                self.strings.add(value)


def can_erase(actor: User, user: User) -> bool:
    return actor.is_active and (actor.pk == user.pk or actor.is_staff)


def account_erase(*, user: User, by: User, request=None, reason: str = "") -> User:
    """Erase `user`'s account (see the table above). `by` is the person themselves or a site
    admin acting on their request. Raises PermissionDenied for anyone else and ValidationError
    for an account already erased or a site admin erasing their own account from here."""
    if not can_erase(by, user):
        raise PermissionDenied
    if user.is_erased:
        raise ValidationError(_("This account has already been erased."))
    if user.is_superuser and by.pk == user.pk:
        # The last superuser erasing themselves locks everyone out of the admin: another one does it.
        raise ValidationError(_("A superuser’s account is erased by another site admin."))
    # Stored placeholders are in the site's language: they are read by whoever opens the thread.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_erased:
            raise ValidationError(_("This account has already been erased."))
        identity = _identity(locked)
        scrubbed = _Scrubbed()
        scrubbed.add(identity)
        _erase_own_data(locked, identity)
        _erase_authored_text(locked, scrubbed)
        _erase_copies(locked, identity, scrubbed)
        _anonymise(locked)
        record(
            "erased",
            # Themselves: the anonymised row, so that the event does not keep their name.
            actor=locked if by.pk == locked.pk else by,
            target=locked,
            request=request,
            details={"by_self": by.pk == locked.pk, "reason": reason[:200]},
        )
    log.info("Account %s erased by user %s", user.pk, by.pk)
    user.refresh_from_db()
    return user


def _identity(user: User) -> list[str]:
    emails = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    emails.add(user.email)
    return [value for value in [user.name, *sorted(emails)] if value]


def _delete_files(rows, field: str) -> None:
    for row in rows:
        file = getattr(row, field)
        if file:
            try:
                file.storage.delete(file.name)
            except OSError:  # a missing file is already gone; a failing storage is logged
                log.warning("Could not delete %s while erasing an account", file.name)


def _erase_own_data(user: User, identity: list[str]) -> None:
    # Stored API responses replayed for an Idempotency-Key hold what the person sent; the key's
    # owner is the person, or one of their tokens by the digest core/idempotency.py uses.
    owners = [f"user:{user.pk}"] + [
        "token:" + digest[:48]
        for digest in ApiToken.objects.filter(user=user).values_list("hash", flat=True)
    ]
    IdempotencyRecord.objects.filter(owner__in=owners).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # their tokens go with them
    Authenticator.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).delete()  # where they signed in from
    ApiToken.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    AvailabilityWindow.objects.filter(user=user).delete()
    DirectoryListing.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    DigestState.objects.filter(user=user).delete()
    ReadMark.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    PrivateNote.objects.filter(author=user).delete()
    Answer.objects.filter(enrolment__user=user).delete()
    Enrolment.objects.filter(user=user).exclude(decision_note="").update(decision_note="")
    Invitation.objects.filter(email__in=[i for i in identity if "@" in i]).update(
        email=anonymous_email(user)
    )
    OutgoingEmail.objects.filter(to__in=[i for i in identity if "@" in i]).delete()


def _erase_authored_text(user: User, scrubbed: _Scrubbed) -> None:
    removed = text_placeholder()

    # Messaging.
    sent = Message.objects.filter(author=user)
    scrubbed.add(sent.values_list("attachment_name", flat=True))
    with_files = list(sent.exclude(attachment="").only("pk", "attachment"))
    _delete_files(with_files, "attachment")
    sent.update(
        body=message_placeholder(),
        attachment="",
        attachment_name="",
        attachment_size=None,
        attachment_type="",
    )
    Concern.objects.filter(reporter=user).update(text=removed)
    Concern.objects.filter(Q(message__author=user) | Q(quoted_author__in=scrubbed.strings)).update(
        quoted_body=message_placeholder(), quoted_author=former_name()
    )

    # Requests and matching.
    own_requests = MentorshipRequest.objects.filter(mentee__user=user)
    scrubbed.add(own_requests.values_list("message", flat=True))
    own_requests.update(message=removed)
    MentorshipRequest.objects.filter(mentor__user=user).exclude(decline_reason="").update(
        decline_reason=""
    )
    RequestMessage.objects.filter(author=user).update(body=removed)

    # Mentorships: memberships, endings, goals, closure.
    Membership.objects.filter(user=user).exclude(decline_reason="").update(decline_reason="")
    FormerMember.objects.filter(user=user).exclude(reason="").update(reason="")
    Mentorship.objects.filter(ended_by=user).exclude(end_reason="").update(end_reason="")
    goals = Goal.objects.filter(owner=user)
    scrubbed.add(goals.values_list("title", flat=True))
    goals.update(title=removed, description="", measure="")
    suggested = Goal.objects.filter(suggested_by=user, accepted=False)
    scrubbed.add(suggested.values_list("title", flat=True))
    suggested.update(title=removed, description="", measure="")
    milestones = Milestone.objects.filter(goal__owner=user)
    scrubbed.add(milestones.values_list("title", flat=True))
    milestones.update(title=removed)
    GoalComment.objects.filter(author=user).update(body=removed)
    Closure.objects.filter(started_by=user).exclude(reason_note="").update(reason_note="")
    Reflection.objects.filter(user=user).update(
        accomplishments="", learned="", differently="", gratitude=""
    )

    # Meetings.
    Meeting.objects.filter(proposed_by=user).update(agenda="", place="")
    items = ActionItem.objects.filter(created_by=user)
    scrubbed.add(items.values_list("title", flat=True))
    items.update(title=removed)

    # Engagement.
    CheckIn.objects.filter(user=user).update(progress="", blockers="")
    kudos = Kudos.objects.filter(from_user=user)
    scrubbed.add(kudos.values_list("message", flat=True))
    kudos.update(message=removed)

    # Growth and network.
    requests = WorkFeedbackRequest.objects.filter(requester=user)
    scrubbed.add(requests.values_list("title", flat=True))
    scrubbed.add(requests.values_list("file_name", flat=True))
    _delete_files(list(requests.exclude(file="").only("pk", "file")), "file")
    requests.update(
        title=removed,
        question=removed,
        link="",
        text="",
        file="",
        file_name="",
        file_size=None,
        file_type="",
    )
    FeedbackComment.objects.filter(author=user).update(body=removed)
    Recommendation.objects.filter(from_user=user).exclude(note="").update(note="")
    Introduction.objects.filter(introducer=user).update(note=removed)
    referrals = Referral.objects.filter(referrer=user)
    scrubbed.add(referrals.values_list("title", flat=True))
    referrals.update(title=removed, organisation="", link="", note="")

    # Flash mentoring.
    OfficeHours.objects.filter(mentor__user=user).update(place="", note="", topics=[])
    OfficeHours.objects.filter(mentor__user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    bookings = Booking.objects.filter(mentee__user=user)
    scrubbed.add(bookings.values_list("question", flat=True))
    bookings.update(question=removed)
    Booking.objects.filter(cancelled_by=user).exclude(cancel_reason="").update(cancel_reason="")
    SessionFeedback.objects.filter(author=user).update(comment="")

    # Evaluations: ratings and numbers stay, words go.
    MutualFeedback.objects.filter(author=user).update(went_well="", could_improve="")
    ProgressReview.objects.filter(author=user).update(summary="")
    ProgressReviewItem.objects.filter(review__author=user).update(note="")
    SurveyAnswer.objects.filter(response__assignment__user=user).update(text="")


def _erase_copies(user: User, identity: list[str], scrubbed: _Scrubbed) -> None:
    """Their name and words copied into other people's notifications, the email outbox and the
    admin's log."""
    name = former_name()
    strings = sorted(scrubbed.strings, key=len, reverse=True)  # longest first: no partial hits
    names = set(identity)
    for chunk in _chunks(strings, 200):
        copies = Notification.objects.filter(
            Q(params__person__in=chunk) | Q(params__other__in=chunk) | Q(params__title__in=chunk)
        )
        for notification in copies.only("pk", "params").iterator(chunk_size=500):
            notification.params = {
                key: (name if value in names else text_placeholder())
                if value in scrubbed.strings
                else value
                for key, value in notification.params.items()
            }
            notification.save(update_fields=["params"])
    for chunk in _chunks(strings, 50):
        found = Q()
        for value in chunk:
            for variant in {value, html.escape(value)}:
                found |= (
                    Q(subject__contains=variant)
                    | Q(text__contains=variant)
                    | Q(html__contains=variant)
                )
        for email in OutgoingEmail.objects.filter(found).iterator(chunk_size=200):
            for field in ("subject", "text", "html"):
                text = getattr(email, field)
                for value in chunk:
                    replacement = name if value in names else text_placeholder()
                    text = text.replace(value, replacement)
                    text = text.replace(html.escape(value), html.escape(replacement))
                setattr(email, field, text)
            email.save(update_fields=["subject", "text", "html"])
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=name)
    LogEntry.objects.filter(object_repr__in=strings).update(object_repr=text_placeholder())


def _chunks(values: list[str], size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _anonymise(user: User) -> None:
    user.name = ""
    user.email = anonymous_email(user)
    user.set_unusable_password()  # changes the session hash: every open session ends
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.manager = None
    user.timezone = "UTC"
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    User.objects.filter(manager=user).update(manager=None)
