"""A stand-in of ARCA's WSAA and WSFEv1 speaking ARCA's SOAP over real HTTP (tests, demo)."""

from pos_arca.standin.faults import FaultKind, FaultPlan
from pos_arca.standin.server import ArcaStandin, StandinConfig

__all__ = ["ArcaStandin", "FaultKind", "FaultPlan", "StandinConfig"]
