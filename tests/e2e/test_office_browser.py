"""Head office's web pages in a real browser (Debian's headless Chromium driven by
Playwright; never a downloaded browser): a person logs in, changes a price, and a
running till — its real catalogue listener, in this process — receives it through the
real broker; the prices page then shows when that till applied the new version."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_central.api.app import create_app
from pos_central.api.db import Database
from pos_central.api.server import ApiServer
from pos_central.api.settings import ApiSettings
from pos_central.api.users import create_user
from pos_desktop.app import Till
from pos_desktop.secrets import API_TOKEN, set_secret
from tests.e2e.test_sync_end_to_end import (  # noqa: F401 - fixtures
    Central,
    central,
    configure,
    memory_keyring,
    till,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture
def office(central: Central) -> Iterator[ApiServer]:  # noqa: F811
    settings = ApiSettings(db_url=central.db_url, amqp_url=central.amqp_url,
                           topology=central.topology, till_token="till-secret",
                           collect_dead_letters=False)
    db = Database(central.db_url, size=1, statement_timeout_ms=10_000)
    db.pool.open(wait=True)
    with db.connection() as conn:
        create_user(conn, actor="test", name="marta", password="una clave larga", role="admin")
    db.close()
    with ApiServer(create_app(settings)) as server:
        yield server


def till_and_office(till: Till, central: Central, office: ApiServer, browser: object,  # noqa: F811
                    amqp_url: str, tmp_path: Path) -> Any:
    """A running till with head office's catalogue, and a page logged in as marta."""
    central.import_catalog(tmp_path, [("SKU-A", "Yerba Test", "1000.00", "7790000000010")])
    configure(till, central, amqp_url)
    with till.uow() as uow:
        uow.settings.set("sync.central_url", office.url)
        uow.commit()
    set_secret(API_TOKEN, "till-secret")
    till.start_sync()
    wait_for(lambda: till.register.catalog.by_sku("SKU-A") is not None, what="the snapshot")

    page = browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.goto(office.url + "/login")
    page.fill("input[name=name]", "marta")
    page.fill("input[name=password]", "una clave larga")
    page.click("button.primary")
    page.wait_for_url(office.url + "/")
    return page


def test_a_price_changed_in_the_browser_reaches_a_running_till(
    till: Till, central: Central, office: ApiServer, browser: object, amqp_url: str, tmp_path: Path  # noqa: F811
) -> None:
    page = till_and_office(till, central, office, browser, amqp_url, tmp_path)
    page.goto(office.url + "/catalog?q=yerba")
    page.click("text=Editar")
    page.fill("#price", "1.250,50")
    page.click("#save")
    page.wait_for_url("**/prices**")

    wait_for(lambda: till.register.catalog.by_sku("SKU-A").price == 125_050,  # type: ignore[union-attr]
             what="the new price at the till")

    def applied_shown() -> bool:
        page.goto(office.url + "/prices")
        return "S001/T01" in page.inner_text("td.applied")

    wait_for(applied_shown, what="the prices page to show the till applied version 2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "prices-applied.png"))
    assert "$ 1.250,50" in page.goto(office.url + "/catalog?q=yerba").text()  # type: ignore[union-attr]


def test_a_cashier_added_in_the_browser_logs_in_at_a_running_till(
    till: Till, central: Central, office: ApiServer, browser: object, amqp_url: str, tmp_path: Path  # noqa: F811
) -> None:
    page = till_and_office(till, central, office, browser, amqp_url, tmp_path)
    page.click("text=Personal de caja")
    form = page.locator("#add-person")
    form.locator("[name=store_id]").fill("S001")
    form.locator("[name=user_id]").fill("u-lucia")
    form.locator("[name=name]").fill("Lucía Gómez")
    form.locator("[name=role]").select_option("supervisor")
    form.locator("[name=pin]").fill("4321")
    form.locator("button.primary").click()
    page.wait_for_selector("#saved")

    wait_for(lambda: till.people.get("u-lucia") is not None, what="the cashier at the till")
    assert till.people.authenticate("u-lucia", "4321").role.value == "supervisor"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff.png"), full_page=True)
    assert "Lucía Gómez" in page.content()
