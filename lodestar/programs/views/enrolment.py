from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def program_list(request):  # placeholder until the enrolment screens land
    return render(request, "core/placeholder.html")


urlpatterns = [path("programs/", program_list, name="program_list")]
