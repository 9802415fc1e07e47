"""Check-in and kudos pages.

Members: their check-in page (the form for the current period and their own past check-ins —
never the other member's) and the kudos page. Coordinators: the program's check-ins (moods,
dates, help flags; the words only of a check-in that asked for contact) and marking a request
for help handled. Everyone else gets a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.audit.services import record_many
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.mentorships.policy import get_member_workspace, is_read_only
from lodestar.mentorships.states import HOLDS_A_SEAT, MentorshipStatus
from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator

from .checkins import TEXT_MAX, checkin_due, checkin_help_handle, checkin_submit
from .kudos import kudos_send
from .models import KUDOS_MAX, CheckIn, Kudos, Mood

PAGE_SIZE = 50
HISTORY = 50


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=gettext_lazy("How is your mentorship going?"),
        choices=Mood.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    progress = forms.CharField(
        label=gettext_lazy("What went well, what did you make progress on?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    blockers = forms.CharField(
        label=gettext_lazy("Is anything in the way?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wants_contact = forms.BooleanField(
        label=gettext_lazy("I would like the coordinator to get in touch"),
        required=False,
        help_text=gettext_lazy(
            "The program’s coordinators are told at once and may then read this check-in. "
            "Otherwise they see only how it is going (1 to 5), never your words."
        ),
    )


class KudosForm(forms.Form):
    to_user = forms.TypedChoiceField(label=gettext_lazy("To"), coerce=int)
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=KUDOS_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": KUDOS_MAX}),
        help_text=gettext_lazy("Up to 280 characters."),
    )

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.others = {u.pk: u for u in others}
        self.fields["to_user"].choices = [(u.pk, u.display_name) for u in others]
        if len(others) == 1:
            self.fields["to_user"].initial = others[0].pk


# --- members --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin_submit(mentorship=mentorship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["wants_contact"]:
                messages.success(
                    request,
                    _("Thank you for checking in. The coordinators were asked to get in touch."),
                )
            else:
                messages.success(request, _("Thank you for checking in."))
            return redirect("checkin", pk=mentorship.pk)
    due = checkin_due(mentorship, request.user)
    mine = CheckIn.objects.filter(mentorship=mentorship, user=request.user)[:HISTORY]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "engagement/checkin_form.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "form": form,
            "due": due,
            "can_write": not is_read_only(mentorship),
            "checkins": mine,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def kudos(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    others = [m.user for m in mentorship.memberships.all() if m.user_id != request.user.pk]
    form = KudosForm(request.POST or None, others=others)
    if request.method == "POST" and form.is_valid():
        try:
            kudos_send(
                mentorship=mentorship,
                by=request.user,
                to=form.others.get(form.cleaned_data["to_user"]),
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your kudos are on their way."))
            return redirect("kudos", pk=mentorship.pk)
    sent = Kudos.objects.filter(mentorship=mentorship).select_related("from_user", "to_user")
    return render(
        request,
        "engagement/kudos_list.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "form": form,
            "can_write": not is_read_only(mentorship) and bool(others),
            "page": Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page")),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- coordinators ---------------------------------------------------------------------------


def _latest(field: str):
    return Subquery(
        CheckIn.objects.filter(mentorship=OuterRef("mentorship"), user=OuterRef("user"))
        .order_by("-period_start", "-id")
        .values(field)[:1]
    )


@login_required
@require_GET
def program_checkins(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    # Open requests for help: the members asked to be contacted, so their words are shown.
    help_requests = list(
        CheckIn.objects.filter(
            mentorship__program=program, wants_contact=True, handled_at__isnull=True
        )
        .select_related("user")
        .order_by("created_at", "id")
    )
    record_many("concern_viewed", targets=help_requests, program=program, request=request)
    members = Membership.objects.select_related("user").annotate(
        latest_mood=_latest("mood"),
        latest_at=_latest("created_at"),
        latest_help=_latest("wants_contact"),
        latest_handled=_latest("handled_at"),
    )
    pairs = (
        Mentorship.objects.filter(program=program, status__in=HOLDS_A_SEAT)
        .exclude(status=MentorshipStatus.PROPOSED)
        .annotate(checkin_count=Count("checkins"))
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("pk")
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/checkin_program.html",
        {"program": program, "help_requests": help_requests, "page": page},
    )


@login_required
@require_POST
def checkin_handle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    found = get_object_or_404(CheckIn, pk=pk, mentorship__program=program, wants_contact=True)
    try:
        checkin_help_handle(checkin=found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The request from %(person)s is marked as handled.")
            % {"person": found.user.display_name},
        )
    return redirect("program_checkins", slug=program.slug)
