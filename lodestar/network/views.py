"""Network pages: the directory and one's listing, introductions (list, one, answer, new from
a workspace), referrals (new from a workspace) and a program's counts for coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator

from . import selectors, services
from .forms import (
    AnswerForm,
    DirectorySearchForm,
    IntroductionForm,
    ListingForm,
    ReferralForm,
)
from .policy import get_mentor_workspace
from .states import Answer, IntroductionStatus

PAGE_SIZE = 25


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    terms = form.terms()
    listings = selectors.directory(request.user, **terms)
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "page": page,
            "searched": bool(terms),
            "my_listing": selectors.listing_of(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def directory_settings(request: HttpRequest) -> HttpResponse:
    listing = selectors.listing_of(request.user)
    form = ListingForm(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_listing_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["listed"]:
                messages.success(request, _("You are listed in the directory."))
            else:
                messages.success(request, _("You are not listed in the directory."))
            return redirect("directory_settings")
    return render(request, "network/directory_settings.html", {"form": form})


@login_required
@require_GET
def introductions(request: HttpRequest) -> HttpResponse:
    return render(request, "network/introductions.html", selectors.my_introductions(request.user))


def _seen_by(introduction, user) -> dict:
    """What this person may know: the introducer sees each answer until it is over (then only
    that it did not go ahead); the two invited people see their own answer, never the other's,
    so a decline stays private."""
    if user.pk == introduction.introducer_id:
        role = "introducer"
        mine = None
    elif user.pk == introduction.mentee_id:
        role, mine = "mentee", introduction.mentee_answer
    else:
        role, mine = "other", introduction.other_answer
    counterpart = introduction.other if role == "mentee" else introduction.mentee
    return {
        "role": role,
        "my_answer": mine,
        "counterpart": counterpart,
        "connected": introduction.status == IntroductionStatus.CONNECTED,
        "did_not_go_ahead": role == "introducer"
        and introduction.status == IntroductionStatus.DECLINED,
        "can_answer": mine == Answer.PENDING,
    }


@login_required
@require_GET
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = selectors.get_introduction_for(request.user, pk)
    return render(
        request,
        "network/introduction_detail.html",
        {"introduction": introduction, **_seen_by(introduction, request.user)},
    )


@login_required
@require_POST
def introduction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = selectors.get_introduction_for(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect("introduction_detail", pk=pk)
    try:
        introduction = services.introduction_answer(
            introduction=introduction, user=request.user, accept=form.cleaned_data["accept"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if introduction.status == IntroductionStatus.CONNECTED:
            messages.success(request, _("You are connected: you can now write to each other."))
        elif form.cleaned_data["accept"]:
            messages.success(request, _("Thank you: you will be connected once both agree."))
        else:
            messages.success(request, _("You declined. Nobody else is told who declined."))
    return redirect("introduction_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def introduction_new(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, mentees = get_mentor_workspace(request.user, pk)
    form = IntroductionForm(
        request.POST or None,
        mentees=mentees,
        people=selectors.introducible_people(request.user),
        initial={"other": request.GET.get("other")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_propose(
                mentorship=mentorship, introducer=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Introduction sent: both are asked, and connected once both agree.")
            )
            return redirect("introduction_detail", pk=introduction.pk)
    return render(
        request,
        "network/introduction_new.html",
        {"form": form, "mentorship": mentorship, "program": mentorship.program},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, mentees = get_mentor_workspace(request.user, pk)
    form = ReferralForm(request.POST or None, mentees=mentees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_create(
                mentorship=mentorship,
                referrer=request.user,
                mentee=data["mentee"],
                title=data["title"],
                organisation=data["organisation"],
                link=data["link"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral recorded: your mentee has been told."))
            return redirect("mentorship_detail", pk=mentorship.pk)
    return render(
        request,
        "network/referral_new.html",
        {"form": form, "mentorship": mentorship, "program": mentorship.program},
    )


@login_required
@require_GET
def program_network(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "network/program_network.html",
        {"program": program, **selectors.program_counts(program)},
    )
