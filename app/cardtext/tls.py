"""TLS trust for GigaChat: certifi's roots plus the Russian Trusted Root CA that Sber's hosts use.

The Russian root is added to certifi, never used instead of it (an auth proxy or a mirror may chain
to an ordinary root), and verification is never turned off.
"""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

import certifi

from app.resources import resource_path

RUSSIAN_ROOT_SHA256 = "d26d2d0231b7c39f92cc738512ba54103519e4405d68b5bd703e9788ca8ecf31"


def russian_root_path() -> Path:
    return resource_path("certs", "russian_trusted_root_ca.pem")


def root_ca_fingerprint(path: Path | None = None) -> str:
    """SHA-256 (hex) of the DER form of the shipped root, as published next to the certificate."""
    pem = (path or russian_root_path()).read_text(encoding="ascii")
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def ssl_context() -> ssl.SSLContext:
    """A fresh verifying context (contexts are mutable, so callers never share one)."""
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_verify_locations(cafile=str(russian_root_path()))
    return context
