"""``/v1/products``, ``/v1/prices/bulk``, ``/v1/catalog/import``, ``/v1/catalog/versions``:
head office's catalogue (admins write; everyone identified reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile

from pos_central.api import catalog_editor as editor
from pos_central.api.auth import Admin, Api, Reader
from pos_central.api.models import BulkPrice, CatalogChange, Product, ProductPage
from pos_central.api.refusals import reader_language, refused
from pos_central.catalog import (
    CatalogImportFailed,
    CatalogPublishError,
    ImportResult,
    parse_catalog_text,
    publish_pending,
)
from pos_central.database import DatabaseUnavailable
from pos_common.i18n import speaking
from pos_common.messages import N_, TranslatableError

router = APIRouter(prefix="/v1", tags=["catalogue"])


def publish(api: Api, result: ImportResult) -> CatalogChange:
    """After the commit: send the new version to the tills now if the broker answers;
    otherwise the background task sends it when it does."""
    if result.version is None:
        return CatalogChange(version=None, changed=0, published=True)
    try:
        publish_pending(api.settings.db_url, api.settings.amqp_url, api.settings.topology)
    except (CatalogPublishError, DatabaseUnavailable) as error:
        return CatalogChange(
            version=result.version, changed=result.changed, published=False, warning=str(error)
        )
    return CatalogChange(version=result.version, changed=result.changed, published=True)


def not_saved(error: CatalogImportFailed) -> HTTPException:
    """409: a change that would name one code on two products lists them in its reader's
    language (``RepeatedCodes``); a file's bad rows come worded already."""
    if isinstance(error, TranslatableError):
        return refused(409, error)
    return HTTPException(409, str(error))


@router.get("/products", response_model=ProductPage, summary="Search the catalogue")
def search_products(
    _who: Reader,
    api: Api,
    q: str = "",
    category: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = editor.PAGE,
) -> ProductPage:
    with api.db.connection() as db:
        found = editor.search(db, q, category=category, page=page, per_page=per_page)
    return ProductPage(
        products=[Product.of(p) for p in found.products],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )


@router.get("/products/{sku}", response_model=Product)
def get_product(sku: str, _who: Reader, api: Api) -> Product:
    with api.db.connection() as db:
        found = editor.product(db, sku)
    if found is None:
        raise refused(404, TranslatableError(N_("no such product {sku}"), sku=repr(sku)))
    return Product.of(found)


@router.put("/products/{sku}", response_model=CatalogChange, summary="Create or change")
def put_product(sku: str, body: Product, who: Admin, api: Api) -> CatalogChange:
    if body.sku != sku:
        raise refused(422, TranslatableError(
            N_("the SKU in the body is not the one in the address")))
    try:
        with api.db.connection() as db:
            result = editor.save_product(db, who.name, body.to_catalog())
    except CatalogImportFailed as error:  # e.g. a barcode or PLU another product has
        raise not_saved(error) from None
    return publish(api, result)


@router.post("/prices/bulk", response_model=CatalogChange, summary="Change prices by a percent")
def bulk_prices(body: BulkPrice, who: Admin, api: Api) -> CatalogChange:
    """One version for the whole selection, or none: a selection whose stored products
    repeat a code (written before head office refused that) is refused whole (409)."""
    try:
        with api.db.connection() as db:
            result, _selected = editor.bulk_percent(
                db, who.name, body.percent, query=body.query, category=body.category
            )
    except CatalogImportFailed as error:
        raise not_saved(error) from None
    return publish(api, result)


@router.post("/catalog/import", response_model=CatalogChange, summary="Import a catalogue CSV")
async def import_csv(request: Request, who: Admin, api: Api,
                     file: Annotated[UploadFile, File()]) -> CatalogChange:
    """The till's CSV format; a file with any bad row imports nothing (422 lists them, in
    the reader's language)."""
    raw = await file.read()
    name = file.filename or "catalogo.csv"
    try:
        with speaking(reader_language(request)):
            products = parse_catalog_text(raw, name)
    except CatalogImportFailed as error:
        raise HTTPException(422, str(error)) from None

    def save() -> ImportResult:
        with api.db.connection() as db:
            return editor.import_products(db, who.name, products, name)

    import anyio.to_thread

    try:
        result = await anyio.to_thread.run_sync(save)
    except CatalogImportFailed as error:
        raise not_saved(error) from None
    return await anyio.to_thread.run_sync(publish, api, result)


@router.get("/catalog/versions", summary="Versions and when each till applied them")
def catalog_versions(_who: Reader, api: Api) -> list[dict[str, object]]:
    with api.db.connection() as db:
        return editor.versions(db)
