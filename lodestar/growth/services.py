"""Writes on the resource library, recommendations and requests for feedback on work.

Who may do what:
- Add to a program's library: its coordinators and its approved mentors (mentors know what
  helped them; coordinators curate afterwards). Site-wide resources (program=None): superusers.
- Edit, hide and unhide: the program's coordinators (superusers for site-wide resources).
  The mentor who added a resource may also edit it and withdraw (hide) it, while they are still
  an approved mentor of the program and the resource is still shown: once withdrawn or hidden,
  it is the coordinators' to change or bring back, so a mentor cannot undo their curation.
- Recommend: a mentor of a mentorship, to a mentee of that same mentorship, a resource shown in
  that mentorship's program. The mentee alone tracks it (status, rating 1–5).
- Ask for feedback: a mentee of the mentorship. Answer: its mentors. Follow-up comments: the
  person who asked (which reopens an answered request). Close: the person who asked.
Finished mentorships are read-only for all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.models import Tag
from lodestar.core.uploads import check_upload, clean_name
from lodestar.engagement.services import notify
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import require_writable_member
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus

from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    URL_MAX,
    WORK_TEXT_MAX,
    FeedbackComment,
    Recommendation,
    Resource,
    ResourceKind,
    WorkFeedbackRequest,
)
from .states import FEEDBACK_STATES, FeedbackStatus, RecommendationStatus

TAGS_MAX = 10


def library_url(program: Program) -> str:
    return reverse("resource_library", args=[program.slug])


def feedback_url(request: WorkFeedbackRequest) -> str:
    return reverse("feedback_detail", args=[request.mentorship_id, request.pk])


def mentorship_resources_url(mentorship: Mentorship | int) -> str:
    pk = mentorship if isinstance(mentorship, int) else mentorship.pk
    return reverse("mentorship_resources", args=[pk])


# Permissions (also used by views to decide what to offer) ------------------------------------


@dataclass(frozen=True)
class ResourceRights:
    """What one person may do with the resources offered in one program's library (or with the
    site-wide ones, for program_id None). Worked out once, with two queries, so that a page of
    resources decides every row's links without a query per row."""

    user_id: int | None = None
    program_id: int | None = None
    superuser: bool = False
    coordinates: bool = False
    roles: frozenset[str] = frozenset()

    @property
    def participates(self) -> bool:
        return bool(self.roles)

    @property
    def mentors(self) -> bool:
        return Role.MENTOR in self.roles

    @property
    def may_add(self) -> bool:
        if self.user_id is None:
            return False
        if self.program_id is None:
            return self.superuser
        return self.coordinates or self.mentors

    def may_curate(self, resource: Resource) -> bool:
        if self.user_id is None:
            return False
        if resource.program_id is None:
            return self.superuser
        return resource.program_id == self.program_id and self.coordinates

    def is_author(self, resource: Resource) -> bool:
        return (
            self.user_id is not None
            and resource.program_id is not None
            and resource.program_id == self.program_id
            and resource.added_by_id == self.user_id
            and self.mentors
        )

    def may_edit(self, resource: Resource) -> bool:
        """Curators, and the author while the resource is still shown."""
        return self.may_curate(resource) or (self.is_author(resource) and not resource.hidden)


def resource_rights(user, program: Program | None) -> ResourceRights:
    if not user.is_authenticated:
        return ResourceRights()
    if program is None:
        return ResourceRights(user_id=user.pk, superuser=user.is_superuser)
    roles = Enrolment.objects.filter(
        program=program, user=user, status=EnrolmentStatus.APPROVED
    ).values_list("role", flat=True)
    return ResourceRights(
        user_id=user.pk,
        program_id=program.pk,
        superuser=user.is_superuser,
        coordinates=is_coordinator(user, program),
        roles=frozenset(roles),
    )


def is_program_mentor(user, program: Program) -> bool:
    return resource_rights(user, program).mentors


def can_add_resource(user, program: Program | None) -> bool:
    return resource_rights(user, program).may_add


