from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "concerns"

    def ready(self) -> None:
        from council import demo, panels, scale

        from .demo import demo_concerns
        from .scale import build_concerns
        from .views import home_panel

        panels.register(home_panel)
        demo.register_extra(demo_concerns)
        scale.register(build_concerns)

        # Data protection: the purge of expired records and this app's part of the export.
        from council import data_protection as dp

        from . import data_protection

        dp.register_purge("concerns", data_protection.purge_concerns)
        dp.register_notification_guard(data_protection.open_concern_notices)
        dp.register_export(data_protection.export_sections)
