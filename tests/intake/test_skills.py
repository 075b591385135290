"""Skill phrases proposed from a terms of reference or a CV (app.intake.skills)."""

from __future__ import annotations

from app.intake import skills


def _values(text: str, **kwargs: object) -> list[str]:
    return [p.value for p in skills.propose(text, **kwargs)]  # type: ignore[arg-type]


def test_english_duty_lines_give_noun_phrases():
    text = (
        "Responsibilities\n"
        "• Provide technical advice on legislative drafting to the ministry;\n"
        "• Advise the committee on parliamentary procedure.\n"
        "Work Experience\n"
        "Seven years of experience in legislative drafting is required.\n"
    )
    values = _values(text)
    assert values[0] == "legislative drafting"
    assert "parliamentary procedure" in values
    assert not any("experience" in v for v in values)


def test_an_action_verb_with_its_object_names_the_skill():
    values = _values("Duties\n- Monitor pre-trial detention in the prisons of the region.\n")
    assert "pre-trial detention monitoring" in values


def test_a_french_sentence_gives_an_english_skill():
    text = (
        "Tâches et responsabilités\n"
        "– appuie la gestion des prisons et la protection des témoins ;\n"
        "– assure la formation des magistrats.\n"
    )
    values = _values(text)
    assert "prison management" in values
    assert "witness protection" in values


def test_a_spanish_sentence_gives_an_english_skill():
    text = (
        "Funciones\n– Apoyará la gestión penitenciaria y la protección de testigos en la región.\n"
    )
    values = _values(text)
    assert "prison management" in values
    assert "witness protection" in values


def test_at_most_limit_phrases_each_with_its_evidence():
    text = (
        "Duties\n"
        "Criminal investigation, crime scene management, chain of custody, case file management, "
        "witness protection, victim support, forensic science, border surveillance, risk "
        "analysis, customs cooperation, community policing, police training.\n"
    )
    proposed = skills.propose(text, limit=5)
    assert len(proposed) == 5
    assert all(p.evidence and p.value.split()[0] in p.evidence.lower() for p in proposed)
    assert skills.propose(text, limit=0) == []
    assert len(skills.propose(text)) <= skills.LIMIT


def test_places_and_generic_words_are_not_skills():
    values = _values(
        "Duty Station: Juba, South Sudan\nLanguages\nFluency in English is required.\n"
        "Duties\nSupport community policing in Juba.\n"
    )
    assert "community policing" in values
    assert not any(v in {"juba", "south sudan", "english", "fluency"} for v in values)


def test_the_roster_name_is_preferred_when_it_says_the_same():
    values = _values(
        "Duties\nSupport the management of prisons.\n", known=["prisons management", "tax audit"]
    )
    assert "prisons management" in values


def test_an_empty_document_proposes_nothing():
    assert skills.propose("") == []
    assert skills.propose("   \n") == []


def test_a_document_in_another_script_gets_english_vocabulary_phrases():
    line = "خبرة في التحقيق الجنائي وإدارة مسرح الجريمة."
    proposed = skills.propose("المهام\n" + line)
    assert proposed
    assert all(p.value.isascii() and p.evidence == line for p in proposed)
