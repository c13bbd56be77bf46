"""What the till, its reports and head office call each tender and IVA rate: one table.

The keys are the wire's (``cash``, ``10.5``, ``exempt``); the labels are msgids, told in
the reader's language (head office's reports are Spanish: ``lang="es_AR"``).
"""

from __future__ import annotations

from pos_common.i18n import current_language, translations
from pos_common.messages import N_

TENDER_LABELS = {
    "cash": N_("Cash"),
    "debit": N_("Debit"),
    "credit": N_("Credit"),
    "transfer": N_("Transfer / QR"),
}
RATE_WORDS = {"exempt": N_("Exempt"), "not_taxed": N_("Not taxed")}


def tender_label(kind: str, lang: str | None = None) -> str:
    """``debit`` → "Débito" / "Debit"; an unknown kind as it is."""
    label = TENDER_LABELS.get(kind)
    return translations(lang or current_language()).gettext(label) if label else kind


def rate_label(rate: str, lang: str | None = None) -> str:
    """``10.5`` → "10,5%" (Spanish) or "10.5%"; ``exempt`` → "Exento" / "Exempt"."""
    lang = lang or current_language()
    if rate in RATE_WORDS:
        return translations(lang).gettext(RATE_WORDS[rate])
    number = rate if lang == "en" else rate.replace(".", ",")
    return f"{number}%"
