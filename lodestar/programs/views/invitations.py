from django.http import Http404
from django.urls import path


def invitation_accept(request, token: str):  # placeholder until the invitation flow lands
    raise Http404


urlpatterns = [path("invitations/<str:token>/", invitation_accept, name="invitation_accept")]
