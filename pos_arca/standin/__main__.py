"""``python -m pos_arca.standin --port N [--state FILE]``: run ARCA's stand-in for a demo.

With no ``--ca-cert``/``--ca-key`` it makes a CA and a taxpayer certificate on the fly and writes
them (key included: they are throwaway test credentials) to ``--certs-dir`` so a till can log in.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pos_arca.standin.server import ArcaStandin, StandinConfig


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pos_arca.standin",
                                     description="ARCA WSAA + WSFEv1 stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--admin-port", type=int, default=0)
    parser.add_argument("--state", type=Path, help="JSON file that keeps the state")
    parser.add_argument("--ca-cert", type=Path, help="PEM of the CA whose certificates log in")
    parser.add_argument("--certs-dir", type=Path, default=Path("arca-standin-certs"),
                        help="where a generated CA and taxpayer certificate are written")
    parser.add_argument("--cuit", type=int, default=20123456786)
    parser.add_argument("--caea-point-of-sale", type=int, default=2)
    parser.add_argument("--cae-point-of-sale", type=int, default=1)
    return parser.parse_args()


def _certificate_authority(args: argparse.Namespace) -> x509.Certificate:
    if args.ca_cert:
        return x509.load_pem_x509_certificate(args.ca_cert.read_bytes())
    from pos_arca.testing import make_certificate_authority

    ca = make_certificate_authority()
    taxpayer = ca.issue(args.cuit)
    args.certs_dir.mkdir(parents=True, exist_ok=True)
    (args.certs_dir / "ca.pem").write_bytes(ca.certificate_pem)
    (args.certs_dir / "taxpayer.pem").write_bytes(taxpayer.certificate_pem)
    key_file = args.certs_dir / "taxpayer.key"
    key_file.touch(mode=0o600)
    key_file.write_bytes(taxpayer.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    print(f"test certificates for CUIT {args.cuit} in {args.certs_dir}/")
    return ca.certificate


def main() -> None:
    args = _arguments()
    config = StandinConfig(points_of_sale=((args.cae_point_of_sale, "CAE"),
                                           (args.caea_point_of_sale, "CAEA")))
    standin = ArcaStandin(ca_certificate=_certificate_authority(args), host=args.host,
                          port=args.port, admin_port=args.admin_port, state_file=args.state,
                          config=config).start()
    print(f"WSAA   {standin.wsaa_url}")
    print(f"WSFEv1 {standin.wsfe_url}")
    print(f"admin  {standin.admin_url}/admin/status")
    print("Ctrl+C to stop", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
