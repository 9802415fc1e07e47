"""Every URL of the project × every role, generated from the URL resolver: a URL added without a
rule in one of the `rules_*.py` modules fails `test_every_url_has_a_rule` (the API under
api/v1/ has its own matrix in tests/api/).

A rule is what each role gets on the world's objects (world.py): 200 for a page one may read,
a redirect to sign in for anonymous visitors, 404 for anyone who may not know the object exists,
403 where the person may know it but not do this, 405 for a method the URL does not take.
A refused POST must change nothing in the database.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import ADMIN_LOGIN, LOGIN, REFUSED, ROLES, SKIP

MODULES = [
    importlib.import_module(f"{__package__}.{info.name}")
    for info in pkgutil.iter_modules([str(Path(__file__).parent)])
    if info.name.startswith("rules_")
]
RULES = {name: rule for module in MODULES for name, rule in module.RULES.items()}
MODULE_OF = {name: module for module in MODULES for name in module.RULES}

# Django admin is one rule for its prefix (rules_admin.py); the API has its own matrix.
API = "api/v1/"


def walk(patterns, prefix="", namespace="", params=()):
    """(key, route, parameter names) of every URL pattern; the key is the URL's name with its
    namespace, or its route when it has no name."""
    for pattern in patterns:
        names = (*params, *pattern.pattern.regex.groupindex)
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            spaced = f"{namespace}{inner}:" if inner else namespace
            yield from walk(pattern.url_patterns, route, spaced, names)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}{pattern.name}" if pattern.name else route
            yield key, route, names


def project_urls() -> dict[str, tuple[str, tuple]]:
    return {
        key: (route, names)
        for key, route, names in walk(get_resolver().url_patterns)
        if not route.startswith((API, "admin/"))
    }


def test_every_url_has_a_rule():
    urls = set(project_urls())
    missing = sorted(urls - set(RULES))
    stale = sorted(set(RULES) - urls)
    assert not missing, (
        "URLs without an authorisation rule: add each to the tests/pages/rules_<area>.py of its "
        f"app (see matrix.py): {missing}"
    )
    assert not stale, f"rules for URLs that no longer exist: {stale}"


def test_no_url_has_two_rules():
    names = [name for module in MODULES for name in module.RULES]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"URLs with a rule in two modules: {twice}"


def test_no_two_urls_share_a_name():
    keys = [key for key, route, _names in walk(get_resolver().url_patterns)]
    twice = sorted({key for key in keys if keys.count(key) > 1 and not key.startswith(API)})
    assert not twice, f"URL names used twice (reverse() finds only one): {twice}"


def test_every_rule_names_every_role():
    for name, rule in RULES.items():
        for method, statuses in rule.items():
            if statuses is SKIP:
                continue
            assert set(statuses) == set(ROLES), (
                f"{name} {method}: roles {set(statuses) ^ set(ROLES)}"
            )


# The requests ---------------------------------------------------------------------------------


def url_of(name: str, world) -> str:
    route, params = project_urls()[name]
    values = getattr(MODULE_OF[name], "placeholders", lambda w: {})(world)
    own = values.get(name, {})
    missing = [p for p in params if p not in own and p not in values]
    assert not missing, f"{name} ({route}): no value for {missing} in placeholders()"
    kwargs = {p: own.get(p, values.get(p)) for p in params}
    if name == route:  # a pattern without a name (allauth's old addresses)
        return "/" + route
    return reverse(name, kwargs=kwargs)


def sign_in(client, world, role: str) -> None:
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]


def request_as(client, world, role: str, method: str, url: str):
    sign_in(client, world, role)
    return client.generic(method, url)


def check_status(response, expected, context: str):
    got = response.status_code
    where = response.get("Location", "")
    if expected == LOGIN:
        ok = got == 302 and where.startswith(reverse("account_login") + "?next=")
    elif expected == ADMIN_LOGIN:
        ok = got == 302 and where.startswith(reverse("admin:login") + "?next=")
    else:
        ok = got == expected
    assert ok, f"{context}: expected {expected}, got {got} {where}".rstrip()


def snapshot() -> dict:
    """Every row of the project's tables (the audit trail aside: it may record the attempt)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model.__module__.startswith("lodestar.") and model._meta.app_label != "audit"
    }


def get_cases():
    return [(name, role) for name in sorted(RULES) for role in ROLES]


def post_cases():
    cases = []
    for name in sorted(RULES):
        post = RULES[name].get("POST")
        if post is SKIP:
            continue
        if post is None:
            # A read-only page: whoever may read it is told the method is not allowed.
            post = {role: 405 for role, status in RULES[name]["GET"].items() if status == 200}
        cases += [(name, role, status) for role, status in post.items()]
    return cases


@pytest.mark.parametrize(("name", "role"), get_cases())
def test_get(client, case, name, role):
    url = url_of(name, case)
    response = request_as(client, case, role, "GET", url)
    check_status(response, RULES[name]["GET"][role], f"GET {url} as {role}")


@pytest.mark.parametrize(("name", "role", "expected"), post_cases())
def test_post(client, case, name, role, expected):
    url = url_of(name, case)
    sign_in(client, case, role)
    before = snapshot() if expected in REFUSED else None
    response = client.post(url)
    check_status(response, expected, f"POST {url} as {role}")
    if before is not None:
        after = snapshot()
        changed = [label for label in before if before[label] != after[label]]
        assert not changed, f"POST {url} as {role} was refused but changed {changed}"


# Django admin ---------------------------------------------------------------------------------


def admin_cases():
    cases = [("admin:index", ())]
    for model in admin.site._registry:
        opts = model._meta
        cases.append((f"admin:{opts.app_label}_{opts.model_name}_changelist", ()))
        cases.append((f"admin:{opts.app_label}_{opts.model_name}_add", ()))
        cases.append((f"admin:{opts.app_label}_{opts.model_name}_change", (model,)))
    return cases


@pytest.mark.parametrize("role", ROLES)
def test_admin(client, case, role):
    """Every registered model's list, add and change page: site admins only; the others are
    sent to admin's sign-in page, which tells a signed-in person they may not go further."""
    from .rules_admin import admin_expected

    failures = []
    for name, model in admin_cases():
        args = ()
        if model:
            first = model[0].objects.order_by("pk").first()
            if first is None:
                continue
            args = (first.pk,)
        url = reverse(name, args=args)
        response = request_as(client, case, role, "GET", url)
        try:
            expected = admin_expected(name, role, case.people[role])
            check_status(response, expected, f"GET {url} as {role}")
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
