import pytest
from django.urls import reverse

from lodestar.accounts.models import Profile
from lodestar.core.models import Tag
from lodestar.network.models import DirectoryListing
from lodestar.network.services import directory_listing_update
from tests import factories


def listed(user, *, scope="program", **profile):
    directory_listing_update(user=user, listed=True, scope=scope, open_to="coffee chats")
    skills = profile.pop("skills", [])
    Profile.objects.filter(user=user).update(**profile)
    if skills:
        user.profile.skills.set(Tag.objects.named(skills))
    return user


def names(response):
    return [listing.user.display_name for listing in response.context["page"].object_list]


def test_directory_needs_a_login(client):
    response = client.get(reverse("directory"))
    assert response.status_code == 302


def test_unlisted_people_never_appear_not_even_to_coordinators(
    client, coordinator, program, mentor, mentee
):
    listed(mentor)
    directory_listing_update(user=mentee, listed=False, scope="site")
    client.force_login(coordinator)
    assert "Mia Mentee" not in client.get(reverse("directory")).content.decode()
    client.force_login(mentor)
    assert "Mia Mentee" not in client.get(reverse("directory")).content.decode()


def test_program_listing_is_seen_only_by_people_sharing_a_program(client, mentor, mentee, outsider):
    listed(mentor, scope="program")
    client.force_login(mentee)
    assert names(client.get(reverse("directory"))) == ["Max Mentor"]
    client.force_login(outsider)
    response = client.get(reverse("directory"))
    assert names(response) == []
    assert "Max Mentor" not in response.content.decode()


def test_site_listing_is_seen_by_every_signed_in_person(client, mentor, outsider):
    listed(mentor, scope="site")
    client.force_login(outsider)
    assert names(client.get(reverse("directory"))) == ["Max Mentor"]


def test_a_withdrawn_enrolment_no_longer_shares_the_program(client, program, mentor, outsider):
    listed(mentor, scope="program")
    factories.make_enrolment(program, outsider, status="withdrawn")
    client.force_login(outsider)
    assert names(client.get(reverse("directory"))) == []


def test_emails_are_never_shown_in_the_directory(client, mentor, mentee):
    listed(mentor)
    client.force_login(mentee)
    assert "mentor@example.com" not in client.get(reverse("directory")).content.decode()


def test_search_by_skill_organisation_and_location(client, program, mentee):
    ana = factories.make_user("ana@example.com", name="Ana")
    ben = factories.make_user("ben@example.com", name="Ben")
    for person in (ana, ben):
        factories.make_enrolment(program, person, role="mentor")
    listed(ana, skills=["Python", "Maps"], organisation="Atlas Ltd", location="Lisbon")
    listed(ben, skills=["Sales"], organisation="Shop Co", location="Leeds")
    client.force_login(mentee)
    url = reverse("directory")
    assert names(client.get(url, {"skill": "python"})) == ["Ana"]
    assert names(client.get(url, {"organisation": "shop"})) == ["Ben"]
    assert names(client.get(url, {"location": "lis"})) == ["Ana"]
    assert names(client.get(url, {"skill": "python", "location": "leeds"})) == []
    assert "Nobody listed matches" in client.get(url, {"skill": "cobol"}).content.decode()


def test_directory_is_paginated_with_bounded_queries(
    client, program, mentee, django_assert_max_num_queries
):
    for n in range(30):
        person = factories.make_user(f"p{n}@example.com", name=f"Person {n:02}")
        factories.make_enrolment(program, person, role="mentor")
        listed(person, skills=["Maps", f"Skill {n}"], organisation="Atlas")
    client.force_login(mentee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory"), {"page": 2, "skill": "maps"})
    assert len(response.context["page"].object_list) == 5


def test_opting_in_and_out(client, outsider):
    client.force_login(outsider)
    url = reverse("directory_settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"listed": "on", "scope": "site", "blurb": "Hello", "open_to": "referrals"}
    )
    assert response.status_code == 302
    listing = DirectoryListing.objects.get(user=outsider)
    assert listing.listed and listing.scope == "site" and listing.open_to == "referrals"
    client.post(url, {"scope": "site"})
    listing.refresh_from_db()
    assert not listing.listed


@pytest.mark.parametrize("scope", ["", "world"])
def test_bad_scope_changes_nothing(client, outsider, scope):
    client.force_login(outsider)
    response = client.post(reverse("directory_settings"), {"listed": "on", "scope": scope})
    assert response.status_code == 200
    assert response.context["form"].errors["scope"]
    assert not DirectoryListing.objects.filter(user=outsider).exists()
