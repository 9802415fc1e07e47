"""A mentor who added a resource may edit it and withdraw it; coordinators still curate
everything in their program; nobody else may touch it (a 404 on the pages, a clear error from
the services)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.growth import services
from lodestar.programs.models import Enrolment
from lodestar.programs.services.enrolment import enrolment_withdraw
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Mentoring across time zones"
URL = "https://example.com/time-zones"


@pytest.fixture
def authored(program, mentor):
    """A resource the spring program's mentor added themselves."""
    return services.resource_add(
        program=program,
        by=mentor,
        kind="article",
        title=TITLE,
        url=URL,
        description="What worked for us.",
        tags=["Remote"],
    )


@pytest.fixture
def other_mentor(program):
    user = factories.make_user("other-mentor@example.com", name="Nia Neighbour")
    factories.make_enrolment(program, user, role="mentor", capacity=1)
    return user


@pytest.fixture
def withdrawn_author(authored, mentor, program):
    """The author, after leaving the program."""
    enrolment_withdraw(enrolment=Enrolment.objects.get(user=mentor, program=program), by=mentor)
    return mentor


def edit(resource, by, **changes):
    fields = {"kind": "video", "title": "Renamed", "url": "https://example.com/new", "tags": []}
    fields.update(changes)
    return services.resource_edit(resource=resource, by=by, **fields)


def assert_unchanged(resource):
    resource.refresh_from_db()
    assert (resource.kind, resource.title, resource.url) == ("article", TITLE, URL)
    assert [t.name for t in resource.tags.all()] == ["Remote"]
    assert not resource.hidden


# The rule, at service level --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "may_edit"),
    [
        ("mentor", True),
        ("coordinator", True),
        ("other_mentor", False),
        ("mentee", False),
        ("outsider", False),
        ("other_coordinator", False),
        ("withdrawn_author", False),
    ],
)
def test_who_may_edit_a_mentors_resource(request, authored, who, may_edit):
    assert services.can_edit_resource(request.getfixturevalue(who), authored) is may_edit


def test_the_author_edits_their_own_resource(authored, mentor):
    edit(authored, mentor, description="Updated after the spring cohort.", tags=["Async"])
    authored.refresh_from_db()
    assert (authored.kind, authored.title, authored.url) == (
        "video",
        "Renamed",
        "https://example.com/new",
    )
    assert authored.description == "Updated after the spring cohort."
    assert [t.name for t in authored.tags.all()] == ["Async"]
    assert authored.added_by == mentor


def test_the_author_withdraws_their_resource_and_only_a_coordinator_brings_it_back(
    authored, mentor, coordinator
):
    services.resource_set_hidden(resource=authored, by=mentor, hidden=True)
    authored.refresh_from_db()
    assert authored.hidden

    with pytest.raises(ValidationError) as caught:
        services.resource_set_hidden(resource=authored, by=mentor, hidden=False)
    assert caught.value.code == "withdrawn"
    assert "only the program’s coordinators" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        edit(authored, mentor)
    authored.refresh_from_db()
    assert authored.hidden and authored.title == TITLE

    services.resource_set_hidden(resource=authored, by=coordinator, hidden=False)
    authored.refresh_from_db()
    assert not authored.hidden


@pytest.mark.parametrize(
    "who", ["other_mentor", "mentee", "outsider", "other_coordinator", "withdrawn_author"]
)
def test_others_are_refused_with_a_clear_error_and_nothing_changes(request, authored, who):
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as caught:
        edit(authored, person)
    assert caught.value.code == "not_allowed"
    assert caught.value.messages == [
        "Only this program’s coordinators and the mentor who added it may edit it."
    ]
    with pytest.raises(ValidationError) as caught:
        services.resource_set_hidden(resource=authored, by=person, hidden=True)
    assert caught.value.code == "not_allowed"
    assert_unchanged(authored)


def test_a_mentor_may_not_edit_a_resource_a_coordinator_added(resource, mentor):
    with pytest.raises(ValidationError):
        edit(resource, mentor)
    resource.refresh_from_db()
    assert resource.title == "Giving feedback well"


def test_the_coordinator_still_edits_and_hides_a_mentors_resource(authored, coordinator, mentor):
    edit(authored, coordinator, title="Curated title")
    services.resource_set_hidden(resource=authored, by=coordinator, hidden=True)
    authored.refresh_from_db()
    assert authored.title == "Curated title" and authored.hidden
    assert authored.added_by == mentor


def test_a_coordinator_of_another_program_who_mentors_here_edits_only_their_own(
    program, other_coordinator, resource
):
    """Coordinating one program gives no say over another's library."""
    factories.make_enrolment(program, other_coordinator, role="mentor", capacity=1)
    own = services.resource_add(
        program=program, by=other_coordinator, kind="book", title="Mine", url="https://x.org"
    )
    edit(own, other_coordinator, title="Still mine")
    with pytest.raises(ValidationError):
        edit(resource, other_coordinator)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Give the resource a title."),
        ({"url": "javascript:alert(1)"}, "url", "Links must start with https:// or http://."),
        ({"url": "https://not a web address"}, "url", "Give a full web address"),
        ({"url": "https://"}, "url", "Give a full web address"),
        ({"url": ""}, "url", "Give a link or attach a file."),
        ({"kind": "podcast"}, "kind", "Choose what kind of resource this is."),
    ],
)
def test_the_authors_bad_input_is_refused_and_nothing_changes(
    authored, mentor, changes, field, message
):
    with pytest.raises(ValidationError) as caught:
        edit(authored, mentor, **changes)
    assert message in caught.value.message_dict[field][0]
    assert_unchanged(authored)


