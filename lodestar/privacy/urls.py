from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.policy, name="privacy"),
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/export.json", views.export_json_view, name="data_export_json"),
    path("profile/data/export.zip", views.export_zip_view, name="data_export_zip"),
    path("profile/data/erase/", views.erase_view, name="account_erase"),
    path("privacy/staff/erase/", views.staff_erase, name="privacy_staff_erase"),
    path(
        "privacy/conversations/<int:pk>/access/",
        views.conversation_access,
        name="privacy_conversation_access",
    ),
    path(
        "privacy/conversations/<int:pk>/",
        views.conversation_read,
        name="privacy_conversation_read",
    ),
]
