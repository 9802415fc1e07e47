"""The mentoring agreement: the program's template, each mentorship's versions and signatures.

A coordinator words the program's template, section by section; a section left out keeps the
default wording, which follows the program (its meeting cadence, its dates). A member who first
opens their agreement gets a draft made from the template. Either member edits it: while
nobody has signed, the draft changes in place; once anyone has signed, an edit makes the next
version and everybody signs again. When every member has signed the current version, it is
agreed.

Notices: a new version asks the others to sign (agreement_to_sign). Signing tells the others:
the first signature on version 1 asks them to sign too (version 1 was drafted quietly, so this
is their first news of it); any other signature says who signed (agreement_signed).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.programs.models import Cadence, Program, Role
from lodestar.programs.policy import is_coordinator

from .models import AgreementSignature, AgreementVersion, Mentorship
from .policy import is_member, require_writable_member

SECTION_MAX = 4000


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    help_text: str


EXPECTATIONS = Section(
    "expectations",
    gettext_lazy("Expectations"),
    gettext_lazy("What each of you hopes to get from the mentorship, and to give to it."),
)
CADENCE = Section(
    "cadence",
    gettext_lazy("Meeting cadence"),
    gettext_lazy("How often you meet, for how long, and what happens when one of you can’t."),
)
CHANNELS = Section(
    "channels",
    gettext_lazy("Preferred channels"),
    gettext_lazy(
        "How you meet and how you talk between meetings: in person, video, phone, messages."
    ),
)
CONFIDENTIALITY = Section(
    "confidentiality",
    gettext_lazy("Confidentiality"),
    gettext_lazy("What stays between you, and when it would not."),
)
MENTOR_DUTIES = Section(
    "mentor_responsibilities",
    gettext_lazy("The mentor’s responsibilities"),
    gettext_lazy("What the mentor commits to."),
)
MENTEE_DUTIES = Section(
    "mentee_responsibilities",
    gettext_lazy("The mentee’s responsibilities"),
    gettext_lazy("What the mentee commits to."),
)
PEER_DUTIES = Section(
    "peer_responsibilities",
    gettext_lazy("Each peer’s responsibilities"),
    gettext_lazy("What each of you commits to, as mentor and as mentee of the other."),
)
DURATION = Section(
    "duration",
    gettext_lazy("Duration"),
    gettext_lazy("When the mentorship starts and ends, and how you will close it."),
)


def sections_for(program: Program) -> list[Section]:
    """The agreement's sections, in order. Peers share one list of responsibilities."""
    duties = [PEER_DUTIES] if Role.PEER in program.roles else [MENTOR_DUTIES, MENTEE_DUTIES]
    return [EXPECTATIONS, CADENCE, CHANNELS, CONFIDENTIALITY, *duties, DURATION]


def _cadence_text(program: Program) -> str:
    return (
        {
            Cadence.WEEKLY: _("We meet once a week, for about an hour."),
            Cadence.FORTNIGHTLY: _("We meet every two weeks, for about an hour."),
            Cadence.MONTHLY: _("We meet once a month, for about an hour."),
            Cadence.AS_NEEDED: _("We meet whenever one of us asks for it."),
        }.get(program.meeting_cadence, _("We meet regularly."))
        + " "
        + _("Whoever cannot make it says so at least a day before and proposes another time.")
    )


def _duration_text(start: date | None, end: date | None) -> str:
    def day(value: date) -> str:
        return formats.date_format(value, "DATE_FORMAT")

    if start and end:
        text = _("From %(start)s to %(end)s.") % {"start": day(start), "end": day(end)}
    elif start:
        text = _("From %(start)s, with no fixed end.") % {"start": day(start)}
    elif end:
        text = _("Until %(end)s.") % {"end": day(end)}
    else:
        text = _("For as long as the program runs.")
    return text + " " + _("In our last meeting we look back on what we achieved.")


def default_text(program: Program, key: str, mentorship: Mentorship | None = None) -> str:
    """The default wording of one section; for a mentorship, its own dates where it has them."""
    if key == CADENCE.key:
        return _cadence_text(program)
    if key == DURATION.key:
        start = (mentorship and mentorship.start_date) or program.start_date
        end = (mentorship and mentorship.planned_end_date) or program.end_date
        return _duration_text(start, end)
    return {
        EXPECTATIONS.key: _(
            "We both come prepared, are honest with each other, and say early when something "
            "is not working. The mentee leads: their goals set our agenda."
        ),
        CHANNELS.key: _(
            "We meet by video call unless we agree to meet in person; between meetings we use "
            "the messages in this workspace, and answer within a few days."
        ),
        CONFIDENTIALITY.key: _(
            "What we share stays between us unless we both agree otherwise. The exception is a "
            "risk to someone’s safety, which we take to the program coordinators."
        ),
        MENTOR_DUTIES.key: _(
            "Listen, ask good questions, share experience and contacts, give honest and kind "
            "feedback, and keep the commitments made here."
        ),
        MENTEE_DUTIES.key: _(
            "Set the goals and propose each meeting’s agenda, prepare for it, follow up on the "
            "action items agreed, and keep the commitments made here."
        ),
        PEER_DUTIES.key: _(
            "Each of us brings a goal, prepares for our meetings, listens and gives honest and "
            "kind feedback, and keeps the commitments made here."
        ),
    }.get(key, "")


def template_texts(program: Program, mentorship: Mentorship | None = None) -> dict[str, str]:
    """The program's agreement template, section by section: its own wording or the default."""
    stored = program.agreement_template if isinstance(program.agreement_template, dict) else {}
    texts = {}
    for section in sections_for(program):
        text = stored.get(section.key)
        texts[section.key] = (
            text
            if isinstance(text, str) and text.strip()
            else default_text(program, section.key, mentorship)
        )
    return texts


