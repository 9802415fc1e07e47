"""The closure pages: one mentorship's closure (start it, reflect, read the notes of thanks,
reopen), the certificate, and a program's closures for its coordinators (with the bulk close at
the end of a cohort).

Every write is a POST that calls one service in closure.py; what each person may read is decided
by the policy functions (policy.py), the page only lays it out.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Program, Role
from lodestar.programs.policy import get_program_for_coordinator, is_coordinator

from . import closure as services
from . import selectors
from .closure_forms import BulkCloseForm, ClosureStartForm, ReflectionForm
from .models import Closure, Membership, Mentorship, Reflection, Transition
from .policy import (
    can_read_gratitude,
    can_read_reason_note,
    can_read_reflection,
    can_reopen_closure,
    can_start_closure,
    get_certificate_for,
    get_workspace_for,
)
from .states import FINISHED, MentorshipStatus

PAGE_SIZE = 50


def _refused(request: HttpRequest, error: ValidationError, to: str, *args) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect(to, *args)


def _closure_of(mentorship: Mentorship) -> Closure | None:
    return (
        Closure.objects.filter(mentorship=mentorship)
        .select_related("started_by", "reopened_by")
        .first()
    )


# One mentorship's closure --------------------------------------------------------------------


@dataclass
class Seen:
    """One reflection as this viewer may read it: the whole of it, or only its note of thanks."""

    reflection: Reflection
    member: Membership
    whole: bool
    thanks: bool


@dataclass
class ClosureState:
    closure: Closure | None
    is_open: bool = False
    is_finished: bool = False
    reopened: bool = False
    reflected: list[tuple[Membership, bool]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    mine: Reflection | None = None
    draft: Reflection | None = None


def _state(user, mentorship: Mentorship, coordinates: bool) -> ClosureState:
    closure = _closure_of(mentorship)
    if closure is None:
        return ClosureState(closure=None)
    status = mentorship.status
    every = list(closure.reflections.all())
    current = services.current_reflections(closure, every)
    by_user = {r.user_id: r for r in current}
    members = selectors.mentors_first(mentorship.memberships.all())
    state = ClosureState(
        closure=closure,
        is_open=status == MentorshipStatus.CLOSING,
        is_finished=status in FINISHED and closure.finished_at is not None,
        reopened=status not in FINISHED and status != MentorshipStatus.CLOSING,
        reflected=[(m, m.user_id in by_user) for m in members],
        mine=by_user.get(user.pk),
        draft=next((r for r in every if r.user_id == user.pk), None),
    )
    for member in members:
        reflection = by_user.get(member.user_id)
        if reflection is None or state.reopened:
            continue
        whole = can_read_reflection(user, mentorship, reflection, coordinates)
        thanks = bool(reflection.gratitude) and can_read_gratitude(
            user, mentorship, reflection, coordinates
        )
        if whole or thanks:
            state.seen.append(Seen(reflection, member, whole, thanks))
    return state


@login_required
@require_GET
def closure(request: HttpRequest, pk: int) -> HttpResponse:
    return _closure_page(request, get_workspace_for(request.user, pk))


def _closure_page(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    start_form: ClosureStartForm | None = None,
    reflection_form: ReflectionForm | None = None,
) -> HttpResponse:
    user = request.user
    program = mentorship.program
    coordinates = is_coordinator(user, program)
    mine = selectors.membership_of(mentorship, user)
    state = _state(user, mentorship, coordinates)
    can_start = (
        can_start_closure(user, mentorship, coordinates) and mentorship.status in services.CLOSABLE
    )
    if can_start and start_form is None:
        start_form = ClosureStartForm(coordinator=coordinates)
    if mine is not None and state.is_open and reflection_form is None:
        reflection_form = ReflectionForm(initial=_initial(state.draft))
    closure = state.closure
    form_shown = mine is not None and state.is_open
    return render(
        request,
        "mentorships/closure_page.html",
        {
            "mentorship": mentorship,
            "program": program,
            "members": selectors.mentors_first(mentorship.memberships.all()),
            "mine": mine,
            "is_coordinator": coordinates,
            "state": state,
            "closure": closure,
            "start_form": start_form if can_start else None,
            "reflection_form": reflection_form if form_shown else None,
            # Notes of thanks of reflections not shown whole below.
            "thanks": [s for s in state.seen if s.thanks and not s.whole],
            # Whole reflections: a coordinator reads them all; a member their own, once the
            # form that holds it is gone.
            "reflections": [
                s for s in state.seen if s.whole and not (form_shown and s.member == mine)
            ],
            "show_reason_note": closure is not None
            and closure.reason_note
            and can_read_reason_note(user, mentorship, closure, coordinates),
            "can_reopen": closure is not None
            and can_reopen_closure(user, mentorship, coordinates)
            and services.can_reopen(closure, mentorship),
            "reopen_deadline": services.reopen_deadline(closure) if closure else None,
            "survey_url": services.pending_survey_url(user, mentorship) if mine else None,
            "certificate_url": reverse("mentorship_certificate", args=[mentorship.pk])
            if mine is not None and mentorship.status == MentorshipStatus.COMPLETED
            else None,
            "new_mentor_url": _new_mentor_url(program, mine, state),
        },
    )


def _initial(reflection: Reflection | None) -> dict:
    if reflection is None:
        return {}
    names = ("accomplishments", "learned", "differently", "gratitude", "transition")
    return {name: getattr(reflection, name) for name in names}


def _new_mentor_url(program: Program, mine: Membership | None, state: ClosureState) -> str | None:
    """Where a mentee who asked for a new mentor goes next, in a program where mentees choose:
    the recommendations (elsewhere the coordinators see the wish on their closures page)."""
    wants = state.mine is not None and state.mine.transition == Transition.NEW_MENTOR
    if not (wants and state.is_finished and mine is not None and mine.role == Role.MENTEE):
        return None
    if not program.mentees_choose:
        return None
    return reverse("mentor_recommendations", args=[program.slug])


@login_required
@require_POST
def closure_start(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_workspace_for(request.user, pk)
    coordinates = is_coordinator(request.user, mentorship.program)
    form = ClosureStartForm(request.POST, coordinator=coordinates)
    if form.is_valid():
        try:
            services.closure_start(
                mentorship=mentorship,
                by=request.user,
                reason=form.cleaned_data["reason"],
                reason_note=form.cleaned_data["reason_note"],
                outcome=form.cleaned_data.get("outcome") or None,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "mentorship_closure", mentorship.pk)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The mentorship is closing. Everyone has been asked for a reflection; it "
                    "ends once all have written theirs."
                ),
            )
            return redirect("mentorship_closure", pk=mentorship.pk)
    return _closure_page(request, get_workspace_for(request.user, pk), start_form=form)


@login_required
@require_POST
def reflection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_workspace_for(request.user, pk)
    closure = _closure_of(mentorship)
    if closure is None or selectors.membership_of(mentorship, request.user) is None:
        raise Http404
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.reflection_submit(closure=closure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "mentorship_closure", mentorship.pk)
            add_service_errors(form, error)
        else:
            status = Mentorship.objects.values_list("status", flat=True).get(pk=mentorship.pk)
            if status == MentorshipStatus.CLOSING:
                messages.success(
                    request,
                    _(
                        "Thank you: your reflection is saved. You can change it until everyone "
                        "has written theirs."
                    ),
                )
            else:
                messages.success(
                    request, _("Thank you: everyone has reflected, and the mentorship is closed.")
                )
            return redirect("mentorship_closure", pk=mentorship.pk)
    return _closure_page(request, get_workspace_for(request.user, pk), reflection_form=form)


@login_required
@require_POST
def closure_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_workspace_for(request.user, pk)
    closure = _closure_of(mentorship)
    if closure is None:
        raise Http404
    if request.POST.get("next") == "list":
        back = ("program_closures", mentorship.program.slug)
    else:
        back = ("mentorship_closure", mentorship.pk)
    try:
        services.closure_reopen(closure=closure, by=request.user)
    except ValidationError as error:
        return _refused(request, error, *back)
    messages.success(request, _("The mentorship is active again; its members have been told."))
    return redirect(*back)


# The certificate -----------------------------------------------------------------------------


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship, membership = get_certificate_for(request.user, pk)
    members = selectors.mentors_first(mentorship.memberships.all())
    return render(
        request,
        "mentorships/certificate.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "membership": membership,
            "mentoring": membership.role == Role.MENTOR,
            "others": [m for m in members if m.user_id != request.user.pk],
            **services.certificate_facts(mentorship, membership),
        },
    )


# A program's closures, for its coordinators --------------------------------------------------


@dataclass
class Row:
    closure: Closure
    members: list[tuple[Membership, Reflection | None]]
    wants_new_mentor: bool
    can_reopen: bool


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "memberships", queryset=Membership.objects.select_related("user").order_by("-role", "id")
    )


def _rows(closures: list[Closure]) -> list[Row]:
    rows = []
    for closure in closures:
        mentorship = closure.mentorship
        by_user = {
            r.user_id: r for r in services.current_reflections(closure, closure.reflections.all())
        }
        members = [(m, by_user.get(m.user_id)) for m in mentorship.memberships.all()]
        rows.append(
            Row(
                closure=closure,
                members=members,
                wants_new_mentor=any(
                    r is not None and r.transition == Transition.NEW_MENTOR for _m, r in members
                ),
                can_reopen=services.can_reopen(closure, mentorship),
            )
        )
    return rows


def _running(program: Program):
    return (
        Mentorship.objects.filter(program=program, status__in=services.CLOSABLE)
        .prefetch_related(_members_prefetch())
        .order_by("pk")
    )


@login_required
@require_GET
def program_closures(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return _closures_page(request, program)


def _closures_page(
    request: HttpRequest, program: Program, *, bulk_form: BulkCloseForm | None = None
) -> HttpResponse:
    closures = (
        Closure.objects.filter(mentorship__program=program)
        .select_related("mentorship", "started_by", "reopened_by")
        .prefetch_related(
            Prefetch("mentorship__memberships", queryset=_members_prefetch().queryset),
            "reflections",
        )
        .order_by("-started_at", "-pk")
    )
    page = Paginator(closures, PAGE_SIZE).get_page(request.GET.get("page"))
    if bulk_form is None:
        bulk_form = BulkCloseForm(running=_running(program))
        # Everything running is chosen to begin with: closing a whole cohort is the usual case.
        running = bulk_form.fields["mentorships"].queryset
        bulk_form.initial = {"mentorships": [m.pk for m in running]}
    return render(
        request,
        "mentorships/closure_list.html",
        {
            "program": program,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "bulk_form": bulk_form,
            "running_count": len(bulk_form.fields["mentorships"].queryset),
        },
    )


@login_required
@require_POST
def program_closures_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = BulkCloseForm(request.POST, running=_running(program))
    if not form.is_valid():
        return _closures_page(request, program, bulk_form=form)
    chosen = list(form.cleaned_data["mentorships"])
    if not form.cleaned_data["confirmed"]:
        return render(
            request,
            "mentorships/closure_bulk_confirm.html",
            {"program": program, "chosen": chosen},
        )
    try:
        count = services.closures_bulk_start(program=program, by=request.user, mentorships=chosen)
    except ValidationError as error:
        return _refused(request, error, "program_closures", program.slug)
    messages.success(
        request,
        ngettext(
            "%(count)s mentorship is closing; its members have been asked for a reflection.",
            "%(count)s mentorships are closing; their members have been asked for a reflection.",
            count,
        )
        % {"count": count},
    )
    return redirect("program_closures", slug=program.slug)
