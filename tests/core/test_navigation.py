"""The navigation's "Coordinate" link: shown to people who coordinate a program or may create
one (directly or through a group), to superusers, and to nobody else — for one query a page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from lodestar.core.context_processors import navigation
from tests import factories

pytestmark = pytest.mark.django_db

COORDINATE = reverse("coordinator_programs")


def add_program() -> Permission:
    return Permission.objects.get(content_type__app_label="programs", codename="add_program")


def shows_coordinate(client, user) -> bool:
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    return f'href="{COORDINATE}"' in html


def test_a_coordinator_of_a_program_sees_it(client, program):
    helper = factories.make_user("helper@example.com")
    program.coordinators.add(helper)
    assert shows_coordinate(client, helper)


def test_someone_who_may_create_programs_sees_it(client, coordinator):
    assert shows_coordinate(client, coordinator)


def test_a_member_of_a_group_that_may_create_programs_sees_it(client):
    person = factories.make_user("grouped@example.com")
    group = Group.objects.create(name="Programme office")
    group.permissions.add(add_program())
    person.groups.add(group)
    assert shows_coordinate(client, person)


def test_a_superuser_sees_it(client):
    boss = factories.make_user("boss@example.com")
    boss.is_superuser = True
    boss.save()
    assert shows_coordinate(client, boss)


def test_a_mentee_does_not(client, mentee):
    assert not shows_coordinate(client, mentee)


def test_another_permission_or_another_program_is_not_enough(client, program):
    person = factories.make_user("other@example.com")
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="programs", codename="view_program")
    )
    assert not shows_coordinate(client, person)


def test_an_inactive_account_loses_the_permission_as_django_rules(coordinator):
    coordinator.is_active = False
    coordinator.save()
    request = RequestFactory().get("/")
    request.user = coordinator
    assert navigation(request)["nav_is_coordinator"] is False


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_the_navigation_costs_one_query(request, who, django_assert_num_queries):
    user = request.getfixturevalue(who)
    http = RequestFactory().get("/")
    http.user = user
    with django_assert_num_queries(1):
        shown = navigation(http)["nav_is_coordinator"]
    assert shown is (who == "coordinator")


def test_visitors_cost_nothing(django_assert_num_queries):
    http = RequestFactory().get("/")
    http.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert navigation(http)["nav_is_coordinator"] is False


def test_permissions_the_view_loaded_already_cost_nothing_more(
    coordinator, django_assert_num_queries
):
    http = RequestFactory().get("/")
    http.user = coordinator
    assert coordinator.has_perm("programs.add_program")  # as a coordinator's view does
    with django_assert_num_queries(0):
        assert navigation(http)["nav_is_coordinator"] is True
