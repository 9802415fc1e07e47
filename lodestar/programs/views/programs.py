from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ..models import Program


@login_required
def coordinator_programs(request):  # placeholder until the coordinator screens land
    return render(
        request, "core/placeholder.html", {"programs": Program.objects.coordinated_by(request.user)}
    )


urlpatterns = [path("coordinate/", coordinator_programs, name="coordinator_programs")]
