"""The first-run dialog: this computer, the models to download, and the GigaChat key."""

from ui.welcome.dialog import WelcomeDialog

__all__ = ["WelcomeDialog"]
