"""Programs in the JSON API: the same visibility rules as the pages (policy.py); joining a
program and answering its intake form through the pages' own services (enrolment, intake),
and a program's coordinators reading one enrolment's answers as the participant page shows
them (never the sensitive ones)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BeforeValidator, Strict

from lodestar.accounts.models import User
from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PlainText

from . import answers as intake_answers
from .models import (
    Enrolment,
    EnrolmentMode,
    Kind,
    MatchingMode,
    ProfileField,
    Program,
    QuestionKind,
    Role,
)
from .policy import get_program_for_coordinator, get_program_for_participant
from .services import enrolment as enrolment_services
from .services.intake import answers_save, intake_questions
from .states import EnrolmentStatus, ProgramStatus

router = Router(tags=["programs"])

StatusName = Literal[tuple(value for value, _label in ProgramStatus.choices)]
KindName = Literal[tuple(Kind.values)]
RoleName = Literal[tuple(Role.values)]
EnrolmentStatusName = Literal[tuple(value for value, _label in EnrolmentStatus.choices)]
QuestionKindName = Literal[tuple(QuestionKind.values)]
ProfileFieldName = Literal[tuple(ProfileField.values)]
# What an intake answer holds (answers.clean_answer): a choice, a text or a time zone; a
# scale, a number or a seniority level; a list of choices, tags or languages (or, for weekly
# availability, the profile's windows as text).
AnswerValue = str | int | float | list[str] | None
# What a person may send for one: as lax as the form's inputs, so that the answer's own rules
# (not the schema) say what is wrong with it; a boolean is sent on to be refused there.
AnswerInput = PlainText | bool | int | float | list[PlainText | int | float] | None


class QuestionIdKeys:
    """A map keyed by question ids: JSON keys are strings, so the schema says which ones."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        schema["propertyNames"] = {"pattern": "^[0-9]{1,15}$"}
        return schema


AnswerMap = Annotated[dict[int, AnswerInput], QuestionIdKeys]


class ProgramOut(Schema):
    slug: str
    name: str
    description: str
    kind: KindName
    status: StatusName
    start_date: date | None
    end_date: date | None
    matching_mode: Literal[tuple(MatchingMode.values)]
    enrolment_mode: Literal[tuple(EnrolmentMode.values)]


class ProgramFilters(Schema):
    status: StatusName | None = None
    kind: KindName | None = None


class EnrolmentOut(Schema):
    id: int
    user_id: int
    name: str
    role: RoleName
    status: EnrolmentStatusName
    capacity: int | None
    created_at: datetime

    @staticmethod
    def resolve_name(enrolment: Enrolment) -> str:
        return enrolment.user.display_name


@router.get(
    "/", response=responses({200: list[ProgramOut]}, 404, 422), operation_id="programs_list"
)
@paginate(PageNumberPagination)
def programs_list(request: HttpRequest, filters: Query[ProgramFilters]):
    """Programs you may see: open for enrolment, yours, or coordinated by you."""
    programs = Program.objects.visible_to(request.auth).order_by("name", "pk")
    if filters.status:
        programs = programs.filter(status=filters.status)
    if filters.kind:
        programs = programs.filter(kind=filters.kind)
    return programs


@router.get("/{slug}/", response=responses({200: ProgramOut}, 404), operation_id="programs_get")
def programs_get(request: HttpRequest, slug: str):
    return get_program_for_participant(request.auth, slug)


@router.get(
    "/{slug}/enrolments/",
    response=responses({200: list[EnrolmentOut]}, 404, 422),
    operation_id="programs_enrolments",
)
@paginate(PageNumberPagination)
def programs_enrolments(request: HttpRequest, slug: str):
    """Everyone enrolled in the program. For its coordinators only; 404 for anyone else."""
    program = get_program_for_coordinator(request.auth, slug)
    return (
        Enrolment.objects.filter(program=program)
        .select_related("user")
        .order_by("role", "created_at", "pk")
    )


# Joining a program -------------------------------------------------------------------------------


class MyEnrolmentOut(Schema):
    id: int
    program: str
    role: RoleName
    status: EnrolmentStatusName = Field(
        description="approved at once in open programs; applied where coordinators decide."
    )
    capacity: int | None = Field(description="Mentors only: how many mentees they take.")
    created_at: datetime
    decided_at: datetime | None
    intake_completed_at: datetime | None

    @staticmethod
    def resolve_program(enrolment: Enrolment) -> str:
        return enrolment.program.slug


def _whole_number(value):
    # JSON Schema's "integer" takes 2.0 and refuses true: so must the API (strict, then, on
    # anything but a float with nothing after the point).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, Strict(), BeforeValidator(_whole_number)]

Capacity = Annotated[
    WholeNumber | None,
    Body(
        description="Mentors only: how many mentees you take on, from 1 to 20 (the program's "
        "default when left out).",
    ),
]


@router.post(
    "/{slug}/enrol/",
    response=responses({201: MyEnrolmentOut}, 400, 403, 404, 409, 422),
    operation_id="programs_enrol",
)
def programs_enrol(
    request: HttpRequest, slug: str, role: Body[RoleName], capacity: Capacity = None
):
    """Join a program open for enrolment in one of its roles, as its page does: approved at
    once in an open program, an application for the coordinators to decide otherwise. Then
    answer its intake form (`PUT /programs/{slug}/intake/`)."""
    program = get_program_for_participant(request.auth, slug)
    enrolment = enrolment_services.enrolment_apply(
        program=program, user=request.auth, role=role, capacity=capacity
    )
    return Status(201, enrolment)


# The intake form ---------------------------------------------------------------------------------


