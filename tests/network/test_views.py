from django.urls import reverse

from lodestar.network.models import Introduction, Referral
from lodestar.network.services import introduction_answer, referral_create
from lodestar.programs.models import Enrolment
from tests import factories


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# The introduction's page ---------------------------------------------------------------------


def test_only_the_three_people_open_an_introduction(
    client, intro, mentor, mentee, third, coordinator, outsider
):
    url = reverse("introduction_detail", args=[intro.pk])
    for person in (mentor, mentee, third):
        response = page(client, person, url)
        assert response.status_code == 200
        assert "You both love maps." in response.content.decode()
    for person in (coordinator, outsider):
        assert page(client, person, url).status_code == 404


def test_emails_are_shown_only_once_connected(client, intro, mentee, third):
    url = reverse("introduction_detail", args=[intro.pk])
    assert "tess@example.com" not in page(client, mentee, url).content.decode()
    introduction_answer(introduction=intro, user=mentee, accept=True)
    assert "tess@example.com" not in page(client, mentee, url).content.decode()
    assert "mentee@example.com" not in page(client, third, url).content.decode()
    introduction_answer(introduction=intro, user=third, accept=True)
    assert "tess@example.com" in page(client, mentee, url).content.decode()
    assert "mentee@example.com" in page(client, third, url).content.decode()


def test_answering_through_the_page(client, intro, mentee, third):
    client.force_login(mentee)
    url = reverse("introduction_answer", args=[intro.pk])
    response = client.post(url, {"accept": "yes"}, follow=True)
    assert "connected once both agree" in response.content.decode()
    response = client.post(url, {"accept": "no"}, follow=True)
    assert "already answered" in response.content.decode()
    intro.refresh_from_db()
    assert intro.mentee_answer == "accepted"
    client.force_login(third)
    response = client.post(url, {"accept": "maybe"}, follow=True)
    assert "Choose to accept or decline" in response.content.decode()
    response = client.post(url, {"accept": "yes"}, follow=True)
    assert "You are connected" in response.content.decode()


def test_coordinator_and_introducer_cannot_answer(client, intro, coordinator, mentor):
    url = reverse("introduction_answer", args=[intro.pk])
    client.force_login(coordinator)
    assert client.post(url, {"accept": "yes"}).status_code == 404
    client.force_login(mentor)
    client.post(url, {"accept": "yes"})
    intro.refresh_from_db()
    assert (intro.mentee_answer, intro.other_answer) == ("pending", "pending")


def test_a_decline_stays_private_from_the_other_party(client, intro, mentor, mentee, third):
    introduction_answer(introduction=intro, user=mentee, accept=True)
    introduction_answer(introduction=intro, user=third, accept=False)
    seen_by_mentee = page(client, mentee, reverse("introduction_detail", args=[intro.pk]))
    text = seen_by_mentee.content.decode()
    assert "You accepted" in text
    assert "declined" not in text.lower().replace("if you decline, nobody is told who declined", "")
    assert "Did not go ahead" not in text
    assert "tess@example.com" not in text
    listing = page(client, mentee, reverse("introductions")).content.decode()
    assert "Did not go ahead" not in listing and "You accepted" in listing
    seen_by_mentor = page(client, mentor, reverse("introduction_detail", args=[intro.pk]))
    text = seen_by_mentor.content.decode()
    assert "Did not go ahead" in text
    assert "Declined" not in text  # not who declined


def test_my_introductions_lists_made_and_received(client, intro, mentor, mentee, outsider):
    text = page(client, mentor, reverse("introductions")).content.decode()
    assert "Introductions you made" in text and "Tess Third" in text
    text = page(client, mentee, reverse("introductions")).content.decode()
    assert "Tess Third" in text and "Waiting for your answer" in text
    assert "Tess Third" not in page(client, outsider, reverse("introductions")).content.decode()


# New introduction and referral from the workspace -------------------------------------------


def test_only_the_mentor_opens_the_introduce_page(client, pair, mentor, mentee, coordinator):
    url = reverse("introduction_new", args=[pair.pk])
    assert page(client, mentor, url).status_code == 200
    assert page(client, mentee, url).status_code == 404
    assert page(client, coordinator, url).status_code == 404


def test_mentor_introduces_through_the_page(client, pair, mentor, mentee, third):
    client.force_login(mentor)
    response = client.post(
        reverse("introduction_new", args=[pair.pk]),
        {"mentee": mentee.pk, "other": third.pk, "note": "Maps!"},
    )
    intro = Introduction.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("introduction_detail", args=[intro.pk])


