"""The weekly availability editor: rows of day, from and until, in the person's own time zone."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from lodestar.accounts.models import AvailabilityWindow
from lodestar.accounts.services import availability_replace

URL = "/profile/availability/"


def formset_data(rows: list[tuple], *, initial: int = 0, deleted: tuple[int, ...] = ()) -> dict:
    data = {
        "windows-TOTAL_FORMS": str(len(rows)),
        "windows-INITIAL_FORMS": str(initial),
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, start, end) in enumerate(rows):
        data[f"windows-{index}-weekday"] = str(weekday)
        data[f"windows-{index}-start"] = start
        data[f"windows-{index}-end"] = end
        if index in deleted:
            data[f"windows-{index}-DELETE"] = "on"
    return data


def saved(user) -> list[tuple]:
    return list(
        AvailabilityWindow.objects.filter(user=user)
        .order_by("weekday", "start")
        .values_list("weekday", "start", "end")
    )


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_editor_names_the_time_zone_the_times_are_in(client, mentee):
    mentee.timezone = "America/Chicago"
    mentee.save()
    client.force_login(mentee)
    content = client.get(URL).content.decode()
    assert "America/Chicago" in content
    assert 'id="windows-empty-form"' in content
    assert 'data-formset-add="windows"' in content


def test_person_saves_their_week_and_sees_it_on_their_profile(client, mentee):
    client.force_login(mentee)
    response = client.post(
        URL,
        formset_data(
            [(0, "09:00", "11:00"), (0, "14:00", "16:30"), (3, "18:00", "20:00"), ("", "", "")]
        ),
    )
    assert response.status_code == 302 and response["Location"] == "/profile/"
    assert saved(mentee) == [
        (0, time(9), time(11)),
        (0, time(14), time(16, 30)),
        (3, time(18), time(20)),
    ]
    profile_page = client.get("/profile/").content.decode()
    assert "Your weekly availability is saved." in profile_page
    assert "Monday" in profile_page and "Thursday" in profile_page


def test_windows_that_only_touch_do_not_overlap(client, mentee):
    client.force_login(mentee)
    client.post(URL, formset_data([(1, "09:00", "10:00"), (1, "10:00", "11:00")]))
    assert len(saved(mentee)) == 2


def test_overlapping_windows_are_refused_naming_the_day(client, mentee):
    availability_replace(user=mentee, windows=[(4, time(8), time(9))])
    client.force_login(mentee)
    response = client.post(
        URL, formset_data([(2, "09:00", "12:00"), (2, "11:00", "13:00"), (5, "09:00", "10:00")])
    )
    assert response.status_code == 200
    assert "Two windows overlap on Wednesday" in response.content.decode()
    assert saved(mentee) == [(4, time(8), time(9))]


def test_a_window_swallowing_another_is_an_overlap(client, mentee):
    client.force_login(mentee)
    response = client.post(
        URL, formset_data([(6, "08:00", "18:00"), (6, "12:00", "13:00"), (6, "09:00", "10:00")])
    )
    assert "Two windows overlap on Sunday" in response.content.decode()
    assert saved(mentee) == []


def test_a_window_ending_before_it_starts_is_refused_next_to_its_end(client, mentee):
    availability_replace(user=mentee, windows=[(4, time(8), time(9))])
    client.force_login(mentee)
    response = client.post(URL, formset_data([(0, "09:00", "10:00"), (1, "15:00", "14:00")]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The end must be after the start." in content
    assert 'aria-describedby="id_windows-1-end_error"' in content
    assert saved(mentee) == [(4, time(8), time(9))]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((9, "09:00", "10:00"), "Select a valid choice"),
        ((0, "25:00", "26:00"), "Enter a valid time"),
        ((0, "", "10:00"), "This field is required"),
    ],
)
def test_a_malformed_row_is_refused_and_nothing_is_saved(client, mentee, row, message):
    availability_replace(user=mentee, windows=[(4, time(8), time(9))])
    client.force_login(mentee)
    response = client.post(URL, formset_data([(0, "09:00", "10:00"), row]))
    assert message in response.content.decode()
    assert saved(mentee) == [(4, time(8), time(9))]


def test_more_than_28_windows_are_refused(client, mentee):
    rows = [(day, f"{hour:02d}:00", f"{hour:02d}:30") for day in range(7) for hour in range(5)]
    client.force_login(mentee)
    response = client.post(URL, formset_data(rows))
    assert "List at most 28 windows a week (you listed 35)." in response.content.decode()
    assert saved(mentee) == []


def test_saving_replaces_the_whole_week_and_removed_rows_go(client, mentee):
    availability_replace(user=mentee, windows=[(0, time(9), time(10)), (2, time(9), time(10))])
    client.force_login(mentee)
    response = client.post(
        URL,
        formset_data(
            [(0, "09:00", "10:00"), (2, "09:00", "10:00"), (4, "17:00", "19:00")],
            initial=2,
            deleted=(0,),
        ),
    )
    assert response.status_code == 302
    assert saved(mentee) == [(2, time(9), time(10)), (4, time(17), time(19))]


def test_a_removed_row_is_not_checked(client, mentee):
    client.force_login(mentee)
    response = client.post(
        URL, formset_data([(0, "10:00", "09:00"), (1, "09:00", "10:00")], deleted=(0,))
    )
    assert response.status_code == 302
    assert saved(mentee) == [(1, time(9), time(10))]


def test_editor_shows_saved_windows_as_rows(client, mentee):
    availability_replace(user=mentee, windows=[(0, time(9), time(10)), (2, time(13), time(14))])
    client.force_login(mentee)
    content = client.get(URL).content.decode()
    assert 'name="windows-INITIAL_FORMS" value="2"' in content
    assert 'name="windows-1-start" value="13:00"' in content


def test_one_person_saving_leaves_others_untouched(client, mentee, mentor):
    availability_replace(user=mentor, windows=[(0, time(9), time(10))])
    client.force_login(mentee)
    client.post(URL, formset_data([(1, "09:00", "10:00")]))
    assert saved(mentor) == [(0, time(9), time(10))]


def test_service_refuses_a_bad_week_without_touching_the_old_one(mentee):
    availability_replace(user=mentee, windows=[(0, time(9), time(10))])
    with pytest.raises(ValidationError, match="must end after it starts"):
        availability_replace(user=mentee, windows=[(1, time(10), time(9))])
    with pytest.raises(ValidationError, match="is not a day of the week"):
        availability_replace(user=mentee, windows=[(7, time(9), time(10))])
    assert saved(mentee) == [(0, time(9), time(10))]


def test_editor_does_a_bounded_number_of_queries(client, mentee, django_assert_max_num_queries):
    availability_replace(
        user=mentee,
        windows=[(day, time(hour), time(hour, 30)) for day in range(7) for hour in (9, 12, 15)],
    )
    client.force_login(mentee)
    # Session, user, windows, profile… and the navigation's two unread counts.
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
