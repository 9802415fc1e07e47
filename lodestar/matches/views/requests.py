"""Placeholder: filled in by the requests pages."""

urlpatterns = []