def can_curate(user, resource: Resource) -> bool:
    return resource_rights(user, resource.program).may_curate(resource)


def can_edit_resource(user, resource: Resource) -> bool:
    return resource_rights(user, resource.program).may_edit(resource)


def _require_editor(user, resource: Resource, *, refused: str) -> None:
    """Raise the reason this person may not change the resource, if they may not."""
    rights = resource_rights(user, resource.program)
    if rights.may_edit(resource):
        return
    if rights.is_author(resource):
        raise ValidationError(
            _(
                "This resource has been withdrawn from the library: only the program’s "
                "coordinators can change it or show it again."
            ),
            code="withdrawn",
        )
    raise ValidationError(refused, code="not_allowed")


# Files ----------------------------------------------------------------------------------------


def _check_file(upload) -> object:
    """The shared upload rules (safe types by name and contents, size cap), on "file"."""
    return check_upload(upload, field="file")


def _store_file(obj, upload, kind) -> None:
    name = clean_name(upload.name)
    obj.file_name = name
    obj.file_size = upload.size
    obj.file_type = kind.content_type
    obj.file.save(name, upload, save=False)


def _save_with_file(obj) -> None:
    try:
        obj.save()
    except Exception:
        if obj.file:
            obj.file.storage.delete(obj.file.name)
        raise


# Resources -----------------------------------------------------------------------------------


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def _is_web_address(url: str) -> bool:
    try:
        _WEB_ADDRESS(url)
    except ValidationError:
        return False
    return len(url) <= URL_MAX


