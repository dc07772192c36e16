from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "capnr.roadmap"
    label = "roadmap"
    verbose_name = _("Roadmap")

    def ready(self) -> None:
        # The actions pages show which catalogue actions the roadmap holds; the actions app does
        # not import the roadmap (it builds on actions), so the roadmap tells it.
        from capnr.actions import plan

        from .models import ItemStatus
        from .selectors import planned_actions

        plan.register(lambda access: planned_actions(access=access), dict(ItemStatus.choices))
