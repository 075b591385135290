"""The message catalogues: every string people read is in them, translated in every language.

Two checks guard the rule "once translated, every new string goes through the catalogues":
the catalogues hold every message the code and templates ask for, translated, none fuzzy and
with the same placeholders; and no template says anything outside the translation functions.
A template in ``NOT_YET_TRANSLATED`` would wait for its turn; the set is empty and only
shrinks.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.common.i18n import CATALOGUES, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
TRANSLATED = [code for code in LANGUAGES if code != "en"]  # English is the source

# Templates whose text still waits for the catalogues (relative to app/templates): none now;
# the set stays so that a template brought in from elsewhere can wait its turn, named here.
NOT_YET_TRANSLATED: set[str] = set()


def wanted_messages() -> set[str]:
    """Every message the code and the templates ask for (as `make messages` extracts them)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


@pytest.fixture(scope="module")
def wanted() -> set[str]:
    return wanted_messages()


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_translates_every_message(language, wanted):
    path = CATALOGUES / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalogue = read_po(file, locale=language)
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    missing = sorted(wanted - set(messages))
    assert not missing, f"{language}: not in the catalogue (run `make messages`): {missing}"
    untranslated = sorted(
        key
        for key, m in messages.items()
        if key in wanted and (not m.string or (not isinstance(m.string, str) and not all(m.string)))
    )
    assert not untranslated, f"{language}: untranslated: {untranslated}"
    fuzzy = sorted(key for key, m in messages.items() if key in wanted and m.fuzzy)
    assert not fuzzy, f"{language}: fuzzy (check and clear the flag): {fuzzy}"
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalogue.check()
    ]
    assert not problems, f"{language}: {problems}"


def test_the_placeholders_match_the_english(wanted):
    for language in TRANSLATED:
        with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
            catalogue = read_po(file, locale=language)
        for message in catalogue:
            if not message.id:
                continue
            source = message.id if isinstance(message.id, str) else message.id[1]
            targets = [message.string] if isinstance(message.string, str) else message.string
            wanted_names = sorted(re.findall(r"%\((\w+)\)", source))
            for target in targets:
                assert sorted(re.findall(r"%\((\w+)\)", target)) == wanted_names, (
                    language,
                    message.id,
                    target,
                )


class _Text(HTMLParser):
    """The text a person reads in a template, with Jinja's own parts taken out."""

    READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value and _words(value):
                self.found.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _words(data):
            self.found.append(data.strip())


def _words(text: str) -> bool:
    """Whether ``text`` has words to read (the product's name, civcap, is the same in all)."""
    return re.search(r"[^\W\d_]{2,}", text.replace("civcap", "")) is not None


def untranslated_text(source: str) -> list[str]:
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    source = re.sub(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}", " ", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    parser.close()
    return parser.found


TEMPLATE_NAMES = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_templates_say_nothing_outside_the_translation_functions(name):
    found = untranslated_text((TEMPLATES / name).read_text())
    if name in NOT_YET_TRANSLATED:
        assert found, f"{name} is translated: take it off NOT_YET_TRANSLATED"
        return
    assert not found, f"{name} holds text outside _() or {{% trans %}}: {found}"


def test_the_list_of_templates_to_translate_names_real_ones():
    assert set(TEMPLATE_NAMES) >= NOT_YET_TRANSLATED


def test_the_checker_sees_text_and_attributes_but_not_jinja():
    html = '<p title="Hello there">{{ _("Fine") }} Loose words</p>{# note #}{% if x %}{% endif %}'
    assert untranslated_text(html) == ['p title="Hello there"', "Loose words"]
    assert untranslated_text("{% trans %}Inside a block{% endtrans %} · 12 —") == []
