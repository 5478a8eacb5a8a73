"""An operating-system failure in words: "[Errno 28] No space left on device" is for the log,
"the disk is full" is for the user.

Use :func:`os_error_words` where a message for the user is made from an ``OSError``; the
exception's own text (errno, path, system wording) goes to the log or to the error's ``detail``.
"""

from __future__ import annotations

import errno
import socket

from app.i18n import N_, translated

# The errnos a user can meet and act on, in their words (translated when shown).
_WORDS = {
    errno.ENOENT: N_("the file or folder does not exist"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk is full"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EEXIST: N_("it already exists"),
    errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTEMPTY: N_("the folder is not empty"),
    errno.EBUSY: N_("it is in use by another program"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EMFILE: N_("too many files are open"),
    errno.EIO: N_("the disk could not be read or written (a hardware error)"),
    errno.ETIMEDOUT: N_("the connection timed out"),
    errno.ECONNREFUSED: N_("the server refused the connection"),
    errno.ECONNRESET: N_("the connection was broken"),
    errno.ENETUNREACH: N_("there is no network connection"),
    errno.EHOSTUNREACH: N_("the server cannot be reached"),
}
_NO_SUCH_HOST = N_("the server was not found (check the internet connection)")
_OTHER = N_("the operating system refused the operation")


def os_error_words(err: OSError) -> str:
    """What went wrong, in the user's words and language, without errno or system text."""
    if isinstance(err, socket.gaierror):  # "[Errno -2] Name or service not known"
        return translated(_NO_SUCH_HOST)
    if isinstance(err, TimeoutError):
        return translated(_WORDS[errno.ETIMEDOUT])
    words = _WORDS.get(err.errno) if err.errno is not None else None
    return translated(words or _OTHER)


def os_error_detail(err: OSError) -> str:
    """The technical text for the log: type, errno and the system's own message."""
    return f"{type(err).__name__}: {err}"
