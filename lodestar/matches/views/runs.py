"""Placeholder: filled in by the runs pages."""

urlpatterns = []
