from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    is_coordinator = bool(
        user is not None
        and user.is_authenticated
        and (
            user.is_superuser
            or user.has_perm("programs.add_program")
            or user.coordinated_programs.exists()
        )
    )
    return {"nav_is_coordinator": is_coordinator, "site_debug": settings.DEBUG}
