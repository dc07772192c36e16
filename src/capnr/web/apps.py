from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "capnr.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_account_language

        user_logged_in.connect(remember_account_language, dispatch_uid="capnr_account_language")
