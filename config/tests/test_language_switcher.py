"""The EN/FR switcher in the navbar: Django's set_language, remembered in a long-lived cookie."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from clients.tests.factories import member


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_the_navbar_offers_one_submit_button_per_language_without_script(client):
    client.force_login(member())
    html = client.get(reverse("clients:list")).content.decode()
    form = html[html.index('id="language-switcher"'):]
    form = form[:form.index("</form>")]
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in form and 'name="language" value="fr"' in form
    assert 'name="next" value="/clients/"' in form
    assert "<script" not in form and "onclick" not in form and "onchange" not in form


@pytest.mark.django_db
def test_the_login_page_has_the_switcher_too(client):
    html = client.get(reverse("login")).content.decode()
    assert 'id="language-switcher"' in html


@pytest.mark.django_db
def test_choosing_french_sets_a_persistent_cookie_and_the_next_pages_are_french(client):
    user = member()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # outlives the session (which ends with the browser)
    html = client.get("/clients/").content.decode()
    assert '<html lang="fr">' in html
    assert "Déconnexion" in html and "Log out" not in html

    # Logging out and in again keeps the language (the cookie belongs to the browser, not the session).
    client.post(reverse("logout"))
    client.force_login(user)
    assert '<html lang="fr">' in client.get("/clients/").content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/clients/"})
    html = client.get("/clients/").content.decode()
    assert '<html lang="en">' in html and "Log out" in html


@pytest.mark.django_db
def test_an_unknown_language_or_an_outside_next_is_ignored(client):
    client.force_login(member())
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/clients/"})
    assert response.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in response.cookies
    response = client.post(reverse("set_language"), {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_a_404_page_does_not_echo_its_address_in_the_switcher(client):
    client.force_login(member())
    html = client.get("/no-such-page/ana@mail.example/").content.decode()
    assert 'id="language-switcher"' in html
    assert "ana@mail.example" not in html and 'name="next"' not in html


@pytest.mark.django_db
def test_hostile_values_posted_to_the_switcher_never_give_a_500(client):
    from testing.fuzz import fuzz_form_post

    client.force_login(member())
    statuses = fuzz_form_post(client, reverse("set_language"), ["language", "next"], max_examples=40)
    assert set(statuses) <= {302, 204}


@pytest.mark.django_db
def test_choosing_a_language_is_kept_on_the_membership_for_the_emails(client):
    user = member()
    assert user.membership.language == "en"
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/clients/"})
    user.membership.refresh_from_db()
    assert user.membership.language == "fr"
    client.post(reverse("set_language"), {"language": "en", "next": "/clients/"})
    user.membership.refresh_from_db()
    assert user.membership.language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["xx", "de", "", "fr\x00", "f" * 600, "../fr"])
def test_an_unknown_language_leaves_the_membership_as_it_was(client, language):
    user = member()
    user.membership.language = "fr"
    user.membership.save()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": language, "next": "/clients/"})
    assert response.status_code == 302
    user.membership.refresh_from_db()
    assert user.membership.language == "fr"


@pytest.mark.django_db
def test_a_regional_variant_is_kept_as_the_language_we_have(client):
    user = member()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr-CA", "next": "/clients/"})
    user.membership.refresh_from_db()
    assert user.membership.language == "fr"


@pytest.mark.django_db
def test_the_switcher_works_without_a_login_or_a_membership(client, django_user_model):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/login/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_a_get_changes_nothing(client):
    user = member()
    client.force_login(user)
    response = client.get(reverse("set_language"), {"language": "fr", "next": "/clients/"})
    assert response.status_code in (302, 204)
    user.membership.refresh_from_db()
    assert user.membership.language == "en"
