"""Self-match pages: a mentee's ranked mentors and list of next choices, sending a request,
a person's requests, and one request with its questions and answers.

Who sees a request: the mentee, the mentor, and the program's coordinators — read-only and
without the messages (status and dates only). Everyone else gets a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import Seniority
from lodestar.accounts.selectors import language_names
from lodestar.mentorships.services import mentorship_url
from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Enrolment, ProfileField, Program, QuestionKind, Role
from lodestar.programs.policy import get_program_for_participant
from lodestar.programs.states import EnrolmentStatus

from ..models import Choice, MentorshipRequest
from ..recommendations import (
    PAGE_SIZE,
    current_mentorship,
    explain_options,
    filter_options,
    mentee_choices,
    mentee_requests,
    mentor_option,
    open_first,
    recommend_mentors,
)
from ..services import choices as choice_services
from ..services import requests as services
from ..services.requests import MESSAGE_MAX
from ..states import RequestStatus

LIST_PAGE_SIZE = 25
ALL_MENTORS, WITH_SEAT = "all", "open"


# Forms -----------------------------------------------------------------------------------


class MentorFilterForm(forms.Form):
    """The recommendations' filters; a value that is not valid is ignored, not an error."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    seats = forms.ChoiceField(
        label=gettext_lazy("Seats"),
        required=False,
        choices=[
            (WITH_SEAT, gettext_lazy("Only mentors with a seat")),
            (ALL_MENTORS, gettext_lazy("All mentors, full ones too")),
        ],
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *languages]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "language": cleaned.get("language") or "",
            "with_seat": cleaned.get("seats") != ALL_MENTORS,
            "text": cleaned.get("q") or "",
        }


def _text_field(label) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class RequestForm(forms.Form):
    message = _text_field(gettext_lazy("Your message to the mentor"))
    message.help_text = gettext_lazy(
        "Who you are, what you hope to learn, and why this mentor. Up to 2000 characters."
    )


class AskForm(forms.Form):
    body = _text_field(gettext_lazy("Your question to the mentee"))


class ReplyForm(forms.Form):
    body = _text_field(gettext_lazy("Your answer"))


class DeclineForm(forms.Form):
    reason = _text_field(gettext_lazy("Why you decline (the mentee reads this)"))


# Access ----------------------------------------------------------------------------------


