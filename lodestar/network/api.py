"""Introductions in the JSON API: double opt-in, with the pages' privacy.

The three people of an introduction see it (404 for everyone else, coordinators too). What
each reads follows the introduction's page: the two invited people see their own answer, never
the other's, so that a decline stays private; the introducer sees both answers while it is
open, then only that it connected or did not go ahead. Email addresses are shared only once
both have accepted. Proposing and answering go through the page's services."""

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PersonRef, PlainText, person_ref
from lodestar.mentorships.policy import get_member_workspace
from lodestar.programs.models import Role

from . import selectors, services
from .models import Introduction
from .states import Answer, IntroductionStatus

router = Router(tags=["network"])

PartName = Literal["introducer", "mentee", "other"]
AnswerName = Literal[tuple(value for value, _label in Answer.choices)]
SeenStatus = Literal["waiting", "connected", "did_not_go_ahead"]
# The pages offer these as choices; the API says what their forms say of anything else.
NOT_A_CHOICE = ModelChoiceField.default_error_messages["invalid_choice"]


def _part(introduction: Introduction, user) -> str:
    if user.pk == introduction.introducer_id:
        return "introducer"
    return "mentee" if user.pk == introduction.mentee_id else "other"


def _viewer(context) -> object:
    return context["request"].auth


def _answers_shown(introduction: Introduction, context) -> bool:
    """The introducer follows both answers while the introduction is open."""
    return _part(introduction, _viewer(context)) == "introducer" and introduction.status not in (
        IntroductionStatus.CONNECTED,
        IntroductionStatus.DECLINED,
    )


class IntroductionContactOut(Schema):
    user_id: int
    name: str
    email: str


class IntroductionOut(Schema):
    id: int
    part: PartName = Field(description="Your part in it.")
    introducer: PersonRef
    mentee: PersonRef
    other: PersonRef = Field(description="The person the mentee is introduced to.")
    note: str = Field(description="Why they should meet: for the three of you only.")
    status: SeenStatus = Field(
        description="As you may know it: an invited person never learns that the other declined."
    )
    my_answer: AnswerName | None = Field(description="Null for the introducer.")
    mentee_answer: AnswerName | None = Field(description="For the introducer, while it is open.")
    other_answer: AnswerName | None = Field(description="For the introducer, while it is open.")
    can_answer: bool
    created_at: datetime
    connected_at: datetime | None
    contacts: list[IntroductionContactOut] = Field(
        description="The others' email addresses, once both invited people have accepted."
    )

    @staticmethod
    def resolve_part(introduction: Introduction, context) -> str:
        return _part(introduction, _viewer(context))

    @staticmethod
    def resolve_introducer(introduction: Introduction) -> dict:
        return person_ref(introduction.introducer)

    @staticmethod
    def resolve_mentee(introduction: Introduction) -> dict:
        return person_ref(introduction.mentee)

    @staticmethod
    def resolve_other(introduction: Introduction) -> dict:
        return person_ref(introduction.other)

    @staticmethod
    def resolve_my_answer(introduction: Introduction, context) -> str | None:
        part = _part(introduction, _viewer(context))
        return None if part == "introducer" else getattr(introduction, f"{part}_answer")

    @staticmethod
    def resolve_status(introduction: Introduction, context) -> str:
        if introduction.status == IntroductionStatus.CONNECTED:
            return "connected"
        part = _part(introduction, _viewer(context))
        if part == "introducer":
            declined = introduction.status == IntroductionStatus.DECLINED
        else:
            declined = getattr(introduction, f"{part}_answer") == Answer.DECLINED
        return "did_not_go_ahead" if declined else "waiting"

    @staticmethod
    def resolve_mentee_answer(introduction: Introduction, context) -> str | None:
        shown = _answers_shown(introduction, context)
        return introduction.mentee_answer if shown else None

    @staticmethod
    def resolve_other_answer(introduction: Introduction, context) -> str | None:
        shown = _answers_shown(introduction, context)
        return introduction.other_answer if shown else None

    @staticmethod
    def resolve_can_answer(introduction: Introduction, context) -> bool:
        part = _part(introduction, _viewer(context))
        return part != "introducer" and getattr(introduction, f"{part}_answer") == Answer.PENDING

    @staticmethod
    def resolve_created_at(introduction: Introduction) -> datetime:
        return introduction.created

    @staticmethod
    def resolve_contacts(introduction: Introduction, context) -> list[dict]:
        if introduction.status != IntroductionStatus.CONNECTED:
            return []
        part = _part(introduction, _viewer(context))
        people = {"mentee": introduction.mentee, "other": introduction.other}
        return [
            {"user_id": user.pk, "name": user.display_name, "email": user.email}
            for side, user in people.items()
            if side != part
        ]


