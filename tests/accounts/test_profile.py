"""The profile page: a person edits who they are, and a bad answer anywhere changes nothing."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from lodestar.accounts.models import Profile, User
from lodestar.accounts.services import availability_replace, profile_update
from lodestar.core.models import Tag
from tests import factories


def profile_data(**overrides) -> dict:
    data = {
        "name": "Mia Mentee",
        "timezone": "Europe/Paris",
        "pronouns": "she/her",
        "headline": "Data engineer learning to lead",
        "bio": "I build pipelines.",
        "job_title": "Data engineer",
        "organisation": "Acme",
        "department": "Platform",
        "seniority": "3",
        "location": "Lyon",
        "languages": ["en", "fr"],
        "skills": "Python, SQL",
        "interests": "Public speaking",
        "links": "https://example.com/mia\nhttp://blog.example.org",
    }
    data.update(overrides)
    return data


def snapshot(user: User) -> dict:
    """Everything the profile page can change, to check that a refused save changed nothing."""
    user.refresh_from_db()
    profile = Profile.objects.get(user=user)
    return {
        "name": user.name,
        "timezone": user.timezone,
        "fields": {
            field: getattr(profile, field)
            for field in ("headline", "job_title", "seniority", "languages", "links")
        },
        "skills": sorted(profile.skills.values_list("name", flat=True)),
        "interests": sorted(profile.interests.values_list("name", flat=True)),
        "tags": Tag.objects.count(),
    }


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_person_saves_their_whole_profile(client, mentee):
    client.force_login(mentee)
    response = client.post("/profile/", profile_data())
    assert response.status_code == 302 and response["Location"] == "/profile/"

    mentee.refresh_from_db()
    profile = mentee.profile
    assert mentee.timezone == "Europe/Paris"
    assert profile.pronouns == "she/her"
    assert profile.seniority == 3
    assert profile.languages == ["en", "fr"]
    assert profile.links == ["https://example.com/mia", "http://blog.example.org"]
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Python", "SQL"]
    assert list(profile.interests.values_list("name", flat=True)) == ["Public speaking"]
    assert "Your profile is saved." in client.get("/profile/").content.decode()


def test_profile_form_shows_what_is_saved(client, mentee):
    profile_update(
        user=mentee,
        data={
            "skills": ["Python", "Mentoring"],
            "links": ["https://a.example", "https://b.example"],
        },
    )
    client.force_login(mentee)
    content = client.get("/profile/").content.decode()
    assert 'value="Mentoring, Python"' in content  # tags are listed alphabetically
    assert "https://a.example\nhttps://b.example</textarea>" in content
    assert '<option value="UTC" selected>' in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus_Mons", "is not a time zone"),
        ("links", "https://ok.example\nnot a link", "“not a link” is not a web address"),
        ("links", "ftp://files.example.com", "must start with http:// or https://"),
        (
            "links",
            "\n".join(f"https://example.com/{n}" for n in range(11)),
            "Add at most 10 links (you added 11)",
        ),
        ("skills", "Python, " + "x" * 61, "is too long for a tag"),
        ("interests", ", ".join(f"topic {n}" for n in range(31)), "List at most 30 tags"),
        ("languages", ["en", "xx"], "“xx” is not a language we know"),
        ("seniority", "42", "Select a valid choice"),
        ("headline", "h" * 141, "at most 140 characters"),
    ],
)
def test_a_bad_answer_is_explained_next_to_its_field_and_nothing_is_saved(
    client, mentee, field, value, message
):
    client.force_login(mentee)
    before = snapshot(mentee)

    response = client.post("/profile/", profile_data(**{field: value}))

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'id="id_{field}_error"' in content
    assert snapshot(mentee) == before


def test_a_bad_time_zone_is_refused_by_the_service_too(mentee):
    with pytest.raises(ValidationError, match="is not a time zone"):
        profile_update(user=mentee, data={"timezone": "Nowhere/Special", "name": "Changed"})
    mentee.refresh_from_db()
    assert mentee.timezone == "UTC" and mentee.name == "Mia Mentee"


def test_invalid_field_is_marked_for_assistive_technology(client, mentee):
    client.force_login(mentee)
    content = client.post("/profile/", profile_data(timezone="Nope/Nope")).content.decode()
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_timezone_helptext id_timezone_error"' in content


def test_tags_are_tidied_and_repeats_differing_in_case_become_one(client, mentee):
    client.force_login(mentee)
    client.post("/profile/", profile_data(skills=" python ,Python,  machine   learning,, "))
    assert list(mentee.profile.skills.values_list("name", flat=True)) == [
        "machine learning",
        "python",
    ]
    assert Tag.objects.filter(name__iexact="python").count() == 1


def test_an_existing_tag_is_reused_whatever_its_case(client, mentee, mentor):
    profile_update(user=mentor, data={"skills": ["Python"]})
    client.force_login(mentee)
    client.post("/profile/", profile_data(skills="PYTHON"))
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Public speaking", "Python"]
    assert list(mentee.profile.skills.values_list("name", flat=True)) == ["Python"]


def test_clearing_a_field_empties_it(client, mentee):
    profile_update(user=mentee, data={"skills": ["Python"], "links": ["https://a.example"]})
    client.force_login(mentee)
    client.post("/profile/", profile_data(skills="", links="", languages=[]))
    profile = Profile.objects.get(user=mentee)
    assert profile.links == [] and profile.languages == []
    assert not profile.skills.exists()


def test_service_leaves_out_keys_it_is_not_given(mentee):
    profile_update(user=mentee, data={"headline": "Hello", "skills": ["Go"]})
    profile_update(user=mentee, data={"location": "Oslo"})
    profile = Profile.objects.get(user=mentee)
    assert profile.headline == "Hello" and profile.location == "Oslo"
    assert list(profile.skills.values_list("name", flat=True)) == ["Go"]


def test_service_refuses_a_key_that_is_not_part_of_a_profile(mentee):
    with pytest.raises(ValidationError, match="is not something a profile has"):
        profile_update(user=mentee, data={"is_superuser": True})
    mentee.refresh_from_db()
    assert not mentee.is_superuser


def test_profile_page_shows_availability_and_account_links(client, mentee):
    client.force_login(mentee)
    content = client.get("/profile/").content.decode()
    assert "You have not said when you are usually free." in content
    assert 'href="/profile/availability/"' in content
    assert 'href="/accounts/email/"' in content
    assert 'href="/accounts/password/change/"' in content
    assert 'href="/accounts/2fa/"' in content


def test_profile_page_does_a_bounded_number_of_queries(
    client, mentee, django_assert_max_num_queries
):
    profile_update(
        user=mentee,
        data={
            "skills": [f"skill {n}" for n in range(20)],
            "interests": [f"interest {n}" for n in range(20)],
            "languages": ["en", "fr", "de", "es"],
        },
    )
    availability_replace(user=mentee, windows=[(day, time(9), time(11)) for day in range(7)])
    client.force_login(mentee)
    with django_assert_max_num_queries(11):  # +1: unread messages in the navigation
        assert client.get("/profile/").status_code == 200


def test_new_person_has_a_profile_to_edit(client, db):
    person = factories.make_user("fresh@example.com")
    client.force_login(person)
    assert client.get("/profile/").status_code == 200
