from django.urls import path  # noqa: F401  (the views come with the pages)

urlpatterns: list = []