class IntakeQuestionOut(Schema):
    id: int
    label: str
    help_text: str
    kind: QuestionKindName
    profile_field: ProfileFieldName | None = Field(
        description="For profile-field questions: the part of your profile the answer fills in."
    )
    choices: list[str]
    min_value: float | None
    max_value: float | None
    required: bool
    answer: AnswerValue = Field(
        description="Your answer; for a profile field, your profile's current value. Weekly "
        "availability is set on the profile, never here."
    )


class IntakeOut(Schema):
    program: str
    role: RoleName
    capacity: int | None
    intake_completed_at: datetime | None
    questions: list[IntakeQuestionOut]


def _my_enrolment_for_intake(user: User, slug: str) -> Enrolment:
    """The caller's enrolment in the program (not declined nor withdrawn), with everything the
    intake form reads, as the intake page finds it; 404 for anyone else."""
    person = (
        User.objects.select_related("profile")
        .prefetch_related("profile__skills", "profile__interests", "availability")
        .get(pk=user.pk)
    )
    enrolment = get_object_or_404(
        Enrolment.objects.active().select_related("program").prefetch_related("answers"),
        program__slug=slug,
        user=person,
    )
    enrolment.user = person
    return enrolment


def _intake(enrolment: Enrolment) -> dict:
    saved = {answer.question_id: answer.value for answer in enrolment.answers.all()}
    questions = []
    for question in intake_questions(enrolment):
        if question.kind == QuestionKind.PROFILE:
            # As on the form: the profile is the source of truth, it may have changed since.
            answer = intake_answers.profile_value(enrolment.user, question.profile_field)
        else:
            answer = saved.get(question.pk)
        questions.append(
            {
                "id": question.pk,
                "label": question.label,
                "help_text": question.help_text,
                "kind": question.kind,
                "profile_field": question.profile_field or None,
                "choices": question.choices,
                "min_value": question.min_value,
                "max_value": question.max_value,
                "required": question.required,
                "answer": answer,
            }
        )
    return {
        "program": enrolment.program.slug,
        "role": enrolment.role,
        "capacity": enrolment.capacity,
        "intake_completed_at": enrolment.intake_completed_at,
        "questions": questions,
    }


@router.get("/{slug}/intake/", response=responses({200: IntakeOut}, 404), operation_id="intake_get")
def intake_get(request: HttpRequest, slug: str):
    """Your role's intake questions in this program, each with your answer."""
    return _intake(_my_enrolment_for_intake(request.auth, slug))


@router.put(
    "/{slug}/intake/",
    response=responses({200: IntakeOut}, 400, 403, 404, 422),
    operation_id="intake_submit",
)
def intake_submit(
    request: HttpRequest,
    slug: str,
    answers: Annotated[
        AnswerMap,
        Body(
            description="Question id → answer: a choice's text, a list of choices, a number, "
            "a text; a question left out counts as unanswered. Checked exactly as the intake "
            "form checks it; a problem names the question as `answers.<id>`.",
        ),
    ],
    capacity: Capacity = None,
):
    """Save all your answers at once, as the intake form does: all or nothing. Profile-field
    answers update your profile too."""
    enrolment = _my_enrolment_for_intake(request.auth, slug)
    asked = {question.pk for question in intake_questions(enrolment)}
    unknown = sorted(set(answers) - asked)
    if unknown:
        raise ValidationError(
            {
                f"answers.{pk}": _("This program does not ask you a question with this id.")
                for pk in unknown
            }
        )
    try:
        answers_save(enrolment=enrolment, raw_answers=answers, capacity=capacity)
    except ValidationError as error:
        # The service keys its errors by question id, as the form's fields are keyed.
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                (f"answers.{key}" if isinstance(key, int) else key): messages
                for key, messages in error.error_dict.items()
            }
        ) from None
    return _intake(_my_enrolment_for_intake(request.auth, slug))


# A participant's answers, for the program's coordinators -----------------------------------------


class AnswerOut(Schema):
    question_id: int
    label: str
    kind: QuestionKindName
    value: AnswerValue


class EnrolmentAnswersOut(Schema):
    enrolment_id: int
    name: str
    role: RoleName
    intake_completed_at: datetime | None
    answers: list[AnswerOut] = Field(
        description="Every question of the person's role but the sensitive ones, in order."
    )
    sensitive_hidden: bool = Field(
        description="Whether sensitive questions (used only in aggregate) were left out."
    )


@router.get(
    "/{slug}/enrolments/{enrolment_id}/answers/",
    response=responses({200: EnrolmentAnswersOut}, 404, 422),
    operation_id="enrolments_answers",
)
def enrolments_answers(request: HttpRequest, slug: str, enrolment_id: int):
    """One participant's intake answers, as the participant page shows them to the program's
    coordinators: never the answers to sensitive questions. 404 for anyone else."""
    program = get_program_for_coordinator(request.auth, slug)
    enrolment = get_object_or_404(program.enrolments.select_related("user"), pk=enrolment_id)
    saved = {answer.question_id: answer.value for answer in enrolment.answers.all()}
    questions = list(program.questions.filter(role=enrolment.role).order_by("position", "id"))
    return {
        "enrolment_id": enrolment.pk,
        "name": enrolment.user.display_name,
        "role": enrolment.role,
        "intake_completed_at": enrolment.intake_completed_at,
        "answers": [
            {
                "question_id": question.pk,
                "label": question.label,
                "kind": question.kind,
                "value": saved.get(question.pk),
            }
            for question in questions
            if not question.sensitive
        ],
        "sensitive_hidden": any(question.sensitive for question in questions),
    }
