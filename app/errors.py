"""One error path: every failure a user can cause or meet is a VitrinaError with a clear message.

Code below the CLI/GUI raises these; the CLI prints ``str(err)`` and the GUI shows it on the item.
Anything else escaping is a bug and is reported as such.
"""

from __future__ import annotations


class VitrinaError(Exception):
    """A failure with a message meant for the user (no traceback needed).

    ``detail`` is the technical side (exception type, errno, setting names) for the log and a
    "Details…" button; the message itself stays in the user's words."""

    detail: str = ""

    def __init__(self, *args: object, detail: str = "") -> None:
        super().__init__(*args)
        if detail:
            self.detail = detail


class BadPhotoError(VitrinaError):
    """The file cannot be used as a photo (unreadable, not an image, too large...)."""


class ModelError(VitrinaError):
    """A model could not be found, downloaded, loaded or run."""


class ExportError(VitrinaError):
    """A bundle could not be written."""


class StateError(VitrinaError):
    """The project's sidecar state could not be read or written."""


class Cancelled(VitrinaError):
    """The user asked to stop; raised at the next safe point."""
