"""The pages: login, dashboard, catalogue, prices, terminals, people, reports, dead
letters. Each reads and writes through the same modules as the REST API, and with the
same permissions (a form post is checked like a REST call, CSRF token included)."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from pos_central.api import catalog_editor as editor
from pos_central.api import dead_letters as letters
from pos_central.api import users as office
from pos_central.api.audit import audit
from pos_central.api.auth import (
    ADMIN,
    MANAGER,
    SESSION_COOKIE,
    Api,
    Forbidden,
    Principal,
    Unauthorized,
    admin,
    identify,
    need_store,
    office_user,
    writer,
)
from pos_central.api.pages import LANG_COOKIE, language_of, render, told_page
from pos_central.api.refusals import told
from pos_central.api.routers.catalog import publish
from pos_central.api.routers.dashboard import dashboard_data
from pos_central.api.routers.reports import month_span, report_for
from pos_central.api.security import WeakPassword, same
from pos_central.api.sync_health import terminals as till_health
from pos_central.api.sync_health import today
from pos_central.api.users import issue_token
from pos_central.catalog import CatalogImportFailed, parse_catalog_text
from pos_central.tills import TillRegistryError
from pos_common.i18n import N_, format_money, speaking
from pos_common.messages import TranslatableError
from pos_contracts import CatalogProduct

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "pos_login_csrf"
Page = Annotated[Principal, Depends(office_user)]
PageWriter = Annotated[Principal, Depends(writer)]
PageAdmin = Annotated[Principal, Depends(admin)]


def _cookie_args(api: Api) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": api.settings.secure_cookies}


@router.get("/lang/{code}")
def choose_language(code: str, request: Request, api: Api) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(back if back.startswith(str(request.base_url)) else "/", 303)
    response.set_cookie(
        LANG_COOKIE, "en" if code == "en" else "es_AR", max_age=365 * 86400, **_cookie_args(api)
    )
    return response


@router.get("/login")
def login_form(request: Request, api: Api, error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(request, "login.html", None, error=error, csrf=token)
    page.set_cookie(LOGIN_CSRF, token, max_age=3600, **_cookie_args(api))
    return page


@router.post("/login")
def login(
    request: Request,
    api: Api,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not same(expected, csrf_token):
        return RedirectResponse("/login?error=expired", 303)
    with api.db.connection() as db:
        user = office.check_login(db, name.strip(), password)
        if user is None:
            db.commit()  # the failed attempt and its audit row stay
            return RedirectResponse("/login?error=wrong", 303)
        token, _csrf = office.start_session(db, user.user_id, api.settings.session_hours)
    response = RedirectResponse("/", 303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=api.settings.session_hours * 3600, **_cookie_args(api)
    )
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, who: Page, api: Api) -> Response:
    with api.db.connection() as db:
        office.end_session(db, request.cookies.get(SESSION_COOKIE, ""))
        audit(db, who.name, "logout", f"user:{who.name}")
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def dashboard(request: Request, who: Page, api: Api) -> Response:
    data = dashboard_data(api, who)
    peak = max((h["total"] for h in data["sales"]["by_hour"]), default=0)
    _format_figures(data["sales"]["stores"], language_of(request, who.language))
    return render(request, "dashboard.html", who, peak=peak, **data)


def _format_figures(stores: list[dict[str, Any]], lang: str) -> None:
    """Each store's and terminal's figures as the page shows them, formatted here: for
    250 terminals a template call per figure was a fifth of the page's time."""
    thousands = "." if lang != "en" else ","
    for row in (r for store in stores for r in (store, *store["terminals"])):
        row["count_text"] = f"{row['count']:,}".replace(",", thousands)
        row["total_text"] = format_money(row["total"], lang=lang)


# -- catalogue -----------------------------------------------------------------------
@router.get("/catalog")
def catalog(
    request: Request, who: Page, api: Api, q: str = "", category: str = "", page: int = 1
) -> Response:
    with api.db.connection() as db:
        found = editor.search(db, q, category=category or None, page=page)
        cats = editor.categories(db)
    return render(
        request,
        "catalog.html",
        who,
        found=found,
        q=q,
        category=category,
        categories=cats,
    )


@router.get("/catalog/edit")
def edit_product(request: Request, who: Page, api: Api, sku: str = "") -> Response:
    with api.db.connection() as db:
        found = editor.product(db, sku) if sku else None
    return render(
        request,
        "product.html",
        who,
        product=found,
        error=None,
    )


def _price_cents(text: str) -> int:
    """'1.234,50' or '1234.50' (pesos) → centavos; ValueError if it is not a price."""
    cleaned = text.strip().replace("$", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    value = Decimal(cleaned)
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)