# Through the pages -----------------------------------------------------------------------------


def library(program):
    return reverse("resource_library", args=[program.slug])


def edit_url(resource):
    return reverse("resource_edit", args=[resource.program.slug, resource.pk])


def hide_url(resource):
    return reverse("resource_hide", args=[resource.program.slug, resource.pk])


def form_data(**changes):
    data = {"kind": "course", "title": "Working across time zones", "url": URL, "tags": "Remote"}
    data.update(changes)
    return data


def test_the_library_offers_edit_only_where_the_viewer_may_edit(
    client, program, authored, resource, mentor, other_mentor, coordinator
):
    client.force_login(mentor)
    page = client.get(library(program)).content.decode()
    assert edit_url(authored) in page and hide_url(authored) in page
    assert "Withdraw" in page
    assert edit_url(resource) not in page and hide_url(resource) not in page

    client.force_login(other_mentor)
    page = client.get(library(program)).content.decode()
    assert TITLE in page
    assert edit_url(authored) not in page and edit_url(resource) not in page

    client.force_login(coordinator)
    page = client.get(library(program)).content.decode()
    assert edit_url(authored) in page and edit_url(resource) in page


def test_the_author_edits_through_the_page(client, authored, mentor):
    client.force_login(mentor)
    page = client.get(edit_url(authored)).content.decode()
    assert f'value="{TITLE}"' in page
    assert '<label for="id_title">' in page

    response = client.post(edit_url(authored), form_data(), follow=True)

    assert response.redirect_chain[-1][0] == library(authored.program)
    assert "Resource updated." in response.content.decode()
    authored.refresh_from_db()
    assert (authored.kind, authored.title) == ("course", "Working across time zones")


def test_the_author_withdraws_through_the_page(client, program, authored, mentor, mentee):
    client.force_login(mentor)

    response = client.post(hide_url(authored), {"hidden": "1"}, follow=True)

    assert "was withdrawn from the library" in response.content.decode()
    authored.refresh_from_db()
    assert authored.hidden
    assert TITLE not in client.get(library(program)).content.decode()
    assert client.get(edit_url(authored)).status_code == 404
    assert client.post(hide_url(authored), {"hidden": "0"}).status_code == 404
    authored.refresh_from_db()
    assert authored.hidden
    client.force_login(mentee)
    assert TITLE not in client.get(library(program)).content.decode()


@pytest.mark.parametrize(
    "who", ["other_mentor", "mentee", "outsider", "other_coordinator", "withdrawn_author"]
)
def test_others_get_a_404_and_nothing_changes(client, request, authored, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(edit_url(authored)).status_code == 404
    assert client.post(edit_url(authored), form_data(title="Hijacked")).status_code == 404
    assert client.post(hide_url(authored), {"hidden": "1"}).status_code == 404
    assert_unchanged(authored)


def test_the_coordinator_edits_a_mentors_resource_through_the_page(
    client, authored, coordinator, mentor
):
    client.force_login(coordinator)
    assert client.post(edit_url(authored), form_data(title="Curated")).status_code == 302
    assert client.post(hide_url(authored), {"hidden": "1"}).status_code == 302
    authored.refresh_from_db()
    assert authored.title == "Curated" and authored.hidden and authored.added_by == mentor


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Give the resource a title."),
        ({"title": "   "}, "Give the resource a title."),
        ({"url": "javascript:alert(1)"}, "Links must start with https:// or http://."),
        ({"url": "https://not a web address"}, "Give a full web address"),
    ],
)
def test_bad_input_on_the_edit_page_is_shown_and_changes_nothing(
    client, authored, mentor, changes, message
):
    client.force_login(mentor)

    response = client.post(edit_url(authored), form_data(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert_unchanged(authored)


def test_an_author_who_leaves_while_the_form_is_open_cannot_save_it(
    client, authored, mentor, program
):
    client.force_login(mentor)
    assert client.get(edit_url(authored)).status_code == 200
    enrolment_withdraw(enrolment=Enrolment.objects.get(user=mentor, program=program), by=mentor)
    assert client.post(edit_url(authored), form_data()).status_code == 404
    assert_unchanged(authored)


# Query counts ----------------------------------------------------------------------------------


def _library_queries(client, program) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(library(program))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["mentor", "coordinator"])
def test_edit_links_cost_no_query_per_resource(client, request, program, mentor, who):
    client.force_login(request.getfixturevalue(who))

    def add(n):
        services.resource_add(
            program=program,
            by=mentor,
            kind="article",
            title=f"Resource {n}",
            url=f"https://x.org/{n}",
            tags=[f"Tag {n}"],
        )

    for n in range(2):
        add(n)
    few = _library_queries(client, program)
    for n in range(2, 20):
        add(n)
    many = _library_queries(client, program)

    assert many == few
    assert client.get(library(program)).content.decode().count(">Edit<") == 20
