"""Invitations: coordinators send and revoke them; invited people accept, with or without an account."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lodestar.accounts.models import User

from ..forms import add_service_errors
from ..forms.invitations import (
    InvitationBatchForm,
    InvitationSetPasswordForm,
    InvitationSignupForm,
)
from ..models import Enrolment, Invitation, Role
from ..policy import get_program_for_coordinator
from ..services import invitations as invitation_services

PAGE_SIZE = 50
# The account was proven by the invitation link, not by a password check: any backend that
# can load the user by id will do.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = InvitationBatchForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitation_services.invitation_create_many(
                program=program,
                emails=form.cleaned_data["emails"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                capacity=form.cleaned_data.get("capacity"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "We sent %(count)d invitation.", "We sent %(count)d invitations.", len(sent)
                )
                % {"count": len(sent)},
            )
            return redirect("invitation_list", slug=program.slug)
    invitations = program.invitations.select_related("accepted_by").order_by("-created_at", "-pk")
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/invitation_list.html",
        {"program": program, "form": form, "page": page},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    invitation = get_object_or_404(program.invitations.select_related("program"), pk=pk)
    try:
        invitation_services.invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s no longer works.") % {"email": invitation.email},
        )
    return redirect("invitation_list", slug=program.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens; who the visitor is decides what it asks of them."""
    invitation = Invitation.objects.select_related("program").by_token(token).first()
    if invitation is None:
        return _unusable(request, "unknown")
    problem = invitation_services.invitation_problem(invitation)
    if problem is not None:
        return _unusable(request, problem, invitation)
    if request.user.is_authenticated:
        return _accept_as(request, invitation, request.user)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is None:
        return _accept_with_new_account(request, invitation)
    if not account.is_active:
        return _unusable(request, "inactive", invitation, status=403)
    if account.has_usable_password():
        return _page(request, invitation, "log_in")
    return _accept_with_new_password(request, invitation)


def _accept_as(request: HttpRequest, invitation: Invitation, user) -> HttpResponse:
    errors = []
    if request.method == "POST":
        try:
            enrolment = invitation_services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            errors = error.messages
        else:
            return _welcome(request, enrolment)
    return _page(
        request,
        invitation,
        "confirm",
        errors=errors,
        someone_else=user.email.lower() != invitation.email.lower(),
    )


def _accept_with_new_account(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitationSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, enrolment = invitation_services.invitation_signup(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            return _welcome(request, enrolment)
    return _page(request, invitation, "sign_up", form=form)


def _accept_with_new_password(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitationSetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, enrolment = invitation_services.invitation_set_password(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            return _welcome(request, enrolment)
    return _page(request, invitation, "set_password", form=form)


def _welcome(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    messages.success(
        request,
        _("Welcome to %(program)s! Answer the intake form so we can match you well.")
        % {"program": enrolment.program.name},
    )
    return redirect("intake_form", slug=enrolment.program.slug)


def _page(request: HttpRequest, invitation: Invitation, step: str, **context) -> HttpResponse:
    return render(
        request,
        "programs/invitation_accept.html",
        {
            "invitation": invitation,
            "program": invitation.program,
            "role_label": Role(invitation.role).label,
            "step": step,
            **context,
        },
    )


def _unusable(
    request: HttpRequest, reason: str, invitation: Invitation | None = None, status: int = 404
) -> HttpResponse:
    return render(
        request,
        "programs/invitation_unusable.html",
        {"reason": reason, "invitation": invitation},
        status=status,
    )


urlpatterns = [
    path("coordinate/<slug:slug>/invitations/", invitation_list, name="invitation_list"),
    path(
        "coordinate/<slug:slug>/invitations/<int:pk>/revoke/",
        invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitation_accept, name="invitation_accept"),
]
