"""A person's notifications: the list, opening one, marking everything read, choosing what to
get how (preferences), and the one-click unsubscribe links of notification emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import User
from lodestar.programs.models import Program

from .models import Notification
from .notices import CATEGORIES, ESSENTIAL_CATEGORIES
from .preferences import (
    Channels,
    email_unsubscribe,
    preferences_for,
    preferences_set,
    read_unsubscribe_token,
)
from .services import notifications_mark_read

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/notification_list.html",
        {"page": page, "has_unread": any(n.read_at is None for n in page)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points (only ever within this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if is_local(notification.url):
        return redirect(notification.url)
    return redirect("notifications")


def is_local(url: str) -> bool:
    """A path on this site: starts with one slash, names no host and no scheme."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Everything was already read."))
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """One fieldset per category: in the app, by email. An unticked box is a "no"."""
    if request.method == "POST":
        preferences_set(
            user=request.user,
            choices={
                name: Channels(
                    in_app=CATEGORIES[name].get("email_only", False)
                    or f"{name}-in_app" in request.POST,
                    email=f"{name}-email" in request.POST,
                )
                for name in CATEGORIES
                if name not in ESSENTIAL_CATEGORIES
            },
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification_preferences")
    chosen = preferences_for(request.user)
    categories = [
        {
            "name": name,
            "label": c["label"],
            "help": c["help"],
            "channels": chosen[name],
            "email_only": c.get("email_only", False),
        }
        for name, c in CATEGORIES.items()
        if name not in ESSENTIAL_CATEGORIES
    ]
    coordinates = Program.objects.coordinated_by(request.user).exists()
    return render(
        request,
        "engagement/preferences.html",
        {
            "categories": categories,
            "essential": [CATEGORIES[name] for name in ESSENTIAL_CATEGORIES] if coordinates else [],
        },
    )


# Mail clients POST here without a CSRF token (RFC 8058 one-click); all it can do is turn off
# email for the one category and person its signed token names.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link checkers and previews must not unsubscribe anyone); POST
    turns email off for the token's category. No login needed: the token is the proof."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "engagement/unsubscribe_invalid.html", status=400)
    user_id, category = found
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "engagement/unsubscribe_invalid.html", status=404)
    context = {"category": CATEGORIES[category], "token": token}
    if request.method == "POST":
        email_unsubscribe(user=user, category=category)
        return render(request, "engagement/unsubscribe_done.html", context)
    return render(request, "engagement/unsubscribe.html", context)
