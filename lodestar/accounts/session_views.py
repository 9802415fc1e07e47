"""The "Where you are signed in" page: every live session with its address, browser and last
activity; sign out of one, or of all but this one. Ending a session asks for the password (or a
second factor) again first, as changing an email address does."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .sessions import session_end, sessions_end_others, sessions_for_page


@login_required
@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sessions.html", {"sessions": sessions_for_page(request)})


@login_required
@require_POST
@reauthentication_required
def session_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        session_end(user=request.user, pk=pk, current_key=request.session.session_key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("That session is signed out."))
    return redirect("usersessions_list")


@login_required
@require_POST
@reauthentication_required
def sessions_end_others_view(request: HttpRequest) -> HttpResponse:
    ended = sessions_end_others(user=request.user, current_key=request.session.session_key)
    messages.success(
        request,
        ngettext(
            "Signed out of %(count)d other session.",
            "Signed out of %(count)d other sessions.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("usersessions_list")
