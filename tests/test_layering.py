"""The code's layering, read from the imports themselves (no module is run).

A feature package imports ``app.common``, ``app.models``, ``app.extensions`` and the features
listed before it in ``FEATURES``, never one after it; ``app.common`` imports no feature;
``matching`` imports neither Flask, SQLAlchemy nor the app; nothing outside ``app.devtools``
imports ``app.devtools`` (its commands are Flask CLI plugins).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first: each feature may use those before it.
FEATURES = [
    "jobs",
    "notifications",
    "accounts",
    "api",
    "skills",
    "intake",
    "roster",
    "availability",
    "cv",
    "personal_data",
    "duplicates",
    "suggestions",
    "assignments",
    "readiness",
    "candidates",
    "outreach",
    "requests",
    "imports",
    "dashboards",
    "digests",
    "serving",
]
BASE = {"app.common", "app.models", "app.extensions"}
# The factory and the CLI group put the features together.
COMPOSITION_ROOT = {"app", "app.cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from app import imports`` imports the package ``app.imports``
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_of(module: str) -> str | None:
    """``app.roster.hr`` -> ``app.roster``; ``app`` itself and its top modules -> None."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 and parts[0] == "app" else None


def app_modules() -> list[Path]:
    return sorted((ROOT / "app").rglob("*.py"))


def known_packages() -> set[str]:
    return {f"app.{p.name}" for p in (ROOT / "app").iterdir() if (p / "__init__.py").exists()} | {
        f"app.{p.stem}" for p in (ROOT / "app").glob("*.py")
    }


def test_every_feature_package_is_placed_in_the_layering():
    placed = {f"app.{f}" for f in FEATURES} | BASE | {"app.devtools", "app.cli", "app.__init__"}
    packages = {f"app.{p.name}" for p in (ROOT / "app").iterdir() if (p / "__init__.py").exists()}
    assert packages - placed == set(), "add new feature packages to FEATURES"


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_what_is_below_it(path: Path):
    me = module_name(path)
    mine = package_of(me)
    packages = known_packages()
    wrong = []
    for target in sorted(imported_modules(path)):
        theirs = package_of(target)
        if theirs is None or theirs not in packages or theirs == mine:
            continue
        if theirs == "app.devtools":
            wrong.append(f"{target} (only the developer tools import the developer tools)")
        elif me in COMPOSITION_ROOT or mine == "app.devtools" or theirs in BASE:
            continue
        elif mine in BASE:
            wrong.append(f"{target} (common code and models import no feature)")
        elif theirs.removeprefix("app.") not in FEATURES:
            wrong.append(f"{target} (not a feature package)")
        elif FEATURES.index(theirs.removeprefix("app.")) > FEATURES.index(
            mine.removeprefix("app.")  # type: ignore[union-attr]
        ):
            wrong.append(f"{target} (a feature above {mine})")
    assert wrong == [], f"{me} imports " + "; ".join(wrong)


@pytest.mark.parametrize("path", sorted((ROOT / "matching").rglob("*.py")), ids=str)
def test_matching_imports_neither_flask_sqlalchemy_nor_the_app(path: Path):
    tops = {name.split(".")[0] for name in imported_modules(path)}
    assert tops & {"flask", "flask_sqlalchemy", "sqlalchemy", "app"} == set()
