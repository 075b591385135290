"""Pages in the reader's language: saved preference, then the switcher's cookie, then the
browser's Accept-Language; Arabic right to left; dates for the locale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.common import i18n
from app.extensions import db
from app.models import (
    CandidateState,
    DismissReason,
    ExpertStatus,
    OrganisationKind,
    RequestStatus,
    Role,
    User,
)
from tests.conftest import login, submit_form


def catalogue(language):
    with (i18n.CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


def page(client, path="/login", **headers):
    return client.get(path, headers=headers).get_data(as_text=True)


def test_the_browser_language_is_used_before_login(app, client):
    french = page(client, **{"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})
    assert '<html lang="fr" dir="ltr">' in french
    assert "Se connecter à civcap" in french or "Connexion à civcap" in french
    arabic = page(client, **{"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<html lang="en" dir="ltr">' in page(client, **{"Accept-Language": "de, ja"})


def test_the_switcher_sets_the_language_of_this_browser(app, client):
    response = submit_form(
        client, "/login", {"language": "es", "next": "/login/forgot"}, action="/language"
    )
    assert response.headers["Location"] == "/login/forgot"
    assert '<html lang="es"' in page(client, "/login/forgot", **{"Accept-Language": "fr"})


def test_a_logged_in_persons_choice_is_saved_with_their_account(app, focal):
    client = login(app, focal.email)
    submit_form(client, "/account/sessions", {"language": "ar", "next": "/"}, action="/language")
    assert db.session.scalar(sa.select(User.language).where(User.id == focal.id)) == "ar"
    other_browser = login(app, focal.email)  # no cookie there: the account's language
    assert 'dir="rtl"' in page(other_browser, "/account/sessions", **{"Accept-Language": "en"})


def test_an_unknown_language_or_a_foreign_next_changes_nothing(app, client):
    response = submit_form(
        client, "/login", {"language": "xx", "next": "https://evil.example/"}, action="/language"
    )
    assert response.headers["Location"] == "/"
    assert client.get_cookie(i18n.COOKIE) is None


def test_dates_are_written_for_the_locale(app):
    moment = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("fr"):
            assert i18n.moment(moment) == "2 déc. 2026, 09:05 UTC"
        with force_locale("en"):
            assert i18n.moment(moment) == "2 Dec 2026, 09:05 UTC"  # the UN's British usage
            assert i18n.day(moment.date()) == "2 Dec 2026"
        with force_locale("fr"):
            assert i18n.day(moment.date()) == "2 déc. 2026"  # the same day, now in French


def test_countries_regions_and_languages_are_named_in_the_readers_language(app):
    from app.common import reference

    with app.test_request_context():
        with force_locale("fr"):
            assert reference.country_name("CI") == "Côte d’Ivoire"
            assert reference.region_name("Western Africa") == "Afrique occidentale"
            assert reference.region_name("South-eastern Asia") == "Asie du Sud-Est"
            assert reference.language_name("sw") == "swahili"
            names = [name for _, name in reference.country_choices()]
            assert names == sorted(names, key=str.casefold) and "Allemagne" in names
        with force_locale("ar"):
            assert reference.country_name("GH") == "غانا"
        with force_locale("en"):
            assert reference.country_name("CI") == "Côte d'Ivoire"
            assert reference.region_name("Western Africa") == "Western Africa"
            # The menus are made once per language: English ones after French ones.
            assert ("DE", "Germany") in reference.country_choices()
            assert ("de", "German") in reference.language_choices()
        with force_locale("es"):
            assert ("de", "Alemán") in reference.language_choices()


def test_the_experts_link_pages_speak_the_experts_language(app, client):
    arabic = catalogue("ar")
    response = client.get("/confirm/not-a-real-token", headers={"Accept-Language": "ar"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'dir="rtl"' in html
    assert arabic["This link cannot be used"].string in html
    assert arabic["Nothing was changed."].string in html
    assert "Nothing was changed" not in html


def test_emails_go_out_in_the_recipients_language(app, focal, hr):
    from app.accounts import links, users
    from app.models import OutboxMessage

    focal.language, hr.language = "fr", "ar"
    db.session.commit()
    users.change_password(focal, "correct horse battery", "a brand new passphrase here")
    with app.test_request_context(headers={"Accept-Language": "es"}):
        links.ask_reset(hr.email)
    french, arabic = catalogue("fr"), catalogue("ar")
    changed, reset = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))

    def one_line(text):  # as the outbox writes a subject
        return " ".join(text.split())

    assert changed.subject == one_line(french["civcap: your password was changed"].string)
    assert reset.subject == one_line(arabic["civcap: choose a new password"].string)
    assert "Dear" not in changed.body and "Dear" not in reset.body


def test_the_admins_outbox_in_spanish(app, admin):
    spanish = catalogue("es")
    admin.language = "es"
    db.session.commit()
    html = login(app, admin.email).get("/admin/outbox").get_data(as_text=True)
    assert spanish["Outbox of notifications"].string in html
    assert "Mail transport" not in html and ">waiting<" not in html


@pytest.mark.parametrize(
    "levels, sender, expected",
    [
        ({"fr": "C2", "en": "B2"}, None, "fr"),  # the language held best
        ({"fr": "C2", "en": "C2"}, "fr", "fr"),  # a tie: the sender's, when it is one of them
        ({"fr": "C2", "en": "C2"}, "es", "en"),  # a tie otherwise: civcap's first
        ({"sw": "C2", "ar": "B1"}, None, "ar"),  # Swahili is not one of civcap's languages
        ({"sw": "C2"}, "fr", "en"),  # none of civcap's: English
    ],
)
def test_an_expert_is_written_to_in_the_language_they_hold_best(levels, sender, expected):
    assert i18n.best_held_language(levels, sender=sender) == expected


def test_babel_context_is_flask_babels_own_namespace(app):
    """The faster look-up of Flask-Babel's per-context namespace finds what Flask-Babel's own
    does: one namespace per app context, made on first use."""
    with app.test_request_context("/"):
        first = i18n._babel_context()
        assert first is not None and i18n._babel_context() is first
        assert i18n._flask_babel_context() is first
        with force_locale("fr"):
            assert str(i18n._babel_context().babel_locale) == "fr"
    with app.app_context():
        assert i18n._flask_babel_context() is i18n._babel_context()


LABELLED = [RequestStatus, ExpertStatus, CandidateState, DismissReason, Role, OrganisationKind]


@pytest.mark.parametrize("kind", LABELLED, ids=lambda kind: kind.__name__)
def test_every_member_of_a_labelled_kind_has_a_label_in_every_language(app, kind):
    """A member added without its label would be a page that fails; each label is translated."""
    with app.test_request_context(), force_locale(i18n.DEFAULT):
        english = {member: member.label for member in kind}
    assert all(english.values())
    for language in i18n.LANGUAGES:
        if language != i18n.DEFAULT:
            messages = catalogue(language)
            assert all(messages.get(label) and messages[label].string for label in english.values())
