"""Writes on the network: a person's directory listing, introductions (double opt-in) and
referrals. Keyword-only, atomic, and each raises a ValidationError that says what is wrong.

Privacy rules worth knowing:
- Contact details are shown to the mentee and the third person only once both accepted.
- A declined introduction stays private. Only the introducer hears that it did not go ahead
  (not who declined); the other invited person is told nothing. Should that person answer
  later, their answer is recorded and nothing else happens, so the page they see never gives
  the decline away.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.engagement.notices import NOTICES
from lodestar.engagement.services import notify
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import require_writable_member
from lodestar.programs.models import Role

from . import selectors
from .models import DirectoryListing, Introduction, Referral, Scope
from .states import INTRODUCTION_STATES, OPEN, Answer, IntroductionStatus, next_status

REMIND_AFTER = timedelta(days=3)
NOTE_MAX = 2000


def introduction_url(introduction: Introduction) -> str:
    return reverse("introduction_detail", args=[introduction.pk])


def _kind(preferred: str, fallback: str) -> str:
    # A more precise wording when the notice catalogue has it.
    return preferred if preferred in NOTICES else fallback


# The directory -------------------------------------------------------------------------------


@transaction.atomic
def directory_listing_update(
    *, user: User, listed: bool, scope: str, blurb: str = "", open_to: str = ""
) -> DirectoryListing:
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose who can find you.")})
    listing, _created = DirectoryListing.objects.select_for_update().get_or_create(user=user)
    listing.listed = listed
    listing.scope = scope
    listing.blurb = blurb.strip()
    listing.open_to = open_to.strip()
    listing.full_clean()
    listing.save()
    return listing


# Introductions -------------------------------------------------------------------------------


def _require_mentor_of(mentorship: Mentorship, user: User, mentee: User) -> None:
    require_writable_member(user, mentorship)
    roles = {m.user_id: m.role for m in mentorship.memberships.all()}
    if roles.get(user.pk) != Role.MENTOR:
        raise ValidationError(
            _("Only the mentor of this mentorship can do this."), code="not_mentor"
        )
    if roles.get(mentee.pk) != Role.MENTEE:
        raise ValidationError(
            _("%(name)s is not your mentee in this mentorship.") % {"name": mentee.display_name},
            code="not_mentee",
        )


@transaction.atomic
def introduction_propose(
    *, mentorship: Mentorship, introducer: User, mentee: User, other: User, note: str
) -> Introduction:
    """A mentor introduces their mentee to a third person; both are asked."""
    _require_mentor_of(mentorship, introducer, mentee)
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": _("Say in a sentence or two why they should meet.")}, code="note"
        )
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX}}
        )
    if other.pk == mentee.pk:
        raise ValidationError(
            {"other": _("You cannot introduce your mentee to themselves.")}, code="self"
        )
    if other.pk == introducer.pk:
        raise ValidationError(
            {"other": _("Your mentee knows you already: choose somebody else.")}, code="self"
        )
    if not selectors.introducible_people(introducer).filter(pk=other.pk).exists():
        raise ValidationError(
            {
                "other": _(
                    "You can introduce your mentee to people in the directory or in your "
                    "programs only."
                )
            },
            code="not_reachable",
        )
    already = (
        Introduction.objects.filter(mentee=mentee, other=other)
        .exclude(status=IntroductionStatus.DECLINED)
        .exists()
    )
    if already:
        raise ValidationError(
            {
                "other": _("%(name)s has already been introduced to your mentee.")
                % {"name": other.display_name}
            },
            code="duplicate",
        )
    introduction = Introduction.objects.create(
        introducer=introducer, mentee=mentee, other=other, mentorship=mentorship, note=note
    )
    url = introduction_url(introduction)
    notify(
        user=mentee,
        kind="introduction_proposed",
        url=url,
        person=introducer.display_name,
        other=other.display_name,
    )
    notify(
        user=other,
        kind="introduction_proposed",
        url=url,
        person=introducer.display_name,
        other=mentee.display_name,
    )
    return introduction


@transaction.atomic
def introduction_answer(*, introduction: Introduction, user: User, accept: bool) -> Introduction:
    """The mentee or the third person answers for themselves (the side is the person's own;
    nobody answers for anybody else)."""
    introduction = (
        Introduction.objects.select_for_update()
        .select_related("introducer", "mentee", "other")
        .get(pk=introduction.pk)
    )
    if user.pk == introduction.mentee_id:
        side = "mentee"
    elif user.pk == introduction.other_id:
        side = "other"
    else:
        raise ValidationError(
            _("Only the two people being introduced can answer."), code="not_invited"
        )
    if getattr(introduction, f"{side}_answer") != Answer.PENDING:
        raise ValidationError(_("You have already answered this introduction."), code="answered")
    now = timezone.now()
    answer = Answer.ACCEPTED if accept else Answer.DECLINED
    setattr(introduction, f"{side}_answer", answer)
    setattr(introduction, f"{side}_answered_at", now)
    if introduction.status == IntroductionStatus.DECLINED:
        # The other side declined already: record the answer and say nothing (see above).
        introduction.save()
        return introduction
    target = next_status(introduction.mentee_answer, introduction.other_answer)
    if target != introduction.status:
        INTRODUCTION_STATES.check(introduction.status, target)
    introduction.status = target
    if target == IntroductionStatus.CONNECTED:
        introduction.connected_at = now
    introduction.save()
    _tell(introduction)
    return introduction


def _tell(introduction: Introduction) -> None:
    url = introduction_url(introduction)
    introducer, mentee, other = introduction.introducer, introduction.mentee, introduction.other
    if introduction.status == IntroductionStatus.CONNECTED:
        notify(
            user=mentee,
            kind="introduction_connected",
            url=url,
            person=introducer.display_name,
            other=other.display_name,
        )
        notify(
            user=other,
            kind="introduction_connected",
            url=url,
            person=introducer.display_name,
            other=mentee.display_name,
        )
        notify(
            user=introducer,
            kind=_kind("introduction_made", "introduction_connected"),
            url=url,
            person=mentee.display_name,
            other=other.display_name,
        )
    elif introduction.status == IntroductionStatus.DECLINED:
        # Not who declined: only that it did not go ahead.
        notify(
            user=introducer,
            kind="introduction_declined",
            url=url,
            other=_("%(mentee)s and %(other)s")
            % {"mentee": mentee.display_name, "other": other.display_name},
        )


def introductions_remind_due(now: datetime | None = None) -> int:
    """One reminder to whoever has not answered an introduction after REMIND_AFTER. Each
    introduction is claimed with a conditional update first, so running twice (or on two
    workers at once) reminds nobody twice. Returns the number of reminders sent."""
    now = now or timezone.now()
    due = list(
        Introduction.objects.filter(
            status__in=OPEN, reminded_at__isnull=True, created__lte=now - REMIND_AFTER
        ).values_list("pk", flat=True)[:500]
    )
    sent = 0
    for pk in due:
        with transaction.atomic():
            claimed = Introduction.objects.filter(
                pk=pk, status__in=OPEN, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            introduction = Introduction.objects.select_related("introducer", "mentee", "other").get(
                pk=pk
            )
            url = introduction_url(introduction)
            kind = _kind("introduction_reminder", "introduction_proposed")
            pairs = [
                (introduction.mentee, introduction.mentee_answer, introduction.other),
                (introduction.other, introduction.other_answer, introduction.mentee),
            ]
            for person, answer, counterpart in pairs:
                if answer == Answer.PENDING:
                    notify(
                        user=person,
                        kind=kind,
                        url=url,
                        person=introduction.introducer.display_name,
                        other=counterpart.display_name,
                    )
                    sent += 1
    return sent


# Referrals -----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    mentorship: Mentorship,
    referrer: User,
    mentee: User,
    title: str,
    organisation: str = "",
    link: str = "",
    note: str = "",
) -> Referral:
    """The mentor records that they recommended their mentee for an opportunity."""
    _require_mentor_of(mentorship, referrer, mentee)
    referral = Referral(
        referrer=referrer,
        mentee=mentee,
        mentorship=mentorship,
        title=title.strip(),
        organisation=organisation.strip(),
        link=link.strip(),
        note=note.strip(),
    )
    referral.full_clean()
    referral.save()
    notify(
        user=mentee,
        kind="referral_made",
        url=reverse("mentorship_detail", args=[mentorship.pk]),
        person=referrer.display_name,
        title=referral.title,
    )
    return referral
