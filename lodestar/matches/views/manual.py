"""Placeholder: filled in by the manual pages."""

urlpatterns = []
