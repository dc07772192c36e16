from django.apps import AppConfig


class CoreConfig(AppConfig):
    """An app only so that Django finds the shared report template and stylesheet."""

    name = "capnr.core"
    label = "core"