def _clean_sections(program: Program, sections: dict) -> dict[str, str]:
    keys = [section.key for section in sections_for(program)]
    unknown = set(sections) - set(keys)
    if unknown:
        raise ValidationError(
            _("The agreement has no section called %(names)s.")
            % {"names": ", ".join(sorted(unknown))},
            code="unknown_section",
        )
    cleaned = {key: str(sections.get(key) or "").strip() for key in keys}
    errors = {
        key: _("Keep each section under %(max)s characters.") % {"max": SECTION_MAX}
        for key, text in cleaned.items()
        if len(text) > SECTION_MAX
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def agreement_template_update(*, program: Program, by: User, sections: dict) -> Program:
    """A coordinator words the program's template. A section left empty, or worded exactly as
    the default, keeps following the default (so a later change of cadence or dates shows)."""
    if not is_coordinator(by, program):
        raise ValidationError(_("Only the program’s coordinators edit its agreement."))
    cleaned = _clean_sections(program, sections)
    program = Program.objects.select_for_update().get(pk=program.pk)
    program.agreement_template = {
        key: text for key, text in cleaned.items() if text and text != default_text(program, key)
    }
    program.save(update_fields=["agreement_template", "updated_at"])
    return program


# A mentorship's agreement --------------------------------------------------------------------


def agreement_url(mentorship: Mentorship) -> str:
    return reverse("agreement", args=[mentorship.pk])


def current_version(mentorship: Mentorship) -> AgreementVersion | None:
    """The latest version with its signatures (two queries), or None before any draft."""
    return (
        AgreementVersion.objects.filter(mentorship=mentorship)
        .prefetch_related("signatures")
        .order_by("-number")
        .first()
    )


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update()
        .select_related("program")
        .prefetch_related("memberships__user")
        .get(pk=mentorship.pk)
    )


def _latest(mentorship: Mentorship) -> AgreementVersion | None:
    return mentorship.agreement_versions.order_by("-number").first()


def _tell_others(mentorship: Mentorship, by: User, kind: str) -> None:
    for member in mentorship.memberships.all():
        if member.user_id == by.pk:
            continue
        notify(
            user=member.user,
            kind=kind,
            url=agreement_url(mentorship),
            person=by.display_name,
            program=mentorship.program.name,
        )


@transaction.atomic
def agreement_draft(*, mentorship: Mentorship, by: User) -> AgreementVersion:
    """The current version; the first time, a draft made from the program's template."""
    current = _locked(mentorship)
    if not is_member(by, current):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    latest = _latest(current)
    if latest is not None:
        return latest
    require_writable_member(by, current)
    return AgreementVersion.objects.create(
        mentorship=current,
        number=1,
        sections=template_texts(current.program, current),
        created_by=by,
        edited_by=by,
    )


@transaction.atomic
def agreement_edit(*, mentorship: Mentorship, by: User, sections: dict) -> AgreementVersion:
    """A member changes the agreement: in place while nobody has signed, else a new version
    that everybody signs again."""
    current = _locked(mentorship)
    require_writable_member(by, current)
    cleaned = _clean_sections(current.program, sections)
    if not any(cleaned.values()):
        raise ValidationError(_("The agreement cannot be empty."), code="empty")
    latest = _latest(current)
    if latest is not None and latest.sections == cleaned:
        raise ValidationError(
            _("Nothing was changed: the agreement stays as it is."), code="unchanged"
        )
    if latest is None or not latest.signatures.exists():
        version = latest or AgreementVersion(mentorship=current, number=1, created_by=by)
        version.sections = cleaned
        version.edited_by = by
        version.save()
        return version
    version = AgreementVersion.objects.create(
        mentorship=current,
        number=latest.number + 1,
        sections=cleaned,
        created_by=by,
        edited_by=by,
    )
    _tell_others(current, by, "agreement_to_sign")
    return version


@transaction.atomic
def agreement_sign(*, mentorship: Mentorship, by: User, number: int) -> AgreementSignature:
    """A member signs version `number`, which must be the current one (what they read)."""
    current = _locked(mentorship)
    require_writable_member(by, current)
    latest = _latest(current)
    if latest is None:
        raise ValidationError(_("There is no agreement to sign yet."), code="no_agreement")
    if number != latest.number:
        raise ValidationError(
            _(
                "Version %(number)s is no longer the current one: read version %(current)s "
                "and sign that."
            )
            % {"number": number, "current": latest.number},
            code="not_current",
        )
    signed = set(latest.signatures.values_list("user_id", flat=True))
    if by.pk in signed:
        raise ValidationError(_("You have already signed this version."), code="signed")
    signature = AgreementSignature.objects.create(version=latest, user=by)
    signed.add(by.pk)
    if all(member.user_id in signed for member in current.memberships.all()):
        latest.agreed_at = signature.signed_at
        latest.save(update_fields=["agreed_at", "updated_at"])
    first_news = latest.number == 1 and len(signed) == 1
    _tell_others(current, by, "agreement_to_sign" if first_news else "agreement_signed")
    return signature


def signature_table(mentorship: Mentorship, version: AgreementVersion | None) -> list[dict]:
    """Each member with the date they signed `version` (None if not yet); no query when the
    members and the version's signatures are prefetched."""
    signed = {s.user_id: s.signed_at for s in version.signatures.all()} if version else {}
    return [
        {"member": member, "signed_at": signed.get(member.user_id)}
        for member in mentorship.memberships.all()
    ]
