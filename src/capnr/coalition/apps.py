from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "capnr.coalition"
    label = "coalition"
    verbose_name = _("Coalitions and cohorts")
