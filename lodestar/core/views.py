from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lodestar.evaluations.selectors import dashboard_surveys
from lodestar.flash.views import dashboard_sessions
from lodestar.matches.models import MentorshipRequest
from lodestar.mentorships.selectors import dashboard_mentorships
from lodestar.programs.selectors import dashboard_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_for(request.user)
    context.update(dashboard_mentorships(request.user, context["coordinated"]))
    context.update(dashboard_sessions(request.user, context["enrolments"]))
    context.update(dashboard_surveys(request.user))
    context["requests_waiting"] = (
        MentorshipRequest.objects.open()
        .filter(mentor__user=request.user, expires_at__gt=timezone.now())
        .count()
    )
    return render(request, "core/dashboard.html", context)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def error_preview(request, code: int):
    views = {403: permission_denied, 404: page_not_found}
    if code == 500:
        return server_error(request)
    if code not in views:
        raise Http404
    return views[code](request)
