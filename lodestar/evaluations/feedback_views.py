"""Mutual feedback and progress review pages.

- A mentorship's relationship feedback: its members give feedback and read what they may
  (feedback.member_feedback); the program's coordinators read the ratings and the feedback
  written for them (feedback.coordinator_feedback). Everyone else: 404.
- A mentorship's progress reviews: members only (the goals and notes are the pair's content).
- A program's feedback summary for its coordinators: ratings at each point, and the list.

(Feedback on a piece of work is another thing, in the growth app.)
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lodestar.mentorships import goals as goal_services
from lodestar.mentorships.goal_states import GOAL_STATES, GoalStatus
from lodestar.mentorships.models import Goal, Mentorship
from lodestar.mentorships.policy import (
    can_read_content,
    get_member_workspace,
    get_workspace_for,
    is_read_only,
)
from lodestar.mentorships.selectors import mentors_first
from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator

from . import feedback as services
from .models import FeedbackPoint, Visibility

PAGE_SIZE = 50
REVIEWS_PER_PAGE = 10


class FeedbackForm(forms.Form):
    about = forms.TypedChoiceField(label=gettext_lazy("Feedback for"), coerce=int)
    point = forms.ChoiceField(
        label=gettext_lazy("When is this feedback for?"), widget=forms.RadioSelect
    )
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How is the relationship going?"),
        choices=services.RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    went_well = forms.CharField(
        label=gettext_lazy("What went well"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    could_improve = forms.CharField(
        label=gettext_lazy("What could be better"),
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.SHARED,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Shared: the person it is about reads your rating and your words, and is told; the "
            "coordinators see only that you gave feedback and your rating. For the coordinators "
            "only: the person it is about sees nothing of it; the program’s coordinators read "
            "all of it."
        ),
    )

    def __init__(self, *args, others: list, points: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.others = {user.pk: user for user in others}
        self.fields["about"].choices = [(user.pk, user.display_name) for user in others]
        if len(others) == 1:
            self.fields["about"].initial = others[0].pk
        self.fields["point"].choices = [
            (point, label) for point, label in FeedbackPoint.choices if point in points
        ]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["about"] = self.others.get(data["about"])
        return data


class ReviewForm(forms.Form):
    """A summary, and for each open goal its status, progress and a note. The status and
    progress only for the goals the person may move (the goal services decide); for the others,
    a note."""

    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=services.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Where the mentorship stands overall, and what comes next."),
    )

    def __init__(self, *args, goals: list[Goal], movable: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.movable = movable
        for goal in goals:
            if goal.pk in movable:
                allowed = GOAL_STATES.allowed(goal.status) | {goal.status}
                self.fields[f"goal-{goal.pk}-status"] = forms.ChoiceField(
                    label=_("Status"),
                    required=False,
                    initial=goal.status,
                    choices=[(s, label) for s, label in GoalStatus.choices if s in allowed],
                )
                self.fields[f"goal-{goal.pk}-progress"] = forms.IntegerField(
                    label=_("Progress (percent)"),
                    required=False,
                    initial=goal.progress,
                    min_value=0,
                    max_value=100,
                )
            self.fields[f"goal-{goal.pk}-note"] = forms.CharField(
                label=_("What changed, what comes next"),
                required=False,
                max_length=services.NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[dict]:
        """Each goal with its bound fields, for the template."""
        return [
            {
                "goal": goal,
                "status": self[f"goal-{goal.pk}-status"] if goal.pk in self.movable else None,
                "progress": self[f"goal-{goal.pk}-progress"] if goal.pk in self.movable else None,
                "note": self[f"goal-{goal.pk}-note"],
            }
            for goal in self.goals
        ]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        items = []
        for goal in self.goals:
            status = data.get(f"goal-{goal.pk}-status") or goal.status
            progress = data.get(f"goal-{goal.pk}-progress")
            items.append(
                {
                    "goal": goal,
                    "status": status,
                    "progress": goal.progress if progress is None else progress,
                    "note": data.get(f"goal-{goal.pk}-note", ""),
                }
            )
        return items


# Relationship feedback ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def relationship_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _give(request, get_member_workspace(request.user, pk))
    mentorship = get_workspace_for(request.user, pk)
    if not can_read_content(request.user, mentorship):
        return _coordinator_page(request, mentorship)
    return _member_page(request, mentorship)


def _others(mentorship: Mentorship, user) -> list:
    return [m.user for m in mentors_first(mentorship.memberships.all()) if m.user_id != user.pk]


def _feedback_form(mentorship: Mentorship, user, data=None, *, due=()) -> FeedbackForm | None:
    """The form, or None when no feedback can be given. It starts on the first point still to
    give (`due`, from feedback.still_to_give), or "any time"."""
    points = services.open_points(mentorship)
    others = _others(mentorship, user)
    if is_read_only(mentorship) or not points or not others:
        return None
    initial = {"point": due[0]["point"] if due else FeedbackPoint.ANYTIME}
    if due and len(due[0]["people"]) == 1:
        initial["about"] = due[0]["people"][0].pk
    return FeedbackForm(data, others=others, points=points, initial=initial)


def _give(request: HttpRequest, mentorship: Mentorship) -> HttpResponse:
    form = _feedback_form(mentorship, request.user, request.POST)
    if form is None:
        messages.error(request, _("Feedback cannot be given in this mentorship now."))
        return redirect("relationship_feedback", pk=mentorship.pk)
    if form.is_valid():
        fields = form.service_fields()
        try:
            services.feedback_give(mentorship=mentorship, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = fields["about"].display_name
            if fields["visibility"] == Visibility.SHARED:
                text = _("Thank you. Your feedback is shared with %(name)s.")
            else:
                text = _(
                    "Thank you. Your feedback went to the coordinators; %(name)s will not see it."
                )
            messages.success(request, text % {"name": name})
            return redirect("relationship_feedback", pk=mentorship.pk)
    return _member_page(request, mentorship, form=form, status=400)


def _member_page(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    form: FeedbackForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    rows = list(services.member_feedback(mentorship, user))
    given = [f for f in rows if f.author_id == user.pk]
    due = [] if is_read_only(mentorship) else services.still_to_give(mentorship, user, given)
    today = timezone.localdate()
    return render(
        request,
        "evaluations/feedback_mentorship.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": mentors_first(mentorship.memberships.all()),
            "content": True,
            "read_only": is_read_only(mentorship),
            "form": form or _feedback_form(mentorship, user, due=due),
            "given": given,
            "received": [f for f in rows if f.author_id != user.pk],
            "still_to_give": due,
            "closed_points": [
                (FeedbackPoint(point).label, reason)
                for point in FeedbackPoint.values
                if (reason := services.point_refusal(mentorship, point, today=today))
            ],
        },
        status=status,
    )


def _coordinator_page(request: HttpRequest, mentorship: Mentorship) -> HttpResponse:
    return render(
        request,
        "evaluations/feedback_mentorship.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "content": False,
            "entries": services.mentorship_feedback_for_coordinator(mentorship, request.user),
            "review_facts": services.review_facts(mentorship),
        },
    )


@login_required
@require_GET
def program_relationship_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    only_ours = request.GET.get("for") == Visibility.COORDINATORS
    rows = services.program_feedback_for_coordinator(program, request.user)
    if only_ours:
        rows = rows.filter(visibility=Visibility.COORDINATORS)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/feedback_program.html",
        {
            "program": program,
            "summaries": services.program_ratings(program),
            "page": page,
            "entries": services.as_coordinator_rows(page.object_list),
            "only_ours": only_ours,
        },
    )


# Progress reviews -----------------------------------------------------------------------------


def _review_form(mentorship: Mentorship, user, data=None) -> ReviewForm | None:
    if is_read_only(mentorship):
        return None
    goals = services.reviewable_goals(mentorship)
    movable = {g.pk for g in goals if goal_services.may_manage(mentorship, user, g)}
    return ReviewForm(data, goals=goals, movable=movable)


@login_required
@require_http_methods(["GET", "POST"])
def progress_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = None
    if request.method == "POST":
        form = _review_form(mentorship, request.user, request.POST)
        if form is None:
            messages.error(
                request,
                _("This mentorship has ended: its workspace is kept as history and is read-only."),
            )
            return redirect("progress_reviews", pk=mentorship.pk)
        if form.is_valid():
            try:
                services.progress_review_create(
                    mentorship=mentorship,
                    by=request.user,
                    summary=form.cleaned_data["summary"],
                    items=form.items(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your progress review is recorded."))
                return redirect("progress_reviews", pk=mentorship.pk)
    page = Paginator(services.mentorship_reviews(mentorship), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluations/review_list.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": mentors_first(mentorship.memberships.all()),
            "read_only": is_read_only(mentorship),
            "form": form or _review_form(mentorship, request.user),
            "page": page,
        },
        status=400 if form is not None else 200,
    )
