from django.urls import path

from . import analytics_views, feedback_views, survey_views

urlpatterns = [
    # Surveys: coordinators
    path("coordinate/<slug:slug>/surveys/", survey_views.survey_list, name="survey_list"),
    path("coordinate/<slug:slug>/surveys/new/", survey_views.survey_new, name="survey_new"),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/",
        survey_views.survey_detail,
        name="survey_detail",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/settings/",
        survey_views.survey_settings,
        name="survey_settings",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/questions/add/",
        survey_views.survey_question_add,
        name="survey_question_add",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/questions/<int:qid>/",
        survey_views.survey_question_edit,
        name="survey_question_edit",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/questions/<int:qid>/delete/",
        survey_views.survey_question_delete,
        name="survey_question_delete",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/questions/<int:qid>/move/",
        survey_views.survey_question_move,
        name="survey_question_move",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/activate/",
        survey_views.survey_activate_view,
        name="survey_activate",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/close/",
        survey_views.survey_close_view,
        name="survey_close",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/delete/",
        survey_views.survey_delete_view,
        name="survey_delete",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/results/",
        survey_views.survey_results_page,
        name="survey_results",
    ),
    path(
        "coordinate/<slug:slug>/surveys/<int:pk>/results.csv",
        survey_views.survey_results_csv,
        name="survey_results_csv",
    ),
    # Surveys: participants
    path("surveys/", survey_views.my_surveys, name="my_surveys"),
    path("surveys/<int:pk>/", survey_views.survey_answer, name="survey_answer"),
    # Mutual feedback and progress reviews (feedback on a piece of work is in growth).
    path(
        "mentorships/<int:pk>/relationship-feedback/",
        feedback_views.relationship_feedback,
        name="relationship_feedback",
    ),
    path("mentorships/<int:pk>/reviews/", feedback_views.progress_reviews, name="progress_reviews"),
    path(
        "coordinate/<slug:slug>/feedback/",
        feedback_views.program_relationship_feedback,
        name="program_relationship_feedback",
    ),
]

# Program analytics: the dashboard, its exports and the comparison of programs.
urlpatterns += analytics_views.urlpatterns
