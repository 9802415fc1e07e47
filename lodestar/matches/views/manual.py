"""Manual matching: a coordinator picks a mentee and a mentor (or two peers), reads the engine's
verdict on the pair, and makes it — overriding warnings only with a written reason."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lodestar.mentorships import seats
from lodestar.mentorships.models import Membership
from lodestar.mentorships.services import REASON_MAX
from lodestar.mentorships.states import HOLDS_A_SEAT
from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import get_program_for_coordinator

from ..services.manual import manual_pair_check, manual_pair_create

# A select list longer than this is no help to anyone: the filter narrows it.
OPTION_LIMIT = 300
FILTER_MAX = 100


class ManualPairForm(forms.Form):
    mentee = forms.ModelChoiceField(
        queryset=Enrolment.objects.none(),
        label=gettext_lazy("Mentee"),
        empty_label=gettext_lazy("Choose a mentee"),
    )
    mentor = forms.ModelChoiceField(
        queryset=Enrolment.objects.none(),
        label=gettext_lazy("Mentor"),
        empty_label=gettext_lazy("Choose a mentor"),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Why make this pair despite the warnings?"),
        help_text=gettext_lazy("Required to override a warning; kept with the mentorship."),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.peer = Role.PEER in program.roles
        approved = program.enrolments.approved().select_related("user")
        if self.peer:
            peers = approved.filter(role=Role.PEER)
            self.fields["mentee"].queryset = peers
            self.fields["mentor"].queryset = peers
            self.fields["mentee"].label = _("First peer")
            self.fields["mentor"].label = _("Second peer")
            self.fields["mentee"].empty_label = self.fields["mentor"].empty_label = _(
                "Choose a peer"
            )
        else:
            self.fields["mentee"].queryset = approved.filter(role=Role.MENTEE)
            self.fields["mentor"].queryset = approved.filter(role=Role.MENTOR)

    def selected(self) -> tuple[Enrolment | None, Enrolment | None]:
        """The chosen people, each only if valid: a half-made choice is no error on a preview."""
        found = []
        for name in ("mentee", "mentor"):
            try:
                value = self.fields[name].clean(self.data.get(name))
            except ValidationError:
                value = None
            found.append(value)
        return found[0], found[1]


def _label(enrolment: Enrolment) -> str:
    return f"{enrolment.user.display_name} ({enrolment.user.email})"


def _search(enrolments: QuerySet, text: str) -> QuerySet:
    if text:
        enrolments = enrolments.filter(
            Q(user__name__icontains=text) | Q(user__email__icontains=text)
        )
    return enrolments.order_by("user__name", "user__email", "pk")


def _options(
    form: ManualPairForm, program: Program, *, mentee_q: str, mentor_q: str, selected
) -> dict:
    """The select lists: mentees (peers) without a mentorship, mentors with their seats; what is
    selected stays listed whatever the filter. A fixed number of queries."""
    seated = Membership.objects.filter(
        mentorship__program=program, mentorship__status__in=HOLDS_A_SEAT
    ).exclude(role=Role.MENTOR)
    unmatched = form.fields["mentee"].queryset.exclude(pk__in=seated.values("enrolment_id"))
    mentees = list(_search(unmatched, mentee_q)[: OPTION_LIMIT + 1])
    if form.peer:
        mentors = list(_search(unmatched, mentor_q)[: OPTION_LIMIT + 1])
    else:
        mentors = list(_search(form.fields["mentor"].queryset, mentor_q)[: OPTION_LIMIT + 1])
    more = {"mentee": len(mentees) > OPTION_LIMIT, "mentor": len(mentors) > OPTION_LIMIT}
    mentees, mentors = mentees[:OPTION_LIMIT], mentors[:OPTION_LIMIT]
    for people, chosen in ((mentees, selected[0]), (mentors, selected[1])):
        if chosen is not None and chosen.pk not in {e.pk for e in people}:
            people.insert(0, chosen)
    loads = {} if form.peer else seats.mentor_loads(program)
    mentor_labels = []
    for enrolment in mentors:
        if form.peer:
            mentor_labels.append((enrolment.pk, _label(enrolment)))
            continue
        capacity = enrolment.capacity or program.default_mentor_capacity
        taken = loads.get(enrolment.pk, 0)
        seats_text = (
            _("%(left)s of %(capacity)s seats left")
            % {"left": capacity - taken, "capacity": capacity}
            if taken < capacity
            else _("full: %(taken)s of %(capacity)s seats taken")
            % {"taken": taken, "capacity": capacity}
        )
        mentor_labels.append((enrolment.pk, f"{_label(enrolment)} — {seats_text}"))
    form.fields["mentee"].widget.choices = [
        ("", form.fields["mentee"].empty_label),
        *((e.pk, _label(e)) for e in mentees),
    ]
    form.fields["mentor"].widget.choices = [("", form.fields["mentor"].empty_label), *mentor_labels]
    return more


@login_required
@require_http_methods(["GET", "POST"])
def manual_match(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    posted = request.method == "POST"
    form = ManualPairForm(request.POST if posted else request.GET, program=program)
    mentee, mentor = form.selected()
    if not posted:
        # A preview is no submission: show the choices, not "this field is required".
        form = ManualPairForm(initial={"mentee": mentee, "mentor": mentor}, program=program)
    elif form.is_valid():
        try:
            mentorship = manual_pair_create(
                program=program,
                mentee=form.cleaned_data["mentee"],
                mentor=form.cleaned_data["mentor"],
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The pair is made and both have been told: %(names)s.")
                % {
                    "names": " · ".join(
                        m.user.display_name for m in mentorship.memberships.select_related("user")
                    )
                },
            )
            return redirect("mentorship_detail", pk=mentorship.pk)
    check, check_error = None, ""
    if mentee is not None and mentor is not None:
        try:
            check = manual_pair_check(program=program, mentee=mentee, mentor=mentor)
        except ValidationError as error:
            check_error = " ".join(error.messages)
    context = {
        "program": program,
        "form": form,
        "peer": form.peer,
        "check": check,
        "check_error": check_error,
        "mentee": mentee,
        "mentor": mentor,
    }
    if request.htmx and not posted and not request.htmx.history_restore_request:
        return render(request, "matches/manual_match.html#preview", context)
    mentee_q = request.GET.get("mentee_q", "").strip()[:FILTER_MAX]
    mentor_q = request.GET.get("mentor_q", "").strip()[:FILTER_MAX]
    more = _options(form, program, mentee_q=mentee_q, mentor_q=mentor_q, selected=(mentee, mentor))
    context.update(
        {"mentee_q": mentee_q, "mentor_q": mentor_q, "more": more, "option_limit": OPTION_LIMIT}
    )
    return render(request, "matches/manual_match.html", context)


urlpatterns = [
    path("coordinate/<slug:slug>/mentorships/new/", manual_match, name="manual_match"),
]
