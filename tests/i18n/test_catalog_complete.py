"""Both languages complete: every string pybabel extracts has Spanish (each plural form
too), the Spanish keeps the same placeholders, and the English source text is English."""

from __future__ import annotations

import re

import pytest

from pos_common import i18n
from pos_common.i18n import format_money, format_quantity, ngettext, set_language
from tests.i18n.catalogue import PO, catalogue, extracted, spanish_of

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Spanish words an English text may name: languages, ARCA's terms (its environments, the
# razón social), keys as printed on them, and the examples of shop data in placeholders.
NAMES = {
    "español", "mayús", "crédito", "débito", "electrónica", "homologación", "producción",
    "razón", "almacén", "gómez",
}


def test_every_extracted_string_has_spanish() -> None:
    gaps = [s for key, s in sorted(extracted().items(), key=str) if spanish_of(key) is None]
    listing = "\n".join(f"  {s.places[0]}: {s.msgid!r}" for s in gaps)
    assert not gaps, (
        f"{len(gaps)} strings lack Spanish in {PO.relative_to(PO.parents[2])} (README, "
        f"'Languages': pybabel extract, pybabel update, then fill in msgstr):\n{listing}"
    )


def test_the_extraction_finds_calls_markers_plurals_and_error_messages() -> None:
    found = extracted()
    assert "Unknown code: {code}" in found  # a PosError's message, marked with N_
    assert ("{n} line", "{n} lines") in found  # ngettext: one msgid with its plural
    assert "Store" in found  # a settings section named with N_


def test_spanish_keeps_every_placeholder() -> None:
    wrong = {}
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for form in forms:
            if form and sorted(PLACEHOLDER.findall(form)) != wanted:
                wrong[ids[0]] = form
    assert not wrong, f"placeholders differ between English and Spanish: {wrong}"


def test_catalog_has_no_duplicate_msgids() -> None:
    text = PO.read_text(encoding="utf-8")
    ids = re.findall(r'^msgid (".*")$', text, flags=re.MULTILINE)
    dupes = {i for i in ids if ids.count(i) > 1 and i != '""'}
    assert not dupes, f"entries appear twice (the later one wins silently): {dupes}"


def test_the_catalogue_counts_in_two_forms_as_spanish_does() -> None:
    assert catalogue().num_plurals == 2
    assert catalogue().plural_expr == "(n != 1)"


def test_each_plural_has_two_different_spanish_forms() -> None:
    """"Tickets sin imprimir: {count}" for both forms would dodge the plural, not make it."""
    same = [m.id[0] for m in catalogue()
            if isinstance(m.id, tuple) and len(set(m.string)) != len(m.string)]
    assert not same, f"one Spanish text for both counts: {same}"


@pytest.mark.parametrize(
    ("lang", "one", "three", "none"),
    [("es_AR", "1 línea", "3 líneas", "0 líneas"), ("en", "1 line", "3 lines", "0 lines")],
)
def test_counts_read_right_in_both_languages(lang: str, one: str, three: str, none: str) -> None:
    set_language(lang)
    try:
        said = [ngettext("{n} line", "{n} lines", n).format(n=n) for n in (1, 3, 0)]
    finally:
        set_language("en")
    assert said == [one, three, none]


def test_the_english_source_text_has_no_spanish_in_it() -> None:
    """An English run shows the msgids: a Spanish word in one is Spanish in English.

    A word is Spanish when the Spanish catalogue uses it and no English source text does
    (names of ARCA's documents, "Factura", "CAE", appear in both and so pass)."""
    english_words: dict[str, set[str]] = {}
    spanish_words: set[str] = set()
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            for word in WORD.findall(PLACEHOLDER.sub("", text)):
                english_words.setdefault(word.lower(), set()).add(ids[0])
        for form in forms:
            spanish_words.update(w.lower() for w in WORD.findall(PLACEHOLDER.sub("", form)))
    suspects = {
        word: sorted(where)
        for word, where in english_words.items()
        if word in spanish_words and re.search(r"[áéíóúñ]", word) and word not in NAMES
    }
    assert not suspects, f"Spanish words in English source strings: {suspects}"


def test_an_english_run_translates_nothing_and_a_spanish_run_everything() -> None:
    set_language("en")
    assert i18n._("Unknown code: {code}") == "Unknown code: {code}"
    set_language("es_AR")
    try:
        assert i18n._("Unknown code: {code}") == spanish_of("Unknown code: {code}")
    finally:
        set_language("en")


def test_money_numbers_and_dates_follow_the_locale() -> None:
    assert format_money(123450, lang="es_AR") == "$ 1.234,50"
    assert format_money(-5, lang="es_AR") == "-$ 0,05"
    assert format_money(123450, lang="en") == "$1,234.50"
    assert format_quantity(250, weighed=True, lang="es_AR") == "0,250 kg"
    assert format_quantity(1500, weighed=True, lang="en") == "1.500 kg"


# The voseo of a verb the catalogue itself uses (escanear → escaneá, escanealo, escaneás):
# the till speaks to the cashier as "usted" throughout (Escanee, verifique), as issue 16
# asked, so one "escribí" among "escriba" is a slip. "está" is usted's form too, and
# "migrate" is pos-central's command, not "migra + te".
NOT_VOSEO = {"está", "migrate"}
VOWEL_STRESSED = {"a": "á", "e": "é", "i": "í"}
ENCLITICS = ("lo", "la", "los", "las", "le", "les", "me", "te", "se", "nos")


def voseo_of(infinitive: str) -> set[str]:
    stem, vowel = infinitive[:-2], infinitive[-2]
    return {
        stem + VOWEL_STRESSED[vowel],
        stem + VOWEL_STRESSED[vowel] + "s",
        *(stem + vowel + clitic for clitic in ENCLITICS),
    }


def test_spanish_speaks_to_the_user_as_usted_throughout() -> None:
    used: dict[str, str] = {}
    for message in catalogue():
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            for word in WORD.findall(form or ""):
                used.setdefault(word.lower(), form)
    infinitives = {w for w in used if re.fullmatch(r"[^\W\d_]{2,}(ar|er|ir)", w)}
    voseo = {form for verb in infinitives for form in voseo_of(verb)} - NOT_VOSEO
    slips = {word: used[word] for word in sorted(voseo & used.keys())}
    assert not slips, f"voseo where the catalogue says usted: {slips}"
    assert "escaneá" in voseo_of("escanear") and "escanealo" in voseo_of("escanear")
