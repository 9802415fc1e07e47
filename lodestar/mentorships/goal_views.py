"""The goals' pages, for a mentorship's members only: the list with the forms to set or suggest
a goal (and, for a circle's mentors, to set one the whole circle shares), and one goal with its
progress, milestones and comments.

Every write is a POST to its own address that calls one service in goals.py. A refusal that is
not about a field (the mentorship has ended, it is not your goal, a move the goal cannot make)
is flashed on the page the person came from; a field's error is shown next to the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lodestar.programs.forms import add_service_errors

from . import goals as services
from . import selectors
from .forms import CommentForm, GoalForm, MilestoneForm, ProgressForm, SuggestGoalForm
from .goal_states import GoalStatus
from .models import Goal, Mentorship, Milestone
from .policy import get_member_workspace, is_read_only
from .seats import is_group_program


def _goal(mentorship: Mentorship, goal_pk: int) -> Goal:
    """One of this mentorship's goals; another mentorship's goal id is a 404."""
    goal = get_object_or_404(Goal.objects.filter(mentorship=mentorship), pk=goal_pk)
    goal.mentorship = mentorship  # already loaded with its members
    return goal


def _refused(request: HttpRequest, error: ValidationError, to: str, *args) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect(to, *args)


# The list ------------------------------------------------------------------------------------


@login_required
@require_GET
def goals(request: HttpRequest, pk: int) -> HttpResponse:
    return _goals_page(request, get_member_workspace(request.user, pk))


def _goals_page(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    create_form: GoalForm | None = None,
    suggest_form: SuggestGoalForm | None = None,
    shared_form: GoalForm | None = None,
) -> HttpResponse:
    user = request.user
    writable = not is_read_only(mentorship)
    all_goals = selectors.mentorship_goals(mentorship, with_milestones=True)
    owners = services.goal_owners(mentorship)
    targets = services.suggestion_targets(mentorship, user) if writable else []
    can_create = writable and services.can_own_goals(mentorship, user)
    can_share = writable and services.can_share_goals(mentorship, user)
    accepted = [g for g in all_goals if g.accepted]
    current = {owner.user_id for owner in owners}
    return render(
        request,
        "mentorships/goals.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": selectors.mentors_first(mentorship.memberships.all()),
            "read_only": not writable,
            "groups": [
                (owner, [g for g in accepted if g.owner_id == owner.user_id]) for owner in owners
            ],
            "group_program": len(owners) > 1,
            "shared": [g for g in accepted if g.is_shared],
            "circle": is_group_program(mentorship.program),
            # The goals of people who have left the circle: history, read-only.
            "former": [g for g in accepted if not g.is_shared and g.owner_id not in current],
            "suggestions": [g for g in all_goals if g.is_suggestion],
            "declined": [g for g in all_goals if g.declined_at is not None],
            "create_form": create_form or (GoalForm() if can_create else None),
            "suggest_form": suggest_form or (SuggestGoalForm(targets=targets) if targets else None),
            "shared_form": shared_form or (GoalForm(prefix="shared") if can_share else None),
        },
    )


@login_required
@require_POST
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            goal = services.goal_create(
                mentorship=mentorship, by=request.user, **form.goal_fields()
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goals", mentorship.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your goal is set. Add milestones to break it down."))
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goals_page(request, mentorship, create_form=form)


@login_required
@require_POST
def shared_goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = GoalForm(request.POST, prefix="shared")
    if form.is_valid():
        try:
            goal = services.shared_goal_create(
                mentorship=mentorship, by=request.user, **form.goal_fields()
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goals", mentorship.pk)
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The circle’s goal is set. Add milestones everyone can tick.")
            )
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goals_page(request, mentorship, shared_form=form)


@login_required
@require_POST
def goal_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    targets = services.suggestion_targets(mentorship, request.user)
    form = SuggestGoalForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            services.goal_suggest(
                mentorship=mentorship,
                by=request.user,
                owner=form.owner_user(),
                **form.goal_fields(),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goals", mentorship.pk)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your suggestion is sent to %(name)s, who will accept or decline it.")
                % {"name": form.owner_user().display_name},
            )
            return redirect("goals", pk=mentorship.pk)
    return _goals_page(request, mentorship, suggest_form=form)


# One goal ------------------------------------------------------------------------------------


@login_required
@require_GET
def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    return _goal_page(request, mentorship, _goal(mentorship, goal_pk))


def _goal_context(request: HttpRequest, mentorship: Mentorship, goal: Goal) -> dict:
    user = request.user
    writable = not is_read_only(mentorship)
    selectors.with_owners([goal], mentorship)
    manages = writable and goal.accepted and services.may_manage(mentorship, user, goal)
    return {
        "mentorship": mentorship,
        "program": mentorship.program,
        "members": selectors.mentors_first(mentorship.memberships.all()),
        "goal": goal,
        "read_only": not writable,
        "milestones": list(goal.milestones.all()),
        "is_owner": goal.owner_id == user.pk,
        "manages": manages,
        "can_tick": writable and goal.accepted and services.may_tick(mentorship, user, goal),
        "can_answer": writable and goal.is_suggestion and goal.owner_id == user.pk,
        "achieved": goal.status == GoalStatus.ACHIEVED,
    }


def _goal_page(
    request: HttpRequest,
    mentorship: Mentorship,
    goal: Goal,
    *,
    progress_form: ProgressForm | None = None,
    edit_form: GoalForm | None = None,
    milestone_form: MilestoneForm | None = None,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    context = _goal_context(request, mentorship, goal)
    manages = context["manages"]
    writable = not context["read_only"]
    if manages:
        progress_form = progress_form or ProgressForm(goal=goal)
        edit_form = edit_form or GoalForm(
            prefix="edit",
            initial={
                "title": goal.title,
                "measure": goal.measure,
                "description": goal.description,
                "target_date": goal.target_date,
            },
        )
        milestone_form = milestone_form or MilestoneForm()
    if writable and goal.declined_at is None:
        comment_form = comment_form or CommentForm()
    comments = list(goal.comments.select_related("author"))
    return render(
        request,
        "mentorships/goal_detail.html",
        {
            **context,
            "comments": comments,
            "progress_form": progress_form if manages else None,
            "edit_form": edit_form if manages else None,
            "milestone_form": milestone_form if manages else None,
            "comment_form": comment_form,
        },
    )


def _goal_post(request: HttpRequest, pk: int, goal_pk: int) -> tuple[Mentorship, Goal]:
    mentorship = get_member_workspace(request.user, pk)
    return mentorship, _goal(mentorship, goal_pk)


@login_required
@require_POST
def goal_accept(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    try:
        services.goal_accept(goal=goal, by=request.user)
    except ValidationError as error:
        return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
    messages.success(request, _("The goal is yours now. Add milestones to break it down."))
    return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)


@login_required
@require_POST
def goal_decline(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    try:
        services.goal_decline(goal=goal, by=request.user)
    except ValidationError as error:
        return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
    messages.success(request, _("You declined the suggestion."))
    return redirect("goals", pk=mentorship.pk)


@login_required
@require_POST
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    form = GoalForm(request.POST, prefix="edit")
    if form.is_valid():
        try:
            services.goal_edit(goal=goal, by=request.user, **form.goal_fields())
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goal_page(request, mentorship, goal, edit_form=form)


@login_required
@require_POST
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    form = ProgressForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            goal = services.goal_update_progress(
                goal=goal,
                by=request.user,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
            add_service_errors(form, error)
        else:
            if goal.status == GoalStatus.ACHIEVED:
                messages.success(request, _("Goal achieved — well done! The others are told."))
            else:
                messages.success(request, _("Progress saved."))
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goal_page(request, mentorship, goal, progress_form=form)


# Milestones and comments ---------------------------------------------------------------------


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(
                goal=goal,
                by=request.user,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goal_page(request, mentorship, goal, milestone_form=form)


def _milestone(goal: Goal, milestone_pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.filter(goal=goal), pk=milestone_pk)
    milestone.goal = goal
    return milestone


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    milestone = _milestone(goal, milestone_pk)
    done = request.POST.get("done") == "1"
    try:
        services.milestone_set_done(milestone=milestone, by=request.user, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, _("“%(title)s” is done.") % {"title": milestone.title})
        else:
            messages.success(request, _("“%(title)s” is open again.") % {"title": milestone.title})
    if request.htmx:
        return render(
            request,
            "mentorships/goal_detail.html#milestones-updated",
            _goal_context(request, mentorship, goal),
        )
    return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)


@login_required
@require_POST
def milestone_delete(
    request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int
) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    milestone = _milestone(goal, milestone_pk)
    try:
        services.milestone_delete(milestone=milestone, by=request.user)
    except ValidationError as error:
        return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
    messages.success(request, _("Milestone removed."))
    return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)


@login_required
@require_POST
def goal_comment(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    mentorship, goal = _goal_post(request, pk, goal_pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.goal_comment_add(goal=goal, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, "goal_detail", mentorship.pk, goal.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect("goal_detail", pk=mentorship.pk, goal_pk=goal.pk)
    return _goal_page(request, mentorship, goal, comment_form=form)
