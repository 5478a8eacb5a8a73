"""Failures reach the user in words: no errno, exception class or environment variable in the
message; the technical side stays in the log and in the error's ``detail``."""

from __future__ import annotations

import errno
import logging
import socket

import httpx
import keyring
import keyring.errors
import pytest

from app import i18n
from app.cardtext import credentials
from app.cardtext.gigachat_writer import _transport_words
from app.os_errors import os_error_detail, os_error_words


@pytest.fixture
def russian():
    i18n.set_language("ru")
    yield
    i18n.set_language("en")


def test_a_missing_file_is_named_in_words():
    err = FileNotFoundError(errno.ENOENT, "No such file or directory", "/photos/a.jpg")
    words = os_error_words(err)
    assert words == "the file or folder does not exist"
    assert "Errno" not in words and "FileNotFoundError" not in words
    assert "[Errno 2]" in os_error_detail(err)  # the log keeps what the system said


@pytest.mark.parametrize(("code", "words"), [
    (errno.EACCES, "permission denied"), (errno.ENOSPC, "the disk is full"),
    (errno.EROFS, "the disk is read-only")])
def test_common_errnos_have_words(code, words):
    assert os_error_words(OSError(code, "system text")) == words


def test_an_unknown_host_is_not_errno_minus_two(russian):
    err = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert os_error_words(err) == "сервер не найден (проверьте подключение к интернету)"


def test_an_unlisted_errno_still_says_something_plain():
    words = os_error_words(OSError(errno.EXDEV, "Invalid cross-device link"))
    assert words and "cross-device" not in words and "Errno" not in words


def test_russian_words_for_a_missing_file(russian):
    assert os_error_words(FileNotFoundError(errno.ENOENT, "x")) == "такого файла или папки нет"


def test_a_failed_connection_names_the_cause_not_the_errno():
    try:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "[Errno -2] Name or service not known")
        except OSError as cause:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from cause
    except httpx.ConnectError as exc:
        words = _transport_words(exc)
    assert "Errno" not in words and "server was not found" in words


@pytest.fixture
def no_keyring(monkeypatch):
    def none(*_args: object) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    for name in ("get_password", "set_password", "delete_password"):
        monkeypatch.setattr(keyring, name, none)


def test_saving_without_a_password_store_speaks_plainly_and_logs_the_detail(no_keyring, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(credentials.CredentialsError) as err:
        credentials.set_key("c3RvcmVkOmtleQ==")
    said = str(err.value)
    assert "no password store" in said
    for technical in ("NoKeyringError", "GIGACHAT_CREDENTIALS", "environment", "keyring"):
        assert technical not in said
    assert "NoKeyringError" in err.value.detail and "GIGACHAT_CREDENTIALS" in err.value.detail
    assert "NoKeyringError" in caplog.text


def test_forgetting_without_a_password_store_speaks_plainly(no_keyring):
    with pytest.raises(credentials.CredentialsError) as err:
        credentials.delete_key()
    assert "NoKeyringError" not in str(err.value) and "NoKeyringError" in err.value.detail
