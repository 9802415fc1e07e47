from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from lodestar.accounts.models import User
from lodestar.core.prepared import PreparedQuery
from lodestar.programs.models import Program


def navigation(request):
    """Whether the navigation shows "Coordinate": for people who coordinate a program or may
    create one (programs.policy.can_create_programs). Every page asks, so it is one query —
    not the two of loading every permission of the person plus one for their programs."""
    user = getattr(request, "user", None)
    return {"nav_is_coordinator": _is_coordinator(user), "site_debug": settings.DEBUG}


def _is_coordinator(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "_perm_cache"):
        # The view already loaded the person's permissions (auth's ModelBackend keeps them on
        # the user for the request, as _perm_cache): no query when they suffice.
        return user.has_perm("programs.add_program") or user.coordinated_programs.exists()
    return _COORDINATES_OR_MAY_CREATE.exists(user=user.pk)


def _coordinates_or_may_create(user: int):
    # ModelBackend's rule for one permission, directly or through a group, active users only;
    # or a program the person coordinates.
    may_create = Permission.objects.filter(
        Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
        content_type__app_label="programs",
        codename="add_program",
    )
    coordinates = Program.coordinators.through.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(pk=user).filter(
        (Q(is_active=True) & Exists(may_create)) | Exists(coordinates)
    )


# Every page's navigation asks: compiled once (core/prepared.py).
_COORDINATES_OR_MAY_CREATE = PreparedQuery(_coordinates_or_may_create, "user")
