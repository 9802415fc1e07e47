"""Survey pages through the test client: coordinators build, send and read surveys; participants
answer theirs; everyone else gets a 404; the export hides what the page hides."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.evaluations.models import Survey, SurveyAssignment, SurveyQuestion
from tests import factories
from tests.evaluations.survey_helpers import answer, assign, make_pair, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(program, coordinator):
    return make_survey(
        program,
        coordinator,
        questions=[
            ("likert", "I am satisfied.", None, True),
            ("single", "How often?", ["Weekly", "Monthly"], True),
            ("text", "Anything else?", None, False),
        ],
    )


@pytest.fixture
def sent(survey, coordinator):
    from lodestar.evaluations.surveys import survey_activate

    return survey_activate(survey=survey, by=coordinator)


def url(name, survey, *extra):
    return reverse(name, args=[survey.program.slug, survey.pk, *extra])


def page(client, user, path, **kwargs):
    client.force_login(user)
    return client.get(path, **kwargs)


def text_of(response) -> str:
    return response.content.decode()


# --- access ---------------------------------------------------------------------------------------


COORDINATOR_GETS = ["survey_detail", "survey_settings", "survey_results", "survey_results_csv"]
COORDINATOR_POSTS = ["survey_activate", "survey_close", "survey_delete", "survey_question_add"]


@pytest.mark.parametrize("who", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_only_the_programs_coordinators_reach_its_survey_pages(client, request, survey, who):
    client.force_login(request.getfixturevalue(who))
    question = survey.questions.first()
    assert client.get(reverse("survey_list", args=["spring"])).status_code == 404
    assert client.post(reverse("survey_new", args=["spring"]), {"title": "x"}).status_code == 404
    for name in COORDINATOR_GETS:
        assert client.get(url(name, survey)).status_code == 404, name
    for name in COORDINATOR_POSTS:
        assert client.post(url(name, survey), {"text": "x", "kind": "text"}).status_code == 404
    for name in ("survey_question_edit", "survey_question_delete", "survey_question_move"):
        assert client.post(url(name, survey, question.pk), {"text": "x"}).status_code == 404
    survey.refresh_from_db()
    assert survey.status == "draft" and survey.questions.count() == 3


def test_a_survey_of_another_program_is_not_found_under_this_one(
    client, coordinator, program, other_program, other_coordinator
):
    theirs = make_survey(other_program, other_coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("survey_detail", args=["spring", theirs.pk])).status_code == 404
    assert client.get(reverse("survey_detail", args=["autumn", theirs.pk])).status_code == 404


def test_pages_ask_a_visitor_to_log_in(client, survey):
    for path in (url("survey_detail", survey), reverse("my_surveys")):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_program_page_links_to_its_surveys(client, coordinator, program):
    content = text_of(page(client, coordinator, reverse("program_manage", args=["spring"])))
    assert reverse("survey_list", args=["spring"]) in content


# --- building -------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_survey_from_a_template(client, coordinator, program):
    response = page(client, coordinator, reverse("survey_list", args=["spring"]))
    assert "30-day satisfaction" in text_of(response)
    response = client.post(reverse("survey_new", args=["spring"]), {"template": "satisfaction_30"})
    survey = Survey.objects.get()
    assert response["Location"] == url("survey_detail", survey)
    content = text_of(client.get(response["Location"]))
    assert "I am satisfied with my mentorship so far." in content
    assert "30 days after each mentorship starts" in content


def test_a_blank_survey_without_a_title_is_refused(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(reverse("survey_new", args=["spring"]), {"template": "", "title": ""})
    assert response.status_code == 400
    assert "Give the survey a title." in text_of(response)
    assert not Survey.objects.exists()


def test_questions_are_added_edited_moved_and_deleted(client, coordinator, survey):
    client.force_login(coordinator)
    response = client.post(
        url("survey_question_add", survey),
        {"kind": "multiple", "text": "What helped?", "choices": "Meetings\nGoals", "required": ""},
    )
    assert response.status_code == 302
    added = survey.questions.last()
    assert (added.kind, added.choices, added.required) == ("multiple", ["Meetings", "Goals"], False)
    client.post(url("survey_question_move", survey, added.pk), {"direction": "up"})
    assert [q.text for q in survey.questions.all()][2] == "What helped?"
    client.post(
        url("survey_question_edit", survey, added.pk),
        {"kind": "single", "text": "What helped most?", "choices": "Meetings\nGoals\nPeople"},
    )
    added.refresh_from_db()
    assert (added.kind, added.text, len(added.choices)) == ("single", "What helped most?", 3)
    client.post(url("survey_question_delete", survey, added.pk))
    assert not SurveyQuestion.objects.filter(pk=added.pk).exists()


def test_a_choice_question_without_choices_is_refused_on_the_page(client, coordinator, survey):
    client.force_login(coordinator)
    response = client.post(
        url("survey_question_add", survey), {"kind": "single", "text": "Pick", "choices": "Yes"}
    )
    assert response.status_code == 400
    assert "Give at least two choices, one a line." in text_of(response)
    assert survey.questions.count() == 3


def test_settings_are_saved_and_bad_ones_explained(client, coordinator, survey):
    client.force_login(coordinator)
    form = {
        "title": "Monthly",
        "intro": "",
        "audience": "mentees",
        "anonymity": "anonymous",
        "min_group_size": "6",
        "anchor": "mentorship_start",
        "offset_days": "30",
        "repeat_days": "60",
        "open_days": "10",
        "remind_after_days": "3",
    }
    assert client.post(url("survey_settings", survey), form).status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.anonymity, survey.repeat_days) == ("Monthly", "anonymous", 60)
    response = client.post(url("survey_settings", survey), form | {"anchor": "closure"})
    assert response.status_code == 400
    assert "a meeting or a closure happens once" in text_of(response)


def test_once_sent_the_settings_page_locks_who_how_and_when(client, coordinator, sent):
    content = text_of(page(client, coordinator, url("survey_settings", sent)))
    for name in ("audience", "anonymity", "anchor", "offset_days", "repeat_days"):
        assert re.search(rf'name="{name}"[^>]*disabled', content), name
    assert not re.search(r'name="title"[^>]*disabled', content)


def test_activating_without_questions_explains_why(client, coordinator, program):
    empty = make_survey(program, coordinator, questions=[])
    client.force_login(coordinator)
    response = client.post(url("survey_activate", empty), follow=True)
    assert "Add at least one question before sending the survey." in text_of(response)
    assert Survey.objects.get(pk=empty.pk).status == "draft"


def test_activate_then_close_from_the_builder(client, coordinator, survey):
    client.force_login(coordinator)
    response = client.post(url("survey_activate", survey), follow=True)
    assert "The survey is active" in text_of(response)
    assert "Close: stop sending it" in text_of(response)
    client.post(url("survey_close", survey))
    assert Survey.objects.get(pk=survey.pk).status == "closed"


# --- results --------------------------------------------------------------------------------------


def respondents(program, n, prefix="x"):
    users = []
    for i in range(n):
        user = factories.make_user(f"{prefix}{i}@example.com", name=f"Person {prefix}{i}")
        factories.make_enrolment(program, user)
        users.append(user)
    return users


@pytest.fixture
def anonymous(program, coordinator):
    return make_survey(
        program,
        coordinator,
        questions=[("nps", "Recommend?", None, True), ("text", "Else?", None, False)],
        anonymity="anonymous",
        min_group_size=3,
        status="active",
    )


def test_an_anonymous_survey_below_the_threshold_shows_nothing_on_the_page_or_in_the_csv(
    client, coordinator, anonymous, program
):
    for user in respondents(program, 2):
        answer(anonymous, user, {0: 10, 1: "Secret words"})
    client.force_login(coordinator)
    for name in ("survey_results", "survey_results_csv"):
        response = client.get(url(name, anonymous))
        content = text_of(response)
        assert response.status_code == 200
        assert "Not enough answers to show (fewer than 3)" in content
        assert "Secret words" not in content and "Person x0" not in content


def test_above_the_threshold_texts_show_without_names_on_the_page_and_in_the_csv(
    client, coordinator, anonymous, program
):
    for user in respondents(program, 3):
        answer(anonymous, user, {0: 9, 1: f"Words of {user.name}"})
    client.force_login(coordinator)
    content = text_of(client.get(url("survey_results", anonymous)))
    assert "Net Promoter Score: 100" in content and "Words of Person x0" in content
    assert "— Person" not in content
    response = client.get(url("survey_results_csv", anonymous))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    csv = text_of(response)
    assert "Words of Person x2" in csv and "x0@example.com" not in csv
    assert "Respondent," not in csv


def test_the_role_filter_hides_a_small_role_on_the_page_and_in_the_csv(
    client, coordinator, anonymous, program
):
    for user in respondents(program, 4):
        answer(anonymous, user, {0: 10})
    mentors = respondents(program, 2, prefix="m")
    for user in mentors:
        answer(anonymous, user, {0: 0}, role="mentor")
    client.force_login(coordinator)
    for name in ("survey_results", "survey_results_csv"):
        content = text_of(client.get(url(name, anonymous), {"role": "mentor"}))
        assert "Not enough answers to show" in content
    assert client.get(url("survey_results", anonymous), {"role": "parent"}).status_code == 400


def test_a_confidential_survey_shows_coordinators_who_wrote_what(
    client, coordinator, sent, program
):
    (person,) = respondents(program, 1)
    answer(sent, person, {0: 4, 1: "0", 2: "Thanks a lot"})
    content = text_of(page(client, coordinator, url("survey_results", sent)))
    assert "Thanks a lot" in content and "Person x0" in content


def test_the_csv_defuses_formulas_written_in_answers(client, coordinator, sent, program):
    (person,) = respondents(program, 1)
    answer(sent, person, {0: 4, 1: "0", 2: "=HYPERLINK(1)"})
    csv = text_of(page(client, coordinator, url("survey_results_csv", sent)))
    assert "'=HYPERLINK(1)" in csv


def test_a_negative_net_promoter_score_stays_a_number_in_the_csv(
    client, coordinator, anonymous, program
):
    for user in respondents(program, 3):
        answer(anonymous, user, {0: 2, 1: "-not a formula"})
    csv = text_of(page(client, coordinator, url("survey_results_csv", anonymous)))
    assert "Net Promoter Score,-100," in csv and "'-not a formula" in csv


def test_the_results_page_does_a_bounded_number_of_queries(client, coordinator, anonymous, program):
    def queries_for(n, prefix):
        for user in respondents(program, n, prefix=prefix):
            answer(anonymous, user, {0: 8, 1: "ok"})
        client.force_login(coordinator)
        path = url("survey_results", anonymous)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = queries_for(3, "a")
    many = queries_for(20, "b")
    assert many == few <= 15


# --- participants ---------------------------------------------------------------------------------


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


@pytest.fixture
def waiting(sent, mentee, pair):
    return assign(sent, mentee, mentorship=pair)


def test_a_participant_sees_their_surveys_waiting_first(client, mentee, sent, waiting, program):
    done = assign(sent, mentee, key="older")
    SurveyAssignment.objects.filter(pk=done.pk).update(status="done")
    content = text_of(page(client, mentee, reverse("my_surveys")))
    assert content.index("Waiting for an answer") < content.index("Answered")
    assert reverse("survey_answer", args=[waiting.pk]) in content


def test_the_dashboard_links_the_surveys_waiting(client, mentee, waiting):
    content = text_of(page(client, mentee, reverse("dashboard")))
    assert "Surveys waiting for your answer" in content
    assert reverse("survey_answer", args=[waiting.pk]) in content


def test_the_answer_form_groups_each_scale_under_its_question(client, mentee, waiting):
    content = text_of(page(client, mentee, reverse("survey_answer", args=[waiting.pk])))
    assert re.search(r"<fieldset[^>]*>\s*<legend>I am satisfied.</legend>", content)
    assert "5 — Strongly agree" in content
    assert re.search(r"<legend>How often\?</legend>", content)
    assert re.search(r'<label for="id_q\d+">Anything else\?</label>', content)
    assert "Confidential: the program’s coordinators see your answers" in content


def test_a_participant_answers_and_then_reads_their_answers(client, mentee, sent, waiting):
    likert, single, _text = sent.questions.all()
    client.force_login(mentee)
    path = reverse("survey_answer", args=[waiting.pk])
    response = client.post(path, {f"q{likert.pk}": "4", f"q{single.pk}": "1"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "done"
    content = text_of(client.get(path))
    assert "You have already answered this survey." in content
    assert "4 — Agree" in content and "Monthly" in content
    again = client.post(path, {f"q{likert.pk}": "1", f"q{single.pk}": "0"}, follow=True)
    assert "You have already answered this survey." in text_of(again)


def test_a_missing_answer_is_shown_next_to_its_question(client, mentee, sent, waiting):
    _likert, single, _text = sent.questions.all()
    client.force_login(mentee)
    response = client.post(reverse("survey_answer", args=[waiting.pk]), {f"q{single.pk}": "0"})
    assert response.status_code == 400
    assert "This question needs an answer." in text_of(response)
    assert SurveyAssignment.objects.get(pk=waiting.pk).status == "pending"


def test_after_answering_an_anonymous_survey_nothing_is_shown_back(
    client, mentee, anonymous, program, pair
):
    assignment = assign(anonymous, mentee, mentorship=pair)
    answer_path = reverse("survey_answer", args=[assignment.pk])
    client.force_login(mentee)
    nps = anonymous.questions.first()
    assert "Anonymous: your answers are kept without your name" in text_of(client.get(answer_path))
    client.post(answer_path, {f"q{nps.pk}": "7"})
    content = text_of(client.get(answer_path))
    assert "cannot be shown to you again" in content and "7 —" not in content


def test_an_expired_survey_says_so_and_takes_no_answer(client, mentee, sent, waiting):
    SurveyAssignment.objects.filter(pk=waiting.pk).update(status="expired")
    client.force_login(mentee)
    path = reverse("survey_answer", args=[waiting.pk])
    assert "The time to answer this survey ended" in text_of(client.get(path))
    likert, single, _text = sent.questions.all()
    client.post(path, {f"q{likert.pk}": "4", f"q{single.pk}": "1"})
    assert not sent.responses.exists()


@pytest.mark.parametrize("who", ["mentor", "coordinator", "outsider", "other_coordinator"])
def test_nobody_else_opens_a_persons_survey(client, request, waiting, who):
    client.force_login(request.getfixturevalue(who))
    path = reverse("survey_answer", args=[waiting.pk])
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code == 404
