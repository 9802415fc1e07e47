def test_home_page_invites_people_to_sign_up(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign up" in response.content


def test_dashboard_requires_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
