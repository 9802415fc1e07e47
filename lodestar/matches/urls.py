"""The matching pages, gathered from one module per area."""

from .views import manual, requests, runs

urlpatterns = [*runs.urlpatterns, *requests.urlpatterns, *manual.urlpatterns]
