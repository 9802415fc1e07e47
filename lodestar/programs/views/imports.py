from django.urls import path

from lodestar.core.placeholders import placeholder

urlpatterns = [
    path("coordinate/<slug:slug>/import/", placeholder, name="participants_import"),
    path("coordinate/<slug:slug>/export.csv", placeholder, name="participants_export"),
]