@router.post("/catalog/edit")
def save_product(
    request: Request,
    who: PageAdmin,
    api: Api,
    sku: Annotated[str, Form()],
    name: Annotated[str, Form()],
    price: Annotated[str, Form()],
    iva_rate: Annotated[str, Form()],
    category: Annotated[str, Form()] = "",
    barcodes: Annotated[str, Form()] = "",
    plu: Annotated[str, Form()] = "",
    sold_by_weight: Annotated[str | None, Form()] = None,
    active: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        product = CatalogProduct(
            sku.strip(),
            name.strip(),
            _price_cents(price),
            iva_rate,
            sold_by_weight is not None,
            int(plu) if plu.strip() else None,
            category.strip() or None,
            tuple(c.strip() for c in barcodes.replace(",", " ").split() if c.strip()),
            active is not None,
        )
        from pos_central.api.models import Product

        Product.of(product)  # the wire's own limits, before anything is written
        with api.db.connection() as db:
            result = editor.save_product(db, who.name, product)
    except (ValueError, InvalidOperation, CatalogImportFailed) as error:
        return render(
            request,
            "product.html",
            who,
            status_code=422,
            product=None,
            error=told_page(request, who, error),
            form=dict(await_form(request)),
        )
    change = publish(api, result)
    return RedirectResponse(f"/prices?saved={change.version or ''}", 303)


def await_form(request: Request) -> dict[str, Any]:
    form = getattr(request, "_form", None)
    return dict(form) if form is not None else {}


@router.post("/catalog/import")
async def import_file(
    request: Request, who: PageAdmin, api: Api, file: Annotated[UploadFile, File()]
) -> Response:
    import anyio.to_thread

    raw, name = await file.read(), file.filename or "catalogo.csv"
    try:
        with speaking(language_of(request, who.language)):  # the reader's, not the process's
            products = parse_catalog_text(raw, name)

        def save() -> Any:
            with api.db.connection() as db:
                return editor.import_products(db, who.name, products, name)

        result = await anyio.to_thread.run_sync(save)
    except CatalogImportFailed as error:
        return render(
            request,
            "import_failed.html",
            who,
            status_code=422,
            error=told_page(request, who, error),
        )
    change = await anyio.to_thread.run_sync(publish, api, result)
    return RedirectResponse(f"/prices?saved={change.version or ''}", 303)


# -- prices --------------------------------------------------------------------------
@router.get("/prices")
def prices(request: Request, who: Page, api: Api, saved: str = "") -> Response:
    now = datetime.now(UTC)
    with api.db.connection() as db:
        versions = editor.versions(db, limit=10)
        cats = editor.categories(db)
        tills = till_health(db, None if who.role == ADMIN else sorted(who.stores) or None, now)
    return render(
        request,
        "prices.html",
        who,
        versions=versions,
        categories=cats,
        tills=tills,
        saved=saved,
    )


@router.post("/prices/bulk")
def bulk(
    request: Request,
    who: PageAdmin,
    api: Api,
    percent: Annotated[str, Form()],
    q: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
) -> Response:
    try:
        value = Decimal(percent.replace(",", ".").strip())
        if not Decimal(-90) <= value <= Decimal(1000):
            raise InvalidOperation
    except InvalidOperation:
        return RedirectResponse("/prices?saved=bad-percent", 303)
    try:
        with api.db.connection() as db:
            result, _ = editor.bulk_percent(db, who.name, value, query=q,
                                            category=category or None)
    except CatalogImportFailed as error:  # stored products that repeat a code: none changed
        return render(request, "import_failed.html", who, status_code=409,
                      error=told_page(request, who, error))
    change = publish(api, result)
    return RedirectResponse(f"/prices?saved={change.version or 'none'}", 303)


# -- terminals -----------------------------------------------------------------------
@router.get("/terminals")
def terminals_page(request: Request, who: Page, api: Api) -> Response:
    scope = None if who.role == ADMIN or not who.stores else sorted(who.stores)
    with api.db.connection() as db:
        tills = till_health(db, scope, datetime.now(UTC))
    return render(
        request,
        "terminals.html",
        who,
        tills=tills,
        credentials=None,
        error=None,
    )


@router.post("/terminals")
def register_till(
    request: Request,
    who: PageWriter,
    api: Api,
    store_id: Annotated[str, Form()],
    terminal_id: Annotated[str, Form()],
) -> Response:
    from pos_central.api.models import NewTerminal
    from pos_central.api.routers.terminals import register

    error, credentials = None, None
    try:
        credentials = register(
            NewTerminal(store_id=store_id.strip(), terminal_id=terminal_id.strip()), who, api
        )
    except (ValueError, TillRegistryError) as failure:
        error = str(failure)
    scope = None if who.role == ADMIN or not who.stores else sorted(who.stores)
    with api.db.connection() as db:
        tills = till_health(db, scope, datetime.now(UTC))
    return render(
        request,
        "terminals.html",
        who,
        tills=tills,
        credentials=credentials,
        error=error,
        status_code=200 if error is None else 422,
    )


@router.post("/terminals/{store_id}/{terminal_id}/revoke")
def revoke_till(store_id: str, terminal_id: str, who: PageWriter, api: Api) -> Response:
    from pos_central.api.routers.terminals import revoke

    revoke(store_id, terminal_id, who, api)
    return RedirectResponse("/terminals", 303)


# -- people --------------------------------------------------------------------------
@router.get("/people")
def people(request: Request, who: PageAdmin, api: Api, error: str = "") -> Response:
    with api.db.connection() as db:
        found = office.list_users(db)
        stores = [str(r[0]) for r in db.execute("SELECT store_id FROM stores ORDER BY 1")]
    return render(
        request,
        "people.html",
        who,
        users=found,
        stores=stores,
        error=error,
    )


@router.post("/people")
def add_person(
    request: Request,
    who: PageAdmin,
    api: Api,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
    full_name: Annotated[str, Form()] = "",
    stores: Annotated[str, Form()] = "",
) -> Response:
    try:
        with api.db.connection() as db:
            office.create_user(
                db,
                actor=who.name,
                name=name.strip(),
                password=password,
                role=role,
                full_name=full_name.strip(),
                stores=[s for s in stores.replace(",", " ").split() if s],
            )
    except (office.UserError, WeakPassword) as error:
        return RedirectResponse(f"/people?error={explained(request, who, error)}", 303)
    return RedirectResponse("/people", 303)


@router.post("/people/{user_id}")
def change_person(
    request: Request,
    user_id: int,
    who: PageAdmin,
    api: Api,
    role: Annotated[str, Form()],
    full_name: Annotated[str, Form()] = "",
    stores: Annotated[str, Form()] = "",
    active: Annotated[str | None, Form()] = None,
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        with api.db.connection() as db:
            office.update_user(
                db,
                user_id,
                actor=who.name,
                role=role,
                full_name=full_name.strip(),
                stores=[s for s in stores.replace(",", " ").split() if s],
                active=active is not None,
                password=password or None,
            )
    except (office.UserError, WeakPassword) as error:
        return RedirectResponse(f"/people?error={explained(request, who, error)}", 303)
    return RedirectResponse("/people", 303)


@router.post("/people/{user_id}/token")
def person_token(request: Request, user_id: int, who: PageAdmin, api: Api) -> Response:
    with api.db.connection() as db:
        token = issue_token(db, actor=who.name, label="web", user_id=user_id)
        found = office.list_users(db)
        stores = [str(r[0]) for r in db.execute("SELECT store_id FROM stores ORDER BY 1")]
    return render(
        request,
        "people.html",
        who,
        users=found,
        stores=stores,
        error="",
        token=token,
        token_user=user_id,
    )


# -- reports -------------------------------------------------------------------------
@router.get("/reports")
def reports(request: Request, who: Page, api: Api, day: str = "", month: str = "") -> Response:
    if month:
        first, last = month_span(month)
    else:
        first = last = (
            date.fromisoformat(day)
            if day
            else today(api.settings.timezone, datetime.now(UTC))  # head office's today
        )
    report = report_for(api.settings.db_url, who, first, last)
    peak = max((s["net_sales"] for s in report["stores"]), default=0)
    return render(
        request,
        "reports.html",
        who,
        report=report,
        day=first.isoformat(),
        month=month,
        peak=peak,
    )


# -- dead letters --------------------------------------------------------------------
@router.get("/dead-letters")
def dead_letters(request: Request, who: Page, api: Api, status: str = "open") -> Response:
    scope = None if who.role == ADMIN or not who.stores else sorted(who.stores)
    with api.db.connection() as db:
        found = letters.listing(db, status or None, scope)
    return render(
        request,
        "dead_letters.html",
        who,
        letters=found,
        status=status,
    )


@router.get("/dead-letters/{dead_letter_id}")
def dead_letter(
    request: Request, dead_letter_id: int, who: Page, api: Api, error: str = ""
) -> Response:
    from pos_central.api.routers.dead_letters import get_dead_letter

    found = get_dead_letter(dead_letter_id, who, api)
    return render(
        request,
        "dead_letter.html",
        who,
        letter=found,
        error=error,
    )


@router.post("/dead-letters/{dead_letter_id}/{action}")
def act_on_dead_letter(
    request: Request, dead_letter_id: int, action: str, who: PageAdmin, api: Api,
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        with api.db.connection() as db:
            if action == "replay":
                letters.replay(
                    db, api.settings.amqp_url, api.settings.topology, dead_letter_id, who.name, note
                )
            elif action == "discard":
                letters.discard(db, dead_letter_id, who.name, note)
            else:
                raise letters.DeadLetterError(N_("unknown action {action}"), action=repr(action))
    except letters.DeadLetterError as error:
        return RedirectResponse(
            f"/dead-letters/{dead_letter_id}?error={explained(request, who, error)}", 303)
    return RedirectResponse("/dead-letters", 303)


__all__ = ["MANAGER", "Forbidden", "Unauthorized", "identify", "need_store", "router"]


def explained(request: Request, who: Any, error: TranslatableError) -> str:
    """``error`` in the page's language (the cookie, else the user's own setting)."""
    return told(error, language_of(request, getattr(who, "language", None)))
