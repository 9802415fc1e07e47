"""Django admin, one rule for the whole admin/ prefix: site admins (staff superusers) get every
page; everyone else, signed in or not, is sent to admin's own sign-in page.

`test_admin` in test_matrix.py requests the index and, for every registered model, its list, its
add page and the change page of its first row. An add page is 200 for site admins unless the
model's admin keeps the table append-only or written by the platform alone
(`has_add_permission` is False: 403), which is the admin class's own declaration.
"""

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from .matrix import ADMIN_LOGIN

RULES: dict = {}  # the admin/ prefix is checked by test_admin, not URL by URL


def admin_expected(name: str, role: str, user=None):
    if role != "site_admin":
        return ADMIN_LOGIN
    if name.endswith("_add"):
        request = RequestFactory().get("/")
        request.user = user or AnonymousUser()
        model_admin = next(
            ma
            for model, ma in admin.site._registry.items()
            if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_add"
        )
        return 200 if model_admin.has_add_permission(request) else 403
    return 200
