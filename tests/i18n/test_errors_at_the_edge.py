"""A domain error is raised in no language and told in the reader's, where it is shown."""

from __future__ import annotations

from pos_common.i18n import explain, set_language, translations
from pos_desktop.domain.errors import InvalidDiscount, UnknownProduct
from pos_desktop.domain.permissions import Action, ApprovalRequired, Role
from pos_desktop.settings_schema import InvalidSetting, InvalidSettings


def test_the_error_keeps_its_message_id_and_values() -> None:
    error = UnknownProduct(code="779")
    assert error.template == "Unknown code: {code}"
    assert error.params == {"code": "779"}


def test_str_is_english_whatever_language_the_run_speaks() -> None:
    set_language("es_AR")
    try:
        assert str(UnknownProduct(code="779")) == "Unknown code: 779"
        assert explain(UnknownProduct(code="779")) == "Código desconocido: 779"
    finally:
        set_language("en")


def test_one_error_told_in_two_languages_at_once() -> None:
    """Head office answers each request in its own language: no global switch needed."""
    error = ApprovalRequired(Action.DISCOUNT, Role.SUPERVISOR)
    spanish = explain(error, translations("es_AR"))
    english = explain(error, translations("en"))
    assert "supervisor" in english and "discount" in english.lower()
    assert spanish != english and "descuento" in spanish.lower()


def test_reasons_and_nested_errors_are_translated_with_their_error() -> None:
    reason = InvalidSetting(label="Store", reason=InvalidDiscount(reason="too much"))
    both = InvalidSettings({"store.name": reason})
    assert explain(both, translations("en")) == (
        "Please correct: Store: Invalid discount: too much")
    assert explain(both, translations("es_AR")).startswith(
        translations("es_AR").gettext("Please correct: {fields}").split("{")[0])


def test_a_library_error_shows_its_own_text() -> None:
    assert explain(RuntimeError("pika said no")) == "pika said no"
    assert explain(FileNotFoundError(2, "No such file", "x.csv")) == (
        "x.csv: no such file or folder")


def test_a_message_without_values_keeps_its_braces() -> None:
    assert str(UnknownProduct("field {x} of {'a': 1}")) == "field {x} of {'a': 1}"


def test_speaking_a_language_changes_only_this_context_never_the_process() -> None:
    """Head office answers each request in its reader's language; the others, on other
    threads at the same moment, keep theirs."""
    import threading

    from pos_common.i18n import _, current_language, set_language, speaking

    before = current_language()
    set_language("es_AR")
    try:
        inside: list[str] = []
        entered, leave = threading.Event(), threading.Event()

        def reader_in_english() -> None:
            with speaking("en"):
                inside.append(_("Sales"))
                entered.set()
                leave.wait(10)
                inside.append(current_language())

        other = threading.Thread(target=reader_in_english)
        other.start()
        assert entered.wait(10)
        assert _("Sales") == "Ventas" and current_language() == "es_AR"  # meanwhile, here
        leave.set()
        other.join(10)
        assert inside == ["Sales", "en"]
        with speaking("xx") as code:  # unknown: the till's first language
            assert code == "es_AR" and _("Sales") == "Ventas"
        assert current_language() == "es_AR"
    finally:
        set_language(before)
