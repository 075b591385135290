"""The application factory and its configuration."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import create_app
from config import ConfigurationError, database_url, load_config
from tests.conftest import RANDOM_KEY


def test_not_testing_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("CIVCAP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert not app.testing
    assert not app.debug


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("CIVCAP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        load_config(str(tmp_path))


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_config(str(tmp_path), {"SECRET_KEY": "short"})


def test_production_cookies_are_secure_httponly_samesite(tmp_path):
    config = load_config(str(tmp_path), {"SECRET_KEY": RANDOM_KEY})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["DEBUG"] is False
    # "__Host-": over HTTPS only, for this host only, not settable by a subdomain
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("0" * 64, "looks like a placeholder"),
        ("abcd" * 16, "looks like a placeholder (it contains 'abcd')"),
        ("q7" * 32, "has too little variety (2 different characters"),
        ("please-change-this-to-a-random-value-before-production", "looks like a placeholder"),
        ("my-example-secret-key-for-civcap-0987", "looks like a placeholder"),
        ("Wz9q-Lp3v-Hk7t-Rm2x", "at least 32 characters"),
    ],
)
def test_production_refuses_a_placeholder_or_low_variety_secret_key(tmp_path, key, why):
    with pytest.raises(ConfigurationError, match=re.escape(why)):
        load_config(str(tmp_path), {"SECRET_KEY": key})


def test_production_takes_a_random_secret_key(tmp_path):
    assert load_config(str(tmp_path), {"SECRET_KEY": RANDOM_KEY})["SECRET_KEY"] == RANDOM_KEY


def test_testing_makes_a_random_secret_key_per_app(tmp_path):
    first = load_config(str(tmp_path), {"CIVCAP_ENV": "testing"})["SECRET_KEY"]
    second = load_config(str(tmp_path), {"CIVCAP_ENV": "testing"})["SECRET_KEY"]
    assert first != second and len(first) >= 32 and first != "testing"


def test_development_keeps_a_random_secret_in_the_instance_folder(tmp_path):
    first = load_config(str(tmp_path), {"CIVCAP_ENV": "development"})["SECRET_KEY"]
    again = load_config(str(tmp_path), {"CIVCAP_ENV": "development"})["SECRET_KEY"]
    other = load_config(str(tmp_path / "other"), {"CIVCAP_ENV": "development"})["SECRET_KEY"]
    assert first == again and len(first) >= 32
    assert other != first


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="CIVCAP_ENV"):
        load_config(str(tmp_path), {"CIVCAP_ENV": "staging"})


def test_database_url_defaults_to_sqlite_in_instance_and_maps_postgres(tmp_path):
    assert database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/civcap.sqlite3"
    assert database_url("postgresql://u@h/db", "x") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db", "x") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("fifty", "CIVCAP_PAGE_SIZE='fifty' is not a whole number"),
        ("0", "CIVCAP_PAGE_SIZE=0 is not between 1 and 500"),
        ("-5", "CIVCAP_PAGE_SIZE=-5 is not between 1 and 500"),
        ("100000", "CIVCAP_PAGE_SIZE=100000 is not between 1 and 500"),
    ],
)
def test_a_wrong_page_size_is_refused_with_a_clear_message(tmp_path, raw, message):
    env = {"CIVCAP_ENV": "development", "CIVCAP_PAGE_SIZE": raw}
    with pytest.raises(ConfigurationError, match=message):
        load_config(str(tmp_path), env)


def test_the_page_size_is_read_from_the_environment(tmp_path):
    env = {"CIVCAP_ENV": "development", "CIVCAP_PAGE_SIZE": "25"}
    assert load_config(str(tmp_path), env)["PAGE_SIZE"] == 25
    assert load_config(str(tmp_path), {"CIVCAP_ENV": "development"})["PAGE_SIZE"] == 50


def test_logins_end_after_configurable_idle_and_absolute_times(tmp_path):
    env = {"CIVCAP_ENV": "development"}
    config = load_config(str(tmp_path), env)
    assert (config["SESSION_IDLE_MINUTES"], config["SESSION_HOURS"], config["REMEMBER_DAYS"]) == (
        30,
        12,
        30,
    )
    config = load_config(str(tmp_path), {**env, "CIVCAP_SESSION_IDLE_MINUTES": "10"})
    assert config["SESSION_IDLE_MINUTES"] == 10
    with pytest.raises(ConfigurationError, match="CIVCAP_REMEMBER_DAYS=90 is more than 30 days"):
        load_config(str(tmp_path), {**env, "CIVCAP_REMEMBER_DAYS": "90"})
    with pytest.raises(ConfigurationError, match="CIVCAP_SESSION_HOURS=0 must be at least 1"):
        load_config(str(tmp_path), {**env, "CIVCAP_SESSION_HOURS": "0"})
