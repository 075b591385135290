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
    values = _values("Duties\n- Monitor hate speech in the local media.\n")
    assert values[0] == "hate speech monitoring"


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


# --- where a phrase stands ---------------------------------------------------------------------


def test_the_document_structure_and_practical_labels_are_no_skills():
    values = _values(
        "TERMES DE RÉFÉRENCE\n"
        "Lieu d'affectation : Bangui\n"
        "Date prévue de déploiement : 1er avril 2027\n"
        "Tâches\n"
        "– appuie la gestion des prisons ;\n"
    )
    assert values == ["prison management"]


def test_the_title_names_the_main_skill_and_a_role_noun_its_activity():
    values = _values(
        "Job Title: Systems Administrator\nResponsibilities\nMaintain servers and apply patches.\n"
    )
    assert values[0] == "systems administration"
    french = _values("Intitulé du poste : Conseiller en gestion pénitentiaire\n")
    assert french == ["prison management"]


def test_a_degree_names_a_field_of_study_not_a_skill():
    values = _values(
        "Duties\nPrepare annual work plans.\nEducation\nMaster's degree in public administration.\n"
    )
    assert values.index("annual work plans") < values.index("public administration")
    experience = _values(
        "Requirements\nSeven years of experience with a Master's degree in budget reform.\n"
        "Duties\nPrepare annual work plans.\n"
    )
    assert experience[0] == "budget reform"


def test_phrases_after_experience_in_count_more():
    values = _values(
        "Requirements\nKnowledge of office software; ten years of experience in tax audit.\n"
    )
    assert values[0] == "tax audit"


def test_names_dates_and_places_are_no_skills():
    values = _values(
        "Name: Maria Lopes\n"
        "Address: Bole Sub-City, Addis Ababa\n"
        "Employment record\n"
        "2019-2024: Adviser, Swedish Election Authority, Stockholm; voter registration.\n"
        "June 2018: Giulia Romano Foundation; Tuesday's call.\n"
    )
    assert values == ["voter registration"]


# --- what a line says ------------------------------------------------------------------------


def test_two_phrases_joined_by_and_give_the_phrase_they_share():
    values = _values("Experience\nSeven years of experience in budget preparation and execution.\n")
    assert "budget preparation" in values and "budget execution" in values


def test_generic_words_alone_are_no_skill():
    values = _values("Duties\nProvide support and advice on reform.\n")
    assert values == []


# --- French and Spanish ----------------------------------------------------------------------


def test_expressions_of_the_bilingual_table_come_first():
    values = _values(
        "Tâches\n"
        "– veille au respect des Règles Nelson Mandela et des Règles de Bangkok ;\n"
        "– assure la mise en œuvre du suivi et évaluation.\n"
    )
    assert {"nelson mandela rules", "bangkok rules", "monitoring and evaluation"} <= {
        v.lower() for v in values
    }


def test_adjectives_that_come_first_in_french_stay_first():
    assert "high risk" in _values("Tâches\n– évalue les détenus à haut risque.\n")


def test_a_name_in_capitals_is_not_taken_for_an_english_word():
    values = _values("Tâches\n– coordonne avec les partenaires de Cotonou et de Bamako.\n")
    assert not any(v in {"cotonou", "bamako"} for v in values)
    assert skills._english_word("Cotonou", "fr") is None
    assert skills._english_word("formalisation", "fr") == "formalization"


def test_french_and_spanish_phrases_as_for_victims_and_witnesses():
    values = _values("Tâches\n– appuie la protection des victimes et des témoins ;\n")
    assert "witness protection" in values and "victim protection" in values


# --- names of expertise ----------------------------------------------------------------------


def test_a_phrase_holding_a_name_of_expertise_proposes_the_name():
    values = _values("Duties\n- Review complex investigations of serious crimes.\n")
    assert values[0] == "serious crime investigations"


def test_an_acronym_proposes_the_name_it_starts():
    values = _values("Duties\n- Support the national DDR commission and its partners.\n")
    assert "DDR programming" in values


def test_the_encoder_names_a_phrase_the_tables_do_not_say_and_no_more_than_it():
    names = skills._meant([skills._Line("suivi de la détention préventive prolongée", 2.0)], "fr")
    assert names and names[0][0] == "pre-trial detention monitoring"
    assert not skills._says_no_more("human rights law", "human rights")
    assert skills._says_no_more("Windows Server administration", "Windows Server")


# --- the data files --------------------------------------------------------------------------


def test_the_data_files_are_well_formed():
    domain = skills._domain()
    assert len(domain) > 500 and all(1 <= len(name.split()) <= 6 for name in domain)
    assert all(len(row) >= 3 for row in skills._rows("skills_bilingual.tsv"))
    assert skills._roles("fr")["enqueteur"] == "investigation"
    assert "senior" in skills._ranks("en") and "senior" not in skills._roles("en")
    for language in ("en", "fr", "es"):
        for kind in ("structure", "skip_label", "title_label", "trigger", "degree"):
            assert skills._phrases_of(kind, language), (language, kind)
