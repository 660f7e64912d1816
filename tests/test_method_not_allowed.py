"""A form's address opened with GET (a reload, a bookmark): the calm page, never an empty 405."""

from django.urls import reverse


def test_get_to_a_form_address_shows_the_calm_page(client_for, sam):
    response = client_for(sam).get(reverse("caseload_reassign"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = response.content.decode()
    assert "This address only takes a form's button" in body
    assert "nothing was changed" in body
    assert 'href="/"' in body


def test_anonymous_get_to_a_form_address_is_calm_too(client):
    response = client.get(reverse("caseload_reassign"))
    assert response.status_code in (302, 405)
    if response.status_code == 405:
        assert b"nothing was changed" in response.content
