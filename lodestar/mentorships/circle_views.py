"""The circles of a group program, for its coordinators: the list, with the form that builds a
circle, and one circle's page, where members are added, removed and moved to another circle.

Every write calls one service in circles.py. Anyone who does not coordinate the program, and
every program that is not a group program, gets a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import get_program_for_coordinator
from lodestar.programs.states import EnrolmentStatus

from . import circles as services
from .models import Mentorship
from .seats import is_group_program
from .services import REASON_MAX
from .states import HOLDS_A_SEAT

# Forms ---------------------------------------------------------------------------------------


def _override_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason to go beyond the capacity"),
        help_text=gettext_lazy(
            "Only when the circle would be larger than its mentors take. Kept with the circle."
        ),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _approved(program: Program, *roles: str):
    return program.enrolments.filter(status=EnrolmentStatus.APPROVED, role__in=roles)


def _mentor_label(enrolment: Enrolment) -> str:
    left = enrolment.seats_left
    return ngettext("%(name)s — %(left)s seat left", "%(name)s — %(left)s seats left", left) % {
        "name": enrolment.user.display_name,
        "left": left,
    }


class CircleForm(forms.Form):
    """A new circle: mentors and mentees chosen among those free. Validation accepts any
    approved person of the role, so that someone taken meanwhile gets the service's clear
    refusal rather than a bare "invalid choice"."""

    mentors = forms.ModelMultipleChoiceField(
        queryset=Enrolment.objects.none(),
        label=gettext_lazy("Mentors"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one mentor.")},
    )
    mentees = forms.ModelMultipleChoiceField(
        queryset=Enrolment.objects.none(),
        label=gettext_lazy("Mentees"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one mentee.")},
    )
    override_reason = _override_field()

    def __init__(self, *args, program: Program, mentors: list, mentees: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = _approved(program, Role.MENTOR).select_related("user")
        self.fields["mentees"].queryset = _approved(program, Role.MENTEE).select_related("user")
        # Set after the querysets, which would otherwise list everyone.
        self.fields["mentors"].widget.choices = [(e.pk, _mentor_label(e)) for e in mentors]
        self.fields["mentees"].widget.choices = [(e.pk, e.user.display_name) for e in mentees]


class AddMemberForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Enrolment.objects.none(),
        label=gettext_lazy("Person to add"),
        error_messages={"required": gettext_lazy("Choose someone to add.")},
    )
    override_reason = _override_field()

    def __init__(self, *args, program: Program, mentors: list, mentees: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = _approved(program, Role.MENTOR, Role.MENTEE).select_related("user")
        field.widget.choices = [
            ("", _("Choose a person")),
            (_("Mentees not in a circle"), [(e.pk, e.user.display_name) for e in mentees]),
            (_("Mentors"), [(e.pk, _mentor_label(e)) for e in mentors]),
        ]


class RemoveMemberForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Why are they leaving the circle?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveMemberForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    target = forms.TypedChoiceField(label=gettext_lazy("Move to"), coerce=int)
    override_reason = _override_field()

    def __init__(self, *args, others: list[Mentorship], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Choose a circle"))] + [
            (c.pk, c.name) for c in others
        ]


# Pages ---------------------------------------------------------------------------------------


def _group_program(user, slug: str) -> Program:
    program = get_program_for_coordinator(user, slug)
    if not is_group_program(program):
        raise Http404
    return program


def _find(circles: list[Mentorship], pk: int) -> Mentorship:
    circle = next((c for c in circles if c.pk == pk), None)
    if circle is None:
        raise Http404
    return circle


@login_required
@require_GET
def circles(request: HttpRequest, slug: str) -> HttpResponse:
    return _circles_page(request, _group_program(request.user, slug))


def _circles_page(request: HttpRequest, program: Program, form: CircleForm | None = None):
    mentors, mentees = services.candidates(program)
    return render(
        request,
        "mentorships/circle_list.html",
        {
            "program": program,
            "circles": services.circles_of(program),
            "form": form or CircleForm(program=program, mentors=mentors, mentees=mentees),
            "free_mentees": mentees,
        },
    )


@login_required
@require_POST
def circle_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = _group_program(request.user, slug)
    mentors, mentees = services.candidates(program)
    form = CircleForm(request.POST, program=program, mentors=mentors, mentees=mentees)
    if form.is_valid():
        reason = form.cleaned_data["override_reason"]
        try:
            circle = services.circle_create(
                program=program,
                mentors=list(form.cleaned_data["mentors"]),
                mentees=list(form.cleaned_data["mentees"]),
                by=request.user,
                allow_over_capacity=bool(reason.strip()),
                override_reason=reason,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The circle is built and its members are told."))
            return redirect("circle_detail", slug=program.slug, pk=circle.pk)
    return _circles_page(request, program, form)


@login_required
@require_GET
def circle_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _circle_page(request, _group_program(request.user, slug), pk)


def _circle_page(
    request: HttpRequest,
    program: Program,
    pk: int,
    *,
    add_form: AddMemberForm | None = None,
    bound: forms.Form | None = None,
) -> HttpResponse:
    """The circle's page; `bound` is a member's remove or move form that came back with errors."""
    all_circles = services.circles_of(program)
    circle = _find(all_circles, pk)
    others = [c for c in all_circles if c.pk != circle.pk and c.changeable]
    mentors, mentees = services.candidates(program)
    in_circle = {m.enrolment_id for m in circle.memberships.all()}
    rows = [
        _member_row(member, others, bound)
        for member in (*circle.circle_mentors, *circle.circle_mentees)
    ]
    return render(
        request,
        "mentorships/circle_detail.html",
        {
            "program": program,
            "circle": circle,
            "rows": rows,
            "others": others,
            "formers": services.former_members(circle),
            "add_form": add_form
            or AddMemberForm(
                program=program,
                mentors=[e for e in mentors if e.pk not in in_circle],
                mentees=mentees,
            ),
        },
    )


def _member_row(member, others: list[Mentorship], bound: forms.Form | None) -> dict:
    """A member with their remove and move forms, each with ids of its own on the page."""
    initial = {"enrolment": member.enrolment_id}
    remove = RemoveMemberForm(initial=initial)
    move = MoveMemberForm(initial=initial, others=others)
    if bound is not None and bound.data.get("enrolment") == str(member.enrolment_id):
        if isinstance(bound, MoveMemberForm):
            move = bound
        else:
            remove = bound
    remove.auto_id = f"remove-{member.pk}-%s"
    move.auto_id = f"move-{member.pk}-%s"
    # Every member has these forms on the page: each label names whom it is about.
    name = member.user.display_name
    remove.fields["reason"].label = _("Why is %(name)s leaving the circle?") % {"name": name}
    move.fields["target"].label = _("Move %(name)s to") % {"name": name}
    return {"member": member, "remove": remove, "move": move}


@login_required
@require_POST
def circle_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _group_program(request.user, slug)
    circle = _circle(program, pk)
    mentors, mentees = services.candidates(program)
    form = AddMemberForm(request.POST, program=program, mentors=mentors, mentees=mentees)
    if form.is_valid():
        person = form.cleaned_data["person"]
        reason = form.cleaned_data["override_reason"]
        try:
            services.circle_add_member(
                circle=circle,
                enrolment=person,
                by=request.user,
                allow_over_capacity=bool(reason.strip()),
                override_reason=reason,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s joined the circle and is told.") % {"name": person.user.display_name},
            )
            return redirect("circle_detail", slug=program.slug, pk=circle.pk)
    return _circle_page(request, program, circle.pk, add_form=form)


@login_required
@require_POST
def circle_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _group_program(request.user, slug)
    circle = _circle(program, pk)
    form = RemoveMemberForm(request.POST)
    if form.is_valid():
        enrolment = _member_enrolment(circle, form.cleaned_data["enrolment"])
        try:
            services.circle_remove_member(
                circle=circle,
                enrolment=enrolment,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has left the circle and no longer sees its workspace.")
                % {"name": enrolment.user.display_name},
            )
            return redirect("circle_detail", slug=program.slug, pk=circle.pk)
    return _circle_page(request, program, circle.pk, bound=form)


@login_required
@require_POST
def circle_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _group_program(request.user, slug)
    circle = _circle(program, pk)
    others = [c for c in services.circles_of(program) if c.pk != circle.pk and c.changeable]
    form = MoveMemberForm(request.POST, others=others)
    if form.is_valid():
        enrolment = _member_enrolment(circle, form.cleaned_data["enrolment"])
        target = _find(others, form.cleaned_data["target"])
        reason = form.cleaned_data["override_reason"]
        try:
            services.circle_move_member(
                source=circle,
                target=target,
                enrolment=enrolment,
                by=request.user,
                allow_over_capacity=bool(reason.strip()),
                override_reason=reason,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(circle)s.")
                % {"name": enrolment.user.display_name, "circle": target.name},
            )
            return redirect("circle_detail", slug=program.slug, pk=circle.pk)
    return _circle_page(request, program, circle.pk, bound=form)


def _circle(program: Program, pk: int) -> Mentorship:
    """One of the program's circles that still hold seats (the others are history, shown with
    the program's mentorships); anything else is a 404."""
    circle = Mentorship.objects.filter(program=program, pk=pk, status__in=HOLDS_A_SEAT).first()
    if circle is None:
        raise Http404
    return circle


def _member_enrolment(circle: Mentorship, enrolment_pk: int) -> Enrolment:
    """The enrolment of one of the circle's members; anyone else's is a 404."""
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_pk, memberships__mentorship=circle)
        .select_related("user")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment
