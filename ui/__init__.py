"""The Vitrina desktop studio (PySide6): thin panels over ``app``; no business logic lives here."""
