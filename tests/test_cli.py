"""The `civcap` command line: create-user (imports: test_import.py; demo: test_seed_demo.py)."""

from __future__ import annotations

import pytest

from app.accounts import users
from app.cli import cli
from app.models import OrganisationKind, Role, User
from tests.conftest import count
from tests.factories import make_organisation, make_user

PASSWORD = "a long enough password"


def create_user(runner, **options: str):
    values = {
        "email": "ama.owusu@example.org",
        "name": "Ama Owusu",
        "role": "focal_point",
        "organisation": "Government of GH",
        "password": PASSWORD,
    }
    values.update(options)
    args = ["create-user"]
    for name, value in values.items():
        args += [f"--{name}", value]
    return runner.invoke(cli, args)


def test_create_user(runner, ghana):
    result = create_user(runner, email="Ama.Owusu@Example.org")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Created Member-state focal point ama.owusu@example.org of Government of GH."
    )
    user = users.by_email("ama.owusu@example.org")
    assert user is not None and user.role is Role.FOCAL_POINT and user.organisation == ghana
    assert user.full_name == "Ama Owusu" and user.check_password(PASSWORD)
    assert PASSWORD not in user.password_hash


def test_create_user_for_an_unknown_organisation(runner, ghana):
    result = create_user(runner, organisation="Government of Atlantis")
    assert result.exit_code == 2
    assert "no organisation named 'Government of Atlantis'" in result.stderr
    assert count(User) == 0


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("focal_point", OrganisationKind.MISSION),
        ("requester", OrganisationKind.MEMBER_STATE),
        ("hr_reviewer", OrganisationKind.HQ_DEPARTMENT),
    ],
)
def test_create_user_whose_role_does_not_fit_the_organisation(runner, app, role, kind):
    organisation = make_organisation(kind, name="Somewhere", country="SS")
    result = create_user(runner, role=role, organisation=organisation.name)
    assert result.exit_code == 2
    assert f"Somewhere is {kind.value}" in result.stderr
    assert count(User) == 0


def test_create_user_with_a_short_password(runner, ghana):
    result = create_user(runner, password="short")
    assert result.exit_code == 2
    assert "error: password: must be at least 12 characters" in result.stderr
    assert count(User) == 0


def test_create_user_with_an_email_taken(runner, ghana):
    make_user(Role.FOCAL_POINT, ghana, email="ama.owusu@example.org")
    result = create_user(runner, email="AMA.OWUSU@example.org")
    assert result.exit_code == 2
    assert "a user with email ama.owusu@example.org already exists" in result.stderr
    assert count(User) == 1


def test_create_user_with_an_invalid_email_or_role(runner, ghana):
    result = create_user(runner, email="not-an-email")
    assert result.exit_code == 2 and "error: email:" in result.stderr
    result = create_user(runner, role="superuser")
    assert result.exit_code == 2 and "Invalid value for '--role'" in result.stderr
    assert count(User) == 0


def test_import_of_a_missing_file(runner, app, tmp_path):
    result = runner.invoke(cli, ["import-experts", str(tmp_path / "nowhere.jsonl")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_a_configuration_problem_is_one_clear_line(monkeypatch):
    from click.testing import CliRunner

    from app.cli import cli

    monkeypatch.delenv("CIVCAP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(
        cli,
        [
            "create-user",
            "--email",
            "a@b.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--organisation",
            "X",
            "--password",
            "long enough password",
        ],
    )
    assert result.exit_code == 2
    assert "configuration error: SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output


def test_help_lists_every_command_where_civcap_is_not_configured(monkeypatch):
    from click.testing import CliRunner

    from app.cli import cli

    monkeypatch.delenv("CIVCAP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    commands = result.output.split("Commands:")[1]
    names = ["create-user", "import-experts", "import-requests", "send-mail", "purge", "reindex"]
    names += ["seed-demo", "eval-matching", "bench-matching", "bench-dashboard"]
    for name in names:
        assert f"  {name} " in commands
    assert "configuration error: SECRET_KEY is not set" in result.output
    assert "Traceback" not in result.output