def _my_mentee_enrolment(user, program: Program) -> Enrolment:
    """The viewer's approved mentee enrolment in a program where mentees choose; else 404."""
    if not program.mentees_choose:
        raise Http404
    enrolment = (
        Enrolment.objects.filter(
            program=program, user=user, role=Role.MENTEE, status=EnrolmentStatus.APPROVED
        )
        .select_related("program", "user")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def visible_requests(user):
    """Requests a person may open: their own (either side), and those of programs they
    coordinate."""
    if not user.is_authenticated:
        return MentorshipRequest.objects.none()
    if user.is_superuser:
        return MentorshipRequest.objects.all()
    return MentorshipRequest.objects.filter(
        Q(mentee__user=user)
        | Q(mentor__user=user)
        | Q(program__in=Program.objects.filter(coordinators=user))
    )


def get_request_for(user, pk: int) -> MentorshipRequest:
    request = (
        visible_requests(user)
        .select_related("program", "mentee__user__profile", "mentor__user__profile", "mentorship")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _role_of(user, request: MentorshipRequest) -> str:
    if request.mentee.user_id == user.pk:
        return Role.MENTEE
    if request.mentor.user_id == user.pk:
        return Role.MENTOR
    return "coordinator"


# Recommendations and choices -------------------------------------------------------------


@login_required
@require_GET
def mentor_recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_participant(request.user, slug)
    mentee = _my_mentee_enrolment(request.user, program)
    mentorship = current_mentorship(mentee)
    context = {
        "program": program,
        "mentee": mentee,
        "mentorship": mentorship,
        "mentorship_url": mentorship_url(mentorship) if mentorship else "",
        "my_requests": _mark_past_expiry(mentee_requests(mentee)),
        "choices": mentee_choices(mentee) if program.forward_requests else [],
        "max_choices": choice_services.MAX_CHOICES,
    }
    if mentorship is None:
        found = recommend_mentors(mentee=mentee)
        form = MentorFilterForm(request.GET, languages=found.languages())
        filters = form.filters()
        shown = filter_options(found.options, **filters)
        page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
        explain_options(found, list(page.object_list))
        context |= {
            "found": found,
            "form": form,
            "page": page,
            "filtered": bool(filters["language"] or filters["text"] or not filters["with_seat"]),
            "full_hidden": filters["with_seat"] and any(o.full for o in found.options),
            "open_count": sum(services.is_acceptable(r) for r in context["my_requests"]),
        }
    return render(request, "matches/recommend_list.html", context)


@login_required
@require_POST
def mentor_choices(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a mentor to the list of next choices, remove one, or move one up or down."""
    program = get_program_for_participant(request.user, slug)
    mentee = _my_mentee_enrolment(request.user, program)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            mentor = get_object_or_404(
                Enrolment.objects.select_related("user"),
                program=program,
                role=Role.MENTOR,
                pk=_int(request.POST.get("mentor")),
            )
            choice_services.choice_add(mentee=mentee, mentor=mentor, by=request.user)
            messages.success(
                request,
                _("%(name)s is on your list of next choices.") % {"name": mentor.user.display_name},
            )
        elif action in ("remove", choice_services.UP, choice_services.DOWN):
            choice = get_object_or_404(
                Choice.objects.select_related("mentee", "mentor__user"),
                mentee=mentee,
                pk=_int(request.POST.get("choice")),
            )
            if action == "remove":
                choice_services.choice_remove(choice=choice, by=request.user)
                messages.success(
                    request,
                    _("%(name)s is off your list.") % {"name": choice.mentor.user.display_name},
                )
            else:
                choice_services.choice_move(choice=choice, by=request.user, direction=action)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("mentor_recommendations", args=[program.slug]) + "#choices")


# Sending a request -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_participant(request.user, slug)
    mentee = _my_mentee_enrolment(request.user, program)
    mentor = get_object_or_404(
        Enrolment.objects.select_related("user__profile", "program"),
        program=program,
        role=Role.MENTOR,
        status=EnrolmentStatus.APPROVED,
        pk=pk,
    )
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.request_create(
                mentee=mentee,
                mentor=mentor,
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is on its way to %(name)s. We will email you their answer.")
                % {"name": mentor.user.display_name},
            )
            return redirect("request_detail", pk=sent.pk)
    return render(
        request,
        "matches/request_new.html",
        {
            "program": program,
            "option": mentor_option(mentee=mentee, mentor=mentor),
            "form": form,
            "mentorship": current_mentorship(mentee),
        },
    )


# A person's requests ---------------------------------------------------------------------


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    base = MentorshipRequest.objects.select_related("program").order_by(
        open_first(), "-created_at", "-pk"
    )
    sent = base.filter(mentee__user=request.user).select_related("mentor__user")
    received = base.filter(mentor__user=request.user).select_related("mentee__user")
    pages = {
        "sent": Paginator(sent, LIST_PAGE_SIZE).get_page(request.GET.get("sent")),
        "received": Paginator(received, LIST_PAGE_SIZE).get_page(request.GET.get("received")),
    }
    for found in pages.values():
        found.object_list = _mark_past_expiry(found.object_list)
    return render(request, "matches/request_list.html", pages)


def _mark_past_expiry(requests):
    """Flag the open requests whose time is up: they show as expired, and no one can accept
    them, before the expiry run gets to them."""
    requests = list(requests)
    now = timezone.now()
    for found in requests:
        found.past_expiry = found.status == RequestStatus.OPEN and not services.is_acceptable(
            found, now
        )
    return requests


# One request -----------------------------------------------------------------------------


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    return _detail(request, found)


def _detail(
    request: HttpRequest, found: MentorshipRequest, *, bound: dict | None = None
) -> HttpResponse:
    role = _role_of(request.user, found)
    open_ = services.is_acceptable(found)
    context = {
        "req": found,
        "program": found.program,
        "role": role,
        "is_open": open_,
        "past_expiry": found.status == RequestStatus.OPEN and not open_,
        "is_coordinator_view": role == "coordinator",
        "mentorship_url": mentorship_url(found.mentorship) if found.mentorship_id else "",
    }
    if role == "coordinator":
        # Read-only, and no message contents: status and dates only.
        return render(request, "matches/request_detail.html", context)
    thread = list(found.messages.select_related("author"))
    context |= {
        "thread": thread,
        "ask_form": AskForm() if role == Role.MENTOR and open_ else None,
        "reply_form": ReplyForm()
        if role == Role.MENTEE and open_ and any(m.author_id != request.user.pk for m in thread)
        else None,
        "decline_form": DeclineForm() if role == Role.MENTOR and open_ else None,
        "can_accept": role == Role.MENTOR and open_,
        "can_withdraw": role == Role.MENTEE and found.status == RequestStatus.OPEN,
    }
    if role == Role.MENTOR:
        context |= _mentee_summary(found.mentee)
    context |= bound or {}
    return render(request, "matches/request_detail.html", context)


def _mentee_summary(mentee: Enrolment) -> dict:
    """What the mentor reads about the mentee: their profile and the intake answers that are
    not sensitive."""
    profile = mentee.user.profile
    answers = {answer.question_id: answer.value for answer in mentee.answers.all()}
    questions = mentee.program.questions.filter(role=Role.MENTEE, sensitive=False).order_by(
        "position", "id"
    )
    return {
        "mentee_profile": profile,
        "mentee_languages": language_names(list(profile.languages or [])),
        "mentee_skills": list(profile.skills.all()),
        "mentee_interests": list(profile.interests.all()),
        "mentee_seniority": profile.get_seniority_display() if profile.seniority else "",
        "mentee_answers": [
            (question.label, text)
            for question in questions
            if (text := _answer_text(question, answers.get(question.pk)))
        ],
    }


def _answer_text(question, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.PROFILE and question.profile_field == ProfileField.SENIORITY:
        try:
            return str(Seniority(int(value)).label)
        except (TypeError, ValueError):
            return str(value)
    if question.kind == QuestionKind.PROFILE and question.profile_field == ProfileField.LANGUAGES:
        return ", ".join(language_names([str(v) for v in value])) if isinstance(value, list) else ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@login_required
@require_POST
def request_ask(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            services.request_ask(request=found, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your question is sent; we will tell you the answer."))
            return redirect("request_detail", pk=found.pk)
    return _detail(request, found, bound={"ask_form": form})


@login_required
@require_POST
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.request_reply(request=found, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent."))
            return redirect("request_detail", pk=found.pk)
    return _detail(request, found, bound={"reply_form": form})


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.request_decline(
                request=found, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("You declined %(name)s’s request; we told them.")
                % {"name": found.mentee.user.display_name},
            )
            return redirect("request_detail", pk=found.pk)
    return _detail(request, found, bound={"decline_form": form})


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    try:
        mentorship = services.request_accept(request=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("request_detail", pk=found.pk)
    messages.success(
        request,
        _("You are now %(name)s’s mentor. Your mentorship has started.")
        % {"name": found.mentee.user.display_name},
    )
    return redirect(mentorship_url(mentorship))


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_request_for(request.user, pk)
    try:
        services.request_withdraw(request=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("request_detail", pk=found.pk)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


urlpatterns = [
    path("programs/<slug:slug>/mentors/", mentor_recommendations, name="mentor_recommendations"),
    path("programs/<slug:slug>/mentors/<int:pk>/request/", request_new, name="request_new"),
    path("programs/<slug:slug>/choices/", mentor_choices, name="mentor_choices"),
    path("requests/", my_requests, name="my_requests"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/ask/", request_ask, name="request_ask"),
    path("requests/<int:pk>/reply/", request_reply, name="request_reply"),
    path("requests/<int:pk>/accept/", request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
]
