from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def profile(request):  # placeholder until the profile page lands
    return render(request, "core/placeholder.html")


urlpatterns = [path("profile/", profile, name="profile")]
