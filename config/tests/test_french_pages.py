"""The main pages in French: the interface, the engine's reasons and the category names."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings

from config.tests.french_office import french_office


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (no scripts, tags or entities; spaces normalised)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


PAGES = {
    # page: (French that must be there, English that must not; data such as NOC titles stays English)
    "dashboard": (["Tableau de bord", "Échéances", "Nouvelles correspondances", "Répartition des notes SCG",
                   "documents en retard", "Déconnexion"],
                  ["Dashboard", "Deadlines", "New matches", "CRS distribution", "documents overdue",
                   "Log out", "French-language proficiency"]),
    "client list": (["Nouveau client", "SCG actuel", "Dans le bassin", "Rechercher"],
                    ["New client", "Current CRS", "In pool", "No clients yet", "All statuses"]),
    "client page": (["Programmes", "Catégories de rondes en vigueur", "dans les quatre compétences",
                     "Faits enregistrés", "Catégorie de l'expérience canadienne",
                     "Compétence linguistique en français", "Invitation à présenter une demande"],
                    ["Recorded facts", "Draw categories in force", "in all four abilities", "Edit profile",
                     "French-language proficiency", "months of", "Canadian Experience Class", "needed"]),
    "draw history": (["Rondes d'invitations d'Entrée express", "Note SCG la plus basse",
                      "Compétence linguistique en français", "Télécharger le CSV"],
                     ["Express Entry rounds", "Lowest CRS", "French-language proficiency", "Download CSV"]),
    "report": (["Rapport d'admissibilité à Entrée express", "Ce qui ferait augmenter la note",
                "Note SCG et ventilation", "Ce rapport applique les règles publiées", "NCLC"],
               ["What would raise the score", "CRS score and breakdown", "in all four abilities",
                "a provincial nomination", "This report applies", "Canadian skilled work"]),
}


@pytest.mark.django_db
def test_the_main_pages_read_in_french(client):
    office = french_office()
    client.force_login(office.consultant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    urls = {"dashboard": "/", "client list": "/clients/", "client page": f"/clients/{office.client.pk}/",
            "draw history": "/draws/", "report": f"/reports/{office.report.pk}/"}
    problems = {}
    for page, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert '<html lang="fr">' in html, page
        text = visible_text(html)
        french, english = PAGES[page]
        missing = [w for w in french if w not in text]
        left = [w for w in english if re.search(rf"\b{re.escape(w)}\b", text)]
        if missing or left:
            problems[page] = {"missing French": missing, "English left": left}
    assert problems == {}


@pytest.mark.django_db
def test_the_same_pages_stay_english_without_the_cookie(client):
    office = french_office(clients=12)
    client.force_login(office.consultant)
    for url in ("/", f"/clients/{office.client.pk}/", f"/reports/{office.report.pk}/"):
        text = visible_text(client.get(url).content.decode())
        assert "Log out" in text and "Déconnexion" not in text
        assert "Tableau de bord" not in text and "dans les quatre compétences" not in text


@pytest.mark.django_db
def test_other_pages_answer_in_french_too(client):
    office = french_office(clients=12)
    client.force_login(office.demo.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    pages = {
        "/invitations/": "Invitations à présenter une demande en cours",
        "/invitations/settings/": "Calendrier des rappels",
        f"/invitations/clients/{office.client.pk}/": "Rappels au client",
        "/alerts/": "Alertes",
        "/audit/": "Historique d'audit",
        f"/clients/{office.client.pk}/edit/": "Enregistrer les modifications",
        f"/clients/{office.client.pk}/reports/": "Rapports d'admissibilité",
        f"/clients/{office.client.pk}/history/": "Historique de",
        "/clients/new/": "Créer le client",
    }
    for url, french in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert french in visible_text(response.content.decode()), url


@pytest.mark.parametrize(("template", "french"), [
    ("500.html", "Une erreur s'est produite"),
    ("403_csrf.html", "Ce formulaire a expiré"),
    ("404.html", "Page introuvable"),
])
def test_error_pages_speak_the_request_language(rf, template, french):
    """Error pages are rendered outside the usual views (500 without a request context)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("fr"):
        html = render_to_string(template, request=rf.get("/") if template == "404.html" else None)
    assert '<html lang="fr">' in html and french in html