def _check_resource_fields(*, kind, title, url, description, tags, has_file: bool) -> dict:
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = [_("Give the resource a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}]
    if kind not in ResourceKind.values:
        errors["kind"] = [_("Choose what kind of resource this is.")]
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("Keep the description under %(max)s characters.") % {"max": DESCRIPTION_MAX}
        ]
    url = (url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        errors["url"] = [_("Links must start with https:// or http://.")]
    elif url and not _is_web_address(url):
        errors["url"] = [_("Give a full web address, like https://example.com/guide.")]
    if not url and not has_file:
        errors["url"] = [_("Give a link or attach a file.")]
    tags = [t for t in (tags or []) if t.strip()]
    if len(tags) > TAGS_MAX:
        errors["tags"] = [_("Use at most %(max)s tags.") % {"max": TAGS_MAX}]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "url": url, "description": description, "tags": tags}


@transaction.atomic
def resource_add(
    *,
    program: Program | None,
    by: User,
    kind: str,
    title: str,
    url: str = "",
    description: str = "",
    tags: list[str] | None = None,
    file=None,
    now: datetime | None = None,
) -> Resource:
    if not can_add_resource(by, program):
        raise ValidationError(
            _("Only this program’s coordinators and mentors may add resources."),
            code="not_allowed",
        )
    errors = {}
    try:
        fields = _check_resource_fields(
            kind=kind,
            title=title,
            url=url,
            description=description,
            tags=tags,
            has_file=file is not None,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    file_kind = None
    if file is not None:
        try:
            file_kind = _check_file(file)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    tag_names = fields.pop("tags")
    resource = Resource(program=program, added_by=by, created_at=now or timezone.now(), **fields)
    if file is not None:
        _store_file(resource, file, file_kind)
    _save_with_file(resource)
    resource.tags.set(Tag.objects.named(tag_names))
    return resource


@transaction.atomic
def resource_edit(
    *,
    resource: Resource,
    by: User,
    kind: str,
    title: str,
    url: str = "",
    description: str = "",
    tags: list[str] | None = None,
) -> Resource:
    """Coordinators, or the mentor who added it, correct a resource's words, link and tags
    (its file stays as it is)."""
    _require_editor(
        by,
        resource,
        refused=_("Only this program’s coordinators and the mentor who added it may edit it."),
    )
    fields = _check_resource_fields(
        kind=kind,
        title=title,
        url=url,
        description=description,
        tags=tags,
        has_file=bool(resource.file_name),
    )
    tag_names = fields.pop("tags")
    for key, value in fields.items():
        setattr(resource, key, value)
    resource.save(update_fields=list(fields))
    resource.tags.set(Tag.objects.named(tag_names))
    return resource


@transaction.atomic
def resource_set_hidden(*, resource: Resource, by: User, hidden: bool) -> Resource:
    """Coordinators hide and show; the mentor who added a resource may withdraw it (and, as it
    is then no longer theirs to edit, only a coordinator brings it back)."""
    _require_editor(
        by,
        resource,
        refused=_(
            "Only this program’s coordinators and the mentor who added it may hide or show it."
        ),
    )
    resource.hidden = hidden
    resource.save(update_fields=["hidden"])
    return resource


# Recommendations -----------------------------------------------------------------------------


def _role_of(mentorship: Mentorship, user) -> str | None:
    return next((m.role for m in mentorship.memberships.all() if m.user_id == user.pk), None)


@transaction.atomic
def recommendation_create(
    *,
    resource: Resource,
    mentorship: Mentorship,
    by: User,
    to: User,
    note: str = "",
    now: datetime | None = None,
) -> Recommendation:
    require_writable_member(by, mentorship)
    if _role_of(mentorship, by) != Role.MENTOR:
        raise ValidationError(
            _("Only the mentors of this mentorship may recommend resources."), code="not_mentor"
        )
    if _role_of(mentorship, to) != Role.MENTEE:
        raise ValidationError(
            {"to": [_("You can recommend resources only to a mentee of this mentorship.")]},
            code="not_mentee",
        )
    if resource.hidden or resource.program_id not in (None, mentorship.program_id):
        raise ValidationError(
            {"resource": [_("This resource is not in this program’s library.")]},
            code="not_in_library",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": [_("Keep the note under %(max)s characters.") % {"max": NOTE_MAX}]}
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                resource=resource,
                mentorship=mentorship,
                from_user=by,
                to_user=to,
                note=note,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "resource": [
                    _("You already recommended this resource to %(name)s.")
                    % {"name": to.display_name}
                ]
            },
            code="duplicate",
        ) from None
    notify(
        user=to,
        kind="resource_recommended",
        url=mentorship_resources_url(mentorship),
        person=by.display_name,
        program=mentorship.program.name,
        title=resource.title,
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    by: User,
    status: str,
    rating: int | None = None,
    now: datetime | None = None,
) -> Recommendation:
    """The mentee it was recommended to tracks it: saved, in progress or done, and a rating."""
    mentorship = recommendation.mentorship
    require_writable_member(by, mentorship)
    if recommendation.to_user_id != by.pk:
        raise ValidationError(
            _("Only the person it was recommended to can update it."), code="not_recipient"
        )
    errors = {}
    if status not in RecommendationStatus.values:
        errors["status"] = [_("Choose saved, in progress or done.")]
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        errors["rating"] = [_("Rate it from 1 to 5 stars.")]
    if errors:
        raise ValidationError(errors)
    recommendation.status = status
    recommendation.rating = rating
    recommendation.updated_at = now or timezone.now()
    recommendation.save(update_fields=["status", "rating", "updated_at"])
    return recommendation


# Feedback on work ----------------------------------------------------------------------------


def _mentor_users(mentorship: Mentorship) -> list[User]:
    return [m.user for m in mentorship.memberships.all() if m.role == Role.MENTOR]


@transaction.atomic
def feedback_request_create(
    *,
    mentorship: Mentorship,
    by: User,
    title: str,
    question: str,
    link: str = "",
    text: str = "",
    file=None,
    now: datetime | None = None,
) -> WorkFeedbackRequest:
    require_writable_member(by, mentorship)
    if _role_of(mentorship, by) != Role.MENTEE:
        raise ValidationError(
            _("Only the mentees of this mentorship may ask for feedback on their work."),
            code="not_mentee",
        )
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = [_("Give your request a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(max)s characters.") % {"max": TITLE_MAX}]
    question = (question or "").strip()
    if not question:
        errors["question"] = [_("Say what you would like feedback on.")]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [
            _("Keep the question under %(max)s characters.") % {"max": QUESTION_MAX}
        ]
    link = (link or "").strip()
    if link and not link.lower().startswith(("https://", "http://")):
        errors["link"] = [_("Links must start with https:// or http://.")]
    text = (text or "").strip()
    if len(text) > WORK_TEXT_MAX:
        errors["text"] = [_("Keep the text under %(max)s characters.") % {"max": WORK_TEXT_MAX}]
    if not (link or text or file is not None):
        errors["link"] = [_("Share the work: a link, the text itself or a file.")]
    file_kind = None
    if file is not None:
        try:
            file_kind = _check_file(file)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    request = WorkFeedbackRequest(
        mentorship=mentorship,
        requester=by,
        title=title,
        question=question,
        link=link,
        text=text,
        created_at=now or timezone.now(),
    )
    if file is not None:
        _store_file(request, file, file_kind)
    _save_with_file(request)
    for mentor in _mentor_users(mentorship):
        notify(
            user=mentor,
            kind="feedback_requested",
            url=feedback_url(request),
            person=by.display_name,
            program=mentorship.program.name,
            title=title,
        )
    return request


def _locked(request: WorkFeedbackRequest) -> WorkFeedbackRequest:
    locked = WorkFeedbackRequest.objects.select_for_update().get(pk=request.pk)
    locked.mentorship = request.mentorship
    return locked


def _move(request: WorkFeedbackRequest, target: str, now: datetime) -> None:
    FEEDBACK_STATES.check(request.status, target)
    request.status = target
    fields = ["status"]
    if target == FeedbackStatus.ANSWERED and request.answered_at is None:
        request.answered_at = now
        fields.append("answered_at")
    if target == FeedbackStatus.CLOSED:
        request.closed_at = now
        fields.append("closed_at")
    request.save(update_fields=fields)


@transaction.atomic
def feedback_comment_add(
    *, request: WorkFeedbackRequest, by: User, body: str, now: datetime | None = None
) -> FeedbackComment:
    """A mentor's answer (the first one moves the request to answered and tells the person who
    asked) or the asker's follow-up (which reopens an answered request)."""
    mentorship = request.mentorship
    require_writable_member(by, mentorship)
    locked = _locked(request)
    role = _role_of(mentorship, by)
    is_asker = locked.requester_id == by.pk
    if role != Role.MENTOR and not is_asker:
        raise ValidationError(
            _("Only the mentors and the person who asked may comment on this request."),
            code="not_allowed",
        )
    if locked.status == FeedbackStatus.CLOSED:
        raise ValidationError(
            _("This request is closed. Ask a new one to continue."), code="closed"
        )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write your comment.")]})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {"body": [_("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX}]}
        )
    now = now or timezone.now()
    comment = FeedbackComment.objects.create(request=locked, author=by, body=body, created_at=now)
    if role == Role.MENTOR and locked.status == FeedbackStatus.OPEN:
        _move(locked, FeedbackStatus.ANSWERED, now)
        if locked.requester is not None:
            notify(
                user=locked.requester,
                kind="feedback_answered",
                url=feedback_url(locked),
                person=by.display_name,
                program=mentorship.program.name,
                title=locked.title,
            )
    elif is_asker and locked.status == FeedbackStatus.ANSWERED:
        _move(locked, FeedbackStatus.OPEN, now)
    request.status, request.answered_at = locked.status, locked.answered_at
    return comment


@transaction.atomic
def feedback_request_close(
    *, request: WorkFeedbackRequest, by: User, now: datetime | None = None
) -> WorkFeedbackRequest:
    require_writable_member(by, request.mentorship)
    locked = _locked(request)
    if locked.requester_id != by.pk:
        raise ValidationError(
            _("Only the person who asked can close this request."), code="not_requester"
        )
    _move(locked, FeedbackStatus.CLOSED, now or timezone.now())
    return locked
