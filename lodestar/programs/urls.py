"""The programs app's pages, gathered from one module per area."""

from .views import enrolment, imports, intake, invitations, programs

urlpatterns = [
    *programs.urlpatterns,
    *intake.urlpatterns,
    *enrolment.urlpatterns,
    *invitations.urlpatterns,
    *imports.urlpatterns,
]
