"""Audit events recorded from signals: failed logins, wrong two-factor codes and changes of who
may do what.

Roles change on many roads — a coordinator's page, the API, Django admin, a shell — so they are
caught where every road ends: the saved user (staff, superuser, active), its permissions and
groups, and a program's coordinators. Who made the change is the request's user, when there is a
request (see context.py); a command or the shell records no actor.
"""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import m2m_changed, post_init, post_save

from .models import Verb
from .services import record, record_many

FLAGS = ("is_staff", "is_superuser", "is_active")
LOGIN_KEYS = ("email", "username", "login")
ATTEMPT_MAX = 254


def audit_failed_login(sender, credentials, request=None, **kwargs) -> None:
    """A login that failed, with the address tried (never the password) and the client's IP.
    Django sends this for every backend, so allauth's login form is covered."""
    tried = next((str(credentials[k]) for k in LOGIN_KEYS if credentials.get(k)), "")
    tried = tried.strip()[:ATTEMPT_MAX]
    record(
        Verb.LOGIN_FAILED,
        actor=None,
        request=request,
        actor_label=tried,
        details={"email": tried},
    )


def audit_failed_second_factor(
    sender, request=None, user=None, authenticator=None, reauthentication=False, **kwargs
) -> None:
    """A wrong authenticator-app or recovery code, at sign-in or when confirming who one is:
    the password was right, so somebody may hold it. allauth's rate limit on codes bounds how
    many of these one person can cause."""
    record(
        Verb.SECOND_FACTOR_FAILED,
        actor=user,
        target=user,
        request=request,
        details={
            "authenticator": getattr(authenticator, "type", ""),
            "reauthentication": bool(reauthentication),
        },
    )


# ---- staff, superuser and active flags ---------------------------------------------------------


def remember_flags(sender, instance, **kwargs) -> None:
    # Read from __dict__ so that a deferred flag is not loaded (a query per user) just for this.
    instance._audit_flags = {f: instance.__dict__.get(f) for f in FLAGS}


def audit_flag_changes(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_flags", {})
    changes = {}
    for flag in FLAGS:
        if update_fields is not None and flag not in update_fields:
            continue
        now, then = instance.__dict__.get(flag), before.get(flag)
        if created:
            # A new account is active by default; only an elevated one is worth an event.
            if flag != "is_active" and now:
                changes[flag] = [None, now]
        elif then is not None and now is not None and now != then:
            changes[flag] = [then, now]
    remember_flags(sender, instance)
    if changes:
        record(Verb.ROLE_CHANGED, target=instance, details={"flags": changes})


# ---- permissions and groups ---------------------------------------------------------------------


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))


def audit_user_m2m(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """user.user_permissions / user.groups changed (or, reversed, permission.user_set…)."""
    what = "groups" if sender is get_user_model().groups.through else "permissions"
    if action == "pre_clear":
        instance._audit_cleared = list(_m2m_manager(instance, reverse, what).values_list("pk"))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = {pk for (pk,) in getattr(instance, "_audit_cleared", [])}
    if not pk_set:
        return
    change = f"{what}_added" if action == "post_add" else f"{what}_removed"
    if not reverse:
        kind = Group if what == "groups" else Permission
        record(Verb.ROLE_CHANGED, target=instance, details={change: _names(kind, pk_set)})
    else:
        label = _names(type(instance), [instance.pk])
        users = get_user_model().objects.filter(pk__in=pk_set)
        record_many(Verb.ROLE_CHANGED, targets=users, details={change: label})


def _m2m_manager(instance, reverse, what):
    if reverse:
        return instance.user_set.all()
    return getattr(instance, "groups" if what == "groups" else "user_permissions").all()


# ---- a program's coordinators -------------------------------------------------------------------


def audit_coordinators(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """program.coordinators changed, from either side (user.coordinated_programs…)."""
    if action == "pre_clear":
        related = instance.coordinated_programs if reverse else instance.coordinators
        instance._audit_cleared = list(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_audit_cleared", []))
    if not pk_set:
        return
    details = {"role": "coordinator", "change": "added" if action == "post_add" else "removed"}
    if not reverse:
        users = get_user_model().objects.filter(pk__in=pk_set).order_by("pk")
        record_many(Verb.ROLE_CHANGED, targets=users, program=instance, details=details)
    else:
        for program in model.objects.filter(pk__in=pk_set).order_by("pk"):
            record(Verb.ROLE_CHANGED, target=instance, program=program, details=details)


def connect() -> None:
    from lodestar.programs.models import Program

    user = get_user_model()
    user_login_failed.connect(audit_failed_login, dispatch_uid="audit_failed_login")
    mfa_signals.authentication_failed.connect(
        audit_failed_second_factor, dispatch_uid="audit_failed_second_factor"
    )
    post_init.connect(remember_flags, sender=user, dispatch_uid="audit_remember_flags")
    post_save.connect(audit_flag_changes, sender=user, dispatch_uid="audit_flag_changes")
    for through in (user.user_permissions.through, user.groups.through):
        m2m_changed.connect(audit_user_m2m, sender=through, dispatch_uid=f"audit_{through}")
    m2m_changed.connect(
        audit_coordinators, sender=Program.coordinators.through, dispatch_uid="audit_coordinators"
    )
