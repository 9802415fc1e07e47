"""Kudos: a word of thanks or praise from one member of a mentorship to another."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, require_writable_member
from lodestar.mentorships.services import mentorship_url

from .models import KUDOS_MAX, Kudos
from .services import notify


@transaction.atomic
def kudos_send(*, mentorship: Mentorship, by: User, to: User, message: str) -> Kudos:
    """A member sends kudos to another member of the same mentorship, who is told."""
    require_writable_member(by, mentorship)
    errors = {}
    if to is None or not is_member(to, mentorship):
        errors["to_user"] = _("Choose a member of this mentorship.")
    elif to.pk == by.pk:
        errors["to_user"] = _("Kudos go to someone else: choose another member.")
    message = (message or "").strip()
    if not message:
        errors["message"] = _("Say what you are thanking them for.")
    elif len(message) > KUDOS_MAX:
        errors["message"] = _("Please keep it under %(max)d characters (this has %(count)d).") % {
            "max": KUDOS_MAX,
            "count": len(message),
        }
    if errors:
        raise ValidationError(errors, code="invalid")
    kudos = Kudos.objects.create(mentorship=mentorship, from_user=by, to_user=to, message=message)
    notify(
        user=to,
        kind="kudos_received",
        url=mentorship_url(mentorship),
        person=by.display_name,
        title=message,
    )
    return kudos
