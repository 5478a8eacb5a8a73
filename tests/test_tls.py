"""TLS trust: the shipped Russian root is the published one, added to certifi, and nothing else is trusted."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import certifi
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.cardtext import tls
from app.cardtext.gigachat_writer import GigaChatError, GigaChatSettings, GigaChatWriter
from app.describe.protocol import Description
from app.marketplace.marketplaces import get
from tests.gigachat_server import FakeGigaChat

PUBLISHED_SHA256 = "d26d2d0231b7c39f92cc738512ba54103519e4405d68b5bd703e9788ca8ecf31"


def test_the_shipped_root_is_the_published_one() -> None:
    assert tls.root_ca_fingerprint() == PUBLISHED_SHA256 == tls.RUSSIAN_ROOT_SHA256
    cert = x509.load_pem_x509_certificate(tls.russian_root_path().read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Russian Trusted Root CA"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_context_verifies_and_trusts_certifi_plus_the_russian_root() -> None:
    context = tls.ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    names = [dict(part[0] for part in c["subject"]).get("commonName") for c in context.get_ca_certs()]
    certifi_only = ssl.create_default_context(cafile=certifi.where())
    assert "Russian Trusted Root CA" in names
    assert "Russian Trusted Root CA" not in [
        dict(p[0] for p in c["subject"]).get("commonName") for c in certifi_only.get_ca_certs()
    ]
    assert len(names) == len(certifi_only.get_ca_certs()) + 1  # added to certifi, not instead of it
    assert tls.ssl_context() is not context  # never a shared mutable context


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (valid, but signed by nobody we trust)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Vitrina test server")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def https_server(self_signed: tuple[Path, Path]) -> Iterator[FakeGigaChat]:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(*self_signed)
    with FakeGigaChat(tls=server_context) as server:
        yield server


def test_an_untrusted_self_signed_server_is_refused(
    https_server: FakeGigaChat, self_signed: tuple[Path, Path]
) -> None:
    url = https_server.base_url + "/models"
    with httpx.Client(verify=tls.ssl_context()) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client.get(url)
    # The same server is reachable once its certificate is trusted: the refusal above was about trust.
    trusting = tls.ssl_context()
    trusting.load_verify_locations(cafile=str(self_signed[0]))
    with httpx.Client(verify=trusting) as client:
        assert client.get(url).status_code == 401  # no token: but TLS worked


def test_the_writer_refuses_an_untrusted_server_without_retrying(https_server: FakeGigaChat) -> None:
    settings = GigaChatSettings(
        credentials=https_server.key,
        base_url=https_server.base_url,
        auth_url=https_server.auth_url,
        max_retries=3,
        backoff_base=2.0,  # a retry would take seconds: the timing shows there is none
    )

    async def run() -> None:
        writer = GigaChatWriter(settings)
        try:
            await writer.write(Description("A mug."), product_name="mug", marketplace=get("ozon"))
        finally:
            await writer.aclose()

    started = time.monotonic()
    with pytest.raises(GigaChatError) as err:
        asyncio.run(run())
    assert err.value.kind == "tls" and "127.0.0.1" in str(err.value) and "not trusted" in str(err.value)
    assert time.monotonic() - started < 1.5
    assert https_server.requests == []  # no HTTP request got past the handshake
