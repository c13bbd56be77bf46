"""``fiscal status``'s deadline alert in each language: an English run printed "¡CAEA …!"."""

from __future__ import annotations

import pytest

from pos_central.fiscal.status import render_fortnights
from pos_common.i18n import set_language

FORTNIGHT = {"cuit": "30712345671", "period": "202612", "order": 1, "caea": "21234567890123",
             "valid_from": "2026-12-01", "valid_to": "2026-12-15",
             "report_deadline": "2026-12-23", "days_left": 2, "issued": 3, "informed": 1,
             "rejected": 0, "in_doubt": 0, "pending": 2, "rejections": [],
             "idle_points_of_sale": [], "alert": True}


@pytest.mark.parametrize(("lang", "opens", "says"), [
    ("en", "    CAEA 21234567890123", "comprobantes not informed to ARCA"),
    ("es_AR", "    ¡CAEA 21234567890123", "comprobantes sin informar a ARCA"),
])
def test_the_deadline_alert_reads_right_in_each_language(lang: str, opens: str,
                                                         says: str) -> None:
    set_language(lang)  # tests/conftest.py puts English back
    alert = render_fortnights([FORTNIGHT])[-1]
    assert alert.startswith(opens) and alert.endswith("!") and says in alert