def test_introducing_to_an_unreachable_person_is_refused(client, pair, mentor, mentee, outsider):
    client.force_login(mentor)
    response = client.post(
        reverse("introduction_new", args=[pair.pk]),
        {"mentee": mentee.pk, "other": outsider.pk, "note": "Hi"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["other"]
    assert not Introduction.objects.exists()


def test_introducing_the_mentee_to_themselves_is_refused(client, pair, mentor, mentee):
    client.force_login(mentor)
    response = client.post(
        reverse("introduction_new", args=[pair.pk]),
        {"mentee": mentee.pk, "other": mentee.pk, "note": "Hi"},
    )
    assert "themselves" in response.content.decode()
    assert not Introduction.objects.exists()


def test_mentor_records_a_referral(client, pair, mentor, mentee):
    client.force_login(mentor)
    url = reverse("referral_new", args=[pair.pk])
    response = client.post(url, {"mentee": mentee.pk, "title": "", "link": "nope"})
    assert response.status_code == 200
    assert not Referral.objects.exists()
    response = client.post(
        url, {"mentee": mentee.pk, "title": "Cartographer", "organisation": "Atlas"}
    )
    assert response.status_code == 302
    text = page(client, mentee, reverse("mentorship_detail", args=[pair.pk])).content.decode()
    assert "Cartographer" in text and "Max Mentor recommended Mia Mentee" in text
    assert page(client, mentee, url).status_code == 404


# The workspace panel and the coordinators' counts -------------------------------------------


def test_panel_shows_the_pair_their_introductions(client, intro, pair, mentor, mentee):
    for person in (mentor, mentee):
        text = page(client, person, reverse("mentorship_detail", args=[pair.pk])).content.decode()
        assert "You both love maps." in text


def test_coordinators_see_counts_never_names_or_notes(
    client, intro, pair, mentor, mentee, third, coordinator, program
):
    introduction_answer(introduction=intro, user=mentee, accept=True)
    introduction_answer(introduction=intro, user=third, accept=True)
    referral_create(mentorship=pair, referrer=mentor, mentee=mentee, title="Secret job")
    text = page(client, coordinator, reverse("mentorship_detail", args=[pair.pk])).content
    text = text.decode()
    assert "You both love maps." not in text and "Secret job" not in text
    assert "Tess Third" not in text
    assert (
        page(client, coordinator, reverse("mentorship_detail", args=[pair.pk])).context[
            "network_connected"
        ]
        == 1
    )
    response = page(client, coordinator, reverse("program_network", args=[program.slug]))
    text = response.content.decode()
    assert response.status_code == 200
    assert dict(response.context["rows"])["Connected"] == 1
    assert response.context["referrals"] == 1
    for secret in ("You both love maps.", "Secret job", "Tess Third", "Mia Mentee", "Max Mentor"):
        assert secret not in text


def test_program_network_is_for_its_coordinators_only(client, program, mentor, other_coordinator):
    url = reverse("program_network", args=[program.slug])
    assert page(client, mentor, url).status_code == 404
    assert page(client, other_coordinator, url).status_code == 404


def test_another_mentee_of_a_circle_does_not_see_the_note(client, program, mentor, third):
    mentor_enrolment = Enrolment.objects.get(user=mentor, program=program)
    a = factories.make_user("a@example.com", name="Amy")
    b = factories.make_user("b@example.com", name="Bob")
    circle = factories.make_mentorship(
        program,
        mentor=mentor_enrolment,
        mentees=[factories.make_enrolment(program, a), factories.make_enrolment(program, b)],
    )
    from lodestar.network.services import introduction_propose

    introduction_propose(
        mentorship=circle, introducer=mentor, mentee=a, other=third, note="Private reason"
    )
    text = page(client, b, reverse("mentorship_detail", args=[circle.pk])).content.decode()
    assert "Private reason" not in text
    assert (
        "Private reason"
        in page(client, a, reverse("mentorship_detail", args=[circle.pk])).content.decode()
    )


def test_panel_queries_are_bounded(
    client, pair, mentor, mentee, program, django_assert_max_num_queries
):
    from lodestar.network.workspace import panel

    for n in range(15):
        person = factories.make_user(f"t{n}@example.com", name=f"T{n}")
        factories.make_enrolment(program, person, role="mentor")
        Introduction.objects.create(
            introducer=mentor, mentee=mentee, other=person, mentorship=pair, note="n"
        )
        Referral.objects.create(referrer=mentor, mentee=mentee, mentorship=pair, title=f"J{n}")
    pair = type(pair).objects.prefetch_related("memberships__user").get(pk=pair.pk)
    with django_assert_max_num_queries(2):
        context = panel(pair, mentee, content=True)
    assert len(context["network_introductions"]) == 10
    assert context["network_more_introductions"]
    with django_assert_max_num_queries(2):
        context = panel(pair, mentee, content=False)
    assert context["network_proposed"] == 15 and context["network_referrals"] == 15