class IntroductionFilters(Schema):
    part: Literal["made", "received"] | None = Field(
        None, description="made: the ones you made; received: the ones you are invited to."
    )


@router.get(
    "/introductions/",
    response=responses({200: list[IntroductionOut]}, 404, 422),
    operation_id="introductions_list",
)
@paginate(PageNumberPagination)
def introductions_list(request: HttpRequest, filters: Query[IntroductionFilters]):
    """The introductions you made or are invited to, newest first."""
    user = request.auth
    introductions = Introduction.objects.involving(user)
    if filters.part == "made":
        introductions = introductions.filter(introducer=user)
    elif filters.part == "received":
        introductions = introductions.exclude(introducer=user)
    return introductions.select_related("introducer", "mentee", "other").order_by("-created", "-id")


@router.get(
    "/introductions/{introduction_id}/",
    response=responses({200: IntroductionOut}, 404, 422),
    operation_id="introductions_get",
)
def introductions_get(request: HttpRequest, introduction_id: int):
    return selectors.get_introduction_for(request.auth, introduction_id)


@router.post(
    "/mentorships/{mentorship_id}/introductions/",
    response=responses({201: IntroductionOut}, 400, 403, 404, 409, 422),
    operation_id="introductions_create",
)
def introductions_create(
    request: HttpRequest,
    mentorship_id: int,
    mentee: Annotated[int, Body(description="The user id of your mentee in this mentorship.")],
    other: Annotated[
        int,
        Body(description="The user id of someone in the directory or in one of your programs."),
    ],
    note: Annotated[PlainText, Body(description="Why they should meet; both read it.")],
):
    """A mentor introduces their mentee to a third person. Both are asked; they are connected
    once both accept."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    mentee_user = next(
        (
            m.user
            for m in mentorship.memberships.all()
            if m.user_id == mentee and m.role == Role.MENTEE
        ),
        None,
    )
    other_user = selectors.introducible_people(request.auth).filter(pk=other).first()
    errors = {}
    if mentee_user is None:
        errors["mentee"] = NOT_A_CHOICE
    if other_user is None:
        errors["other"] = NOT_A_CHOICE
    if errors:
        raise ValidationError(errors)
    introduction = services.introduction_propose(
        mentorship=mentorship,
        introducer=request.auth,
        mentee=mentee_user,
        other=other_user,
        note=note,
    )
    return Status(201, selectors.get_introduction_for(request.auth, introduction.pk))


class IntroductionAnswerIn(Schema):
    accept: bool = Field(description="true to accept, false to decline.")


@router.post(
    "/introductions/{introduction_id}/answer/",
    response=responses({200: IntroductionOut}, 400, 403, 404, 409, 422),
    operation_id="introductions_answer",
)
def introductions_answer(
    request: HttpRequest,
    introduction_id: int,
    body: IntroductionAnswerIn,
):
    """The mentee or the third person answers for themselves. Nobody is told who declined."""
    introduction = selectors.get_introduction_for(request.auth, introduction_id)
    services.introduction_answer(introduction=introduction, user=request.auth, accept=body.accept)
    return selectors.get_introduction_for(request.auth, introduction_id)
