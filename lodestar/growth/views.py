"""Pages of the resource library (a program's participants and coordinators; 404 for anyone
else), recommendations and feedback on work (a mentorship's members only; coordinators get a
404 here and see counts on the workspace and the program's resource statistics)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import User
from lodestar.core.uploads import download_response
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import get_member_workspace, is_read_only
from lodestar.mentorships.selectors import membership_of, mentors_first
from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Program, Role
from lodestar.programs.policy import get_program_for_coordinator

from . import selectors, services
from .forms import (
    CommentForm,
    FeedbackRequestForm,
    LibraryFilterForm,
    RecommendationUpdateForm,
    RecommendForm,
    ResourceForm,
)
from .models import Recommendation
from .policy import get_editable_resource, get_program_for_library, get_program_resource
from .states import FeedbackStatus

PAGE_SIZE = 20


# Access --------------------------------------------------------------------------------------


# The library ---------------------------------------------------------------------------------


@login_required
@require_GET
def resource_library(request: HttpRequest, slug: str) -> HttpResponse:
    program, rights = get_program_for_library(request.user, slug)
    filters = LibraryFilterForm(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    resources = selectors.library(
        program,
        query=wanted.get("q", ""),
        kind=wanted.get("kind", ""),
        tag=wanted.get("tag", ""),
        with_hidden=rights.coordinates,
    )
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/library.html",
        {
            "program": program,
            "page": page,
            "filters": filters,
            "tags": selectors.library_tags(program),
            "coordinates": rights.coordinates,
            "editable": {r.pk for r in page if rights.may_edit(r)},
            "can_add": rights.may_add,
            "can_recommend": rights.mentors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_add(request: HttpRequest, slug: str) -> HttpResponse:
    program, rights = get_program_for_library(request.user, slug)
    if not rights.may_add:
        raise Http404
    form = ResourceForm()
    if request.method == "POST":
        form = ResourceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                resource = services.resource_add(
                    program=program,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    url=data["url"],
                    description=data["description"],
                    tags=data["tags"],
                    file=data["file"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(
                    request, _("“%(title)s” was added to the library.") % {"title": resource.title}
                )
                return redirect("resource_library", slug=program.slug)
    return render(
        request,
        "growth/resource_form.html",
        {"program": program, "form": form, "resource": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program, _rights, resource = get_editable_resource(request.user, slug, pk)
    if request.method == "POST":
        form = ResourceForm(request.POST, with_file=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.resource_edit(
                    resource=resource,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    url=data["url"],
                    description=data["description"],
                    tags=data["tags"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("Resource updated."))
                return redirect("resource_library", slug=program.slug)
    else:
        form = ResourceForm(
            with_file=False,
            initial={
                "kind": resource.kind,
                "title": resource.title,
                "url": resource.url,
                "description": resource.description,
                "tags": [t.name for t in resource.tags.all()],
            },
        )
    return render(
        request,
        "growth/resource_form.html",
        {"program": program, "form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resource_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program, rights, resource = get_editable_resource(request.user, slug, pk)
    hidden = request.POST.get("hidden") == "1"
    try:
        services.resource_set_hidden(resource=resource, by=request.user, hidden=hidden)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        if not hidden:
            done = _("“%(title)s” is shown again.")
        elif rights.may_curate(resource):
            done = _("“%(title)s” is hidden.")
        else:
            done = _("“%(title)s” was withdrawn from the library.")
        flash.success(request, done % {"title": resource.title})
    return redirect("resource_library", slug=program.slug)


@login_required
@require_GET
def resource_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    program, rights = get_program_for_library(request.user, slug)
    resource = get_program_resource(program, pk, coordinates=rights.coordinates)
    if not resource.file_name:
        raise Http404
    return download_response(resource.file, resource.file_name, resource.file_type)


@login_required
@require_GET
def resource_stats(request: HttpRequest, slug: str) -> HttpResponse:
    """Most recommended and most completed resources: counts, never the notes."""
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "growth/resource_stats.html",
        {"program": program, "top": selectors.top_resources(program)},
    )


# Recommendations -----------------------------------------------------------------------------


def _recommend_targets(user, program: Program) -> dict[str, tuple[Mentorship, User]]:
    """The mentees of this mentor's still-writable mentorships in the program, keyed
    "<mentorship>-<user>" for the form."""
    mentorships = (
        Mentorship.objects.filter(
            program=program, memberships__user=user, memberships__role=Role.MENTOR
        )
        .prefetch_related("memberships__user")
        .distinct()
    )
    targets = {}
    for mentorship in mentorships:
        if is_read_only(mentorship):
            continue
        for member in mentorship.mentees:
            targets[f"{mentorship.pk}-{member.user_id}"] = (mentorship, member.user)
    return targets


@login_required
@require_http_methods(["GET", "POST"])
def resource_recommend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program, _rights = get_program_for_library(request.user, slug)
    resource = get_program_resource(program, pk, coordinates=False)
    targets = _recommend_targets(request.user, program)
    if not targets:
        raise Http404
    choices = [(key, user.display_name) for key, (_m, user) in targets.items()]
    form = RecommendForm(request.POST or None, targets=choices)
    if request.method == "POST" and form.is_valid():
        mentorship, mentee = targets[form.cleaned_data["to"]]
        try:
            services.recommendation_create(
                resource=resource,
                mentorship=mentorship,
                by=request.user,
                to=mentee,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                _("You recommended “%(title)s” to %(name)s.")
                % {"title": resource.title, "name": mentee.display_name},
            )
            return redirect("mentorship_resources", pk=mentorship.pk)
    return render(
        request,
        "growth/recommend.html",
        {"program": program, "resource": resource, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def mentorship_resources(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    read_only = is_read_only(mentorship)
    recommendations = selectors.pair_recommendations(mentorship)
    for rec in recommendations:
        rec.mine = rec.to_user_id == request.user.pk
        if rec.mine and not read_only:
            rec.form = RecommendationUpdateForm(
                initial={
                    "status": rec.status if rec.status != "new" else "saved",
                    "rating": rec.rating,
                },
                prefix=f"rec{rec.pk}",
            )
    return render(
        request,
        "growth/mentorship_resources.html",
        {
            "mentorship": mentorship,
            "members": mentors_first(mentorship.memberships.all()),
            "program": mentorship.program,
            "recommendations": recommendations,
            "read_only": read_only,
            "mine": membership_of(mentorship, request.user),
        },
    )


@login_required
@require_POST
def recommendation_update(request: HttpRequest, pk: int, rec: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("resource"), mentorship=mentorship, pk=rec
    )
    recommendation.mentorship = mentorship
    form = RecommendationUpdateForm(request.POST, prefix=f"rec{recommendation.pk}")
    if not form.is_valid():
        flash.error(request, _("Choose where you are with it, and a rating from 1 to 5."))
    else:
        try:
            services.recommendation_update(
                recommendation=recommendation,
                by=request.user,
                status=form.cleaned_data["status"],
                rating=form.cleaned_data["rating"],
            )
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("Saved."))
    return redirect("mentorship_resources", pk=mentorship.pk)


# Feedback on work ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    read_only = is_read_only(mentorship)
    mine = membership_of(mentorship, request.user)
    may_ask = not read_only and mine.role == Role.MENTEE
    form = FeedbackRequestForm() if may_ask else None
    if request.method == "POST":
        if not may_ask:
            flash.error(
                request, _("Only the mentees of an ongoing mentorship may ask for feedback.")
            )
            return redirect("feedback_list", pk=mentorship.pk)
        form = FeedbackRequestForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.feedback_request_create(
                    mentorship=mentorship,
                    by=request.user,
                    title=data["title"],
                    question=data["question"],
                    link=data["link"],
                    text=data["text"],
                    file=data["file"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("Your request for feedback was sent."))
                return redirect(services.feedback_url(created))
    return render(
        request,
        "growth/feedback_list.html",
        {
            "mentorship": mentorship,
            "members": mentors_first(mentorship.memberships.all()),
            "program": mentorship.program,
            "requests": selectors.pair_feedback_requests(mentorship),
            "form": form,
            "read_only": read_only,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _feedback(request: HttpRequest, pk: int, item: int):
    mentorship = get_member_workspace(request.user, pk)
    feedback = selectors.feedback_request_of(mentorship, item)
    if feedback is None:
        raise Http404
    return mentorship, feedback


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    mentorship, feedback = _feedback(request, pk, item)
    read_only = is_read_only(mentorship)
    mine = membership_of(mentorship, request.user)
    is_asker = feedback.requester_id == request.user.pk
    may_comment = (
        not read_only
        and feedback.status != FeedbackStatus.CLOSED
        and (mine.role == Role.MENTOR or is_asker)
    )
    form = CommentForm() if may_comment else None
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_comment_add(
                    request=feedback, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_service_errors(form, error)
                else:
                    flash.error(request, " ".join(error.messages))
                    return redirect(services.feedback_url(feedback))
            else:
                flash.success(request, _("Comment added."))
                return redirect(services.feedback_url(feedback))
    return render(
        request,
        "growth/feedback_detail.html",
        {
            "mentorship": mentorship,
            "members": mentors_first(mentorship.memberships.all()),
            "program": mentorship.program,
            "feedback": feedback,
            "form": form,
            "may_close": not read_only and is_asker and feedback.status != FeedbackStatus.CLOSED,
            "read_only": read_only,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def feedback_close(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    _mentorship, feedback = _feedback(request, pk, item)
    try:
        services.feedback_request_close(request=feedback, by=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("Request closed."))
    return redirect(services.feedback_url(feedback))


@login_required
@require_GET
def feedback_file(request: HttpRequest, pk: int, item: int) -> FileResponse:
    _mentorship, feedback = _feedback(request, pk, item)
    if not feedback.file_name:
        raise Http404
    return download_response(feedback.file, feedback.file_name, feedback.file_type)
