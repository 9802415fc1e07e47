from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import AvailabilityFormSet, ProfileForm
from .policy import can_see_email, get_person_for
from .selectors import person_page, profile_with_tags, weekly_availability
from .services import availability_replace, profile_update

WINDOWS_PREFIX = "windows"


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_with_tags(request.user)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": profile, "availability": weekly_availability(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: HttpRequest) -> HttpResponse:
    initial = [
        {"weekday": day.weekday, "start": window.start, "end": window.end}
        for day in weekly_availability(request.user)
        for window in day.windows
    ]
    formset = AvailabilityFormSet(request.POST or None, initial=initial, prefix=WINDOWS_PREFIX)
    if request.method == "POST" and formset.is_valid():
        try:
            availability_replace(user=request.user, windows=formset.windows())
        except ValidationError as error:
            formset.non_form_errors().extend(error.messages)
        else:
            messages.success(request, _("Your weekly availability is saved."))
            return redirect("profile")
    return render(
        request,
        "accounts/availability_edit.html",
        {"formset": formset, "prefix": WINDOWS_PREFIX},
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    context = person_page(person)
    context["show_email"] = can_see_email(request.user, person)
    return render(request, "accounts/person_detail.html", context)
