"""The mentorship pages: the workspace, its agreement and goals; the coordinators' lists."""

from django.urls import path

from . import agreement_views, circle_views, closure_views, goal_views, views

GOAL = "mentorships/<int:pk>/goals/<int:goal_pk>/"

urlpatterns = [
    path("mentorships/", views.my_mentorships, name="my_mentorships"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:pk>/accept/", views.mentorship_accept, name="mentorship_accept"),
    path("mentorships/<int:pk>/decline/", views.mentorship_decline, name="mentorship_decline"),
    path("mentorships/<int:pk>/pause/", views.mentorship_pause, name="mentorship_pause"),
    path("mentorships/<int:pk>/resume/", views.mentorship_resume, name="mentorship_resume"),
    path("mentorships/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    # The agreement
    path("mentorships/<int:pk>/agreement/", agreement_views.agreement, name="agreement"),
    path(
        "mentorships/<int:pk>/agreement/edit/",
        agreement_views.agreement_edit,
        name="agreement_edit",
    ),
    path(
        "mentorships/<int:pk>/agreement/sign/",
        agreement_views.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "mentorships/<int:pk>/agreement/<int:number>/",
        agreement_views.agreement_version,
        name="agreement_version",
    ),
    # Goals
    path("mentorships/<int:pk>/goals/", goal_views.goals, name="goals"),
    path("mentorships/<int:pk>/goals/new/", goal_views.goal_create, name="goal_create"),
    path("mentorships/<int:pk>/goals/suggest/", goal_views.goal_suggest, name="goal_suggest"),
    path(GOAL, goal_views.goal_detail, name="goal_detail"),
    path(GOAL + "accept/", goal_views.goal_accept, name="goal_accept"),
    path(GOAL + "decline/", goal_views.goal_decline, name="goal_decline"),
    path(GOAL + "edit/", goal_views.goal_edit, name="goal_edit"),
    path(GOAL + "progress/", goal_views.goal_progress, name="goal_progress"),
    path(GOAL + "milestones/", goal_views.milestone_add, name="milestone_add"),
    path(
        GOAL + "milestones/<int:milestone_pk>/done/",
        goal_views.milestone_done,
        name="milestone_done",
    ),
    path(
        GOAL + "milestones/<int:milestone_pk>/delete/",
        goal_views.milestone_delete,
        name="milestone_delete",
    ),
    path(GOAL + "comments/", goal_views.goal_comment, name="goal_comment"),
    # Coordinators
    path(
        "coordinate/<slug:slug>/mentorships/",
        views.program_mentorships,
        name="program_mentorships",
    ),
    path(
        "coordinate/<slug:slug>/agreement/",
        agreement_views.agreement_template,
        name="agreement_template",
    ),
    # Shared goals and circles (group programs)
    path(
        "mentorships/<int:pk>/goals/shared/new/",
        goal_views.shared_goal_create,
        name="shared_goal_create",
    ),
    path("coordinate/<slug:slug>/circles/", circle_views.circles, name="program_circles"),
    path("coordinate/<slug:slug>/circles/new/", circle_views.circle_new, name="circle_create"),
    path(
        "coordinate/<slug:slug>/circles/<int:pk>/",
        circle_views.circle_detail,
        name="circle_detail",
    ),
    path(
        "coordinate/<slug:slug>/circles/<int:pk>/add/",
        circle_views.circle_add,
        name="circle_add_member",
    ),
    path(
        "coordinate/<slug:slug>/circles/<int:pk>/remove/",
        circle_views.circle_remove,
        name="circle_remove_member",
    ),
    path(
        "coordinate/<slug:slug>/circles/<int:pk>/move/",
        circle_views.circle_move,
        name="circle_move_member",
    ),
]

# Closure and transition (closure_views.py)
urlpatterns += [
    path("mentorships/<int:pk>/closure/", closure_views.closure, name="mentorship_closure"),
    path(
        "mentorships/<int:pk>/closure/start/",
        closure_views.closure_start,
        name="mentorship_closure_start",
    ),
    path(
        "mentorships/<int:pk>/closure/reflection/",
        closure_views.reflection_submit,
        name="mentorship_reflection",
    ),
    path(
        "mentorships/<int:pk>/closure/reopen/",
        closure_views.closure_reopen,
        name="mentorship_closure_reopen",
    ),
    path(
        "mentorships/<int:pk>/certificate/",
        closure_views.certificate,
        name="mentorship_certificate",
    ),
    path(
        "coordinate/<slug:slug>/closures/", closure_views.program_closures, name="program_closures"
    ),
    path(
        "coordinate/<slug:slug>/closures/close/",
        closure_views.program_closures_bulk,
        name="program_closures_bulk",
    ),
]
