"""What every request handler may use, built once by ``create_app`` (the composition root
of the API): settings, the database pool, the snapshot cache, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from pos_central.api.db import Database
from pos_central.api.probes import ApiMetrics, HealthChecks
from pos_central.api.settings import ApiSettings


@dataclass
class Services:
    settings: ApiSettings
    db: Database
    checks: HealthChecks
    metrics: ApiMetrics
    snapshots: Any
    extras: dict[str, Any] = field(default_factory=dict)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found
