"""Privacy pages: the public policy, a person's own data (download, erase), a site admin's
erasure on request, and a site admin's recorded access to a conversation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import User
from lodestar.messaging.models import Concern
from lodestar.programs.forms import add_service_errors

from .access import (
    access_hours,
    conversation_access_open,
    current_access,
    get_mentorship_for_admin,
    require_site_admin,
    thread_for_admin,
)
from .erasure import CONFIRMATION_WORD, account_erase
from .export import data_export
from .forms import AccessForm, EraseForm, StaffEraseForm


@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/policy.html",
        {
            "access_hours": access_hours(),
            "audit_keep_days": settings.AUDIT_KEEP_DAYS,
            "email_keep_days": settings.EMAIL_KEEP_DAYS,
        },
    )


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/my_data.html",
        {"form": EraseForm(user=request.user), "word": CONFIRMATION_WORD},
    )


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    content, content_type, filename = data_export(user=request.user, fmt=fmt, request=request)
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Sent in chunks from the temporary file, which the response closes (and so deletes).
    return FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)


@login_required
@never_cache
@require_GET
def export_json_view(request: HttpRequest) -> HttpResponse:
    return _download(request, "json")


@login_required
@never_cache
@require_GET
def export_zip_view(request: HttpRequest) -> HttpResponse:
    return _download(request, "zip")


@login_required
@require_POST
def erase_view(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            account_erase(user=request.user, by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request,
                _("Your account is erased. What you wrote is gone; thank you for taking part."),
            )
            return redirect("home")
    context = {"form": form, "word": CONFIRMATION_WORD}
    return render(request, "privacy/my_data.html", context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def staff_erase(request: HttpRequest) -> HttpResponse:
    require_site_admin(request.user)
    form = StaffEraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if user is None:
                form.add_error("email", _("No account has this email address."))
            else:
                try:
                    account_erase(
                        user=user,
                        by=request.user,
                        request=request,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                except PermissionDenied:
                    raise Http404 from None
                else:
                    messages.success(request, _("The account #%(pk)s is erased.") % {"pk": user.pk})
                    return redirect("privacy_staff_erase")
    context = {"form": form, "word": CONFIRMATION_WORD}
    return render(request, "privacy/staff_erase.html", context, status=status)


def _concern(request: HttpRequest, mentorship) -> Concern | None:
    pk = request.GET.get("concern") or request.POST.get("concern")
    if not pk or not str(pk).isdigit():
        return None
    return Concern.objects.filter(pk=int(pk), mentorship=mentorship).first()


@never_cache
@require_http_methods(["GET", "POST"])
def conversation_access(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_admin(request.user, pk)
    concern = _concern(request, mentorship)
    form = AccessForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                conversation_access_open(
                    admin=request.user,
                    mentorship=mentorship,
                    reason=form.cleaned_data["reason"],
                    concern=concern,
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("privacy_conversation_read", pk=mentorship.pk)
    context = {
        "form": form,
        "mentorship": mentorship,
        "concern": concern,
        "members": [m.user for m in mentorship.memberships.select_related("user")],
        "access_hours": access_hours(),
    }
    return render(request, "privacy/access_form.html", context, status=status)


@never_cache
@require_GET
def conversation_read(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_admin(request.user, pk)
    access = current_access(admin=request.user, mentorship=mentorship)
    if access is None:
        return redirect("privacy_conversation_access", pk=mentorship.pk)
    thread = thread_for_admin(admin=request.user, mentorship=mentorship)
    context = {"mentorship": mentorship, "access": access, "thread": thread}
    return render(request, "privacy/access_thread.html", context)
