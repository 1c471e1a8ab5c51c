from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Correspondence and information requests"

    def ready(self) -> None:
        from council import demo, panels, scale

        from .demo import demo_group_reports, demo_letters, demo_press, demo_requests
        from .group_reports import views as group_report_views
        from .press.views import home_panel as press_panel
        from .requests.views import home_panel
        from .scale import build_letters, build_requests

        panels.register(home_panel)
        demo.register_extra(demo_requests)
        demo.register_extra(demo_letters)
        scale.register(build_requests)
        scale.register(build_letters)
        panels.register(group_report_views.home_panel)
        demo.register_extra(demo_group_reports)
        panels.register(press_panel)
        demo.register_extra(demo_press)

        # Data protection: the purge of expired records and this app's part of the export.
        from council import data_protection as dp

        from . import data_protection

        dp.register_purge("information_requests", data_protection.purge_requests)
        dp.register_purge("correspondence", data_protection.purge_letters)
        dp.register_purge("drafts", data_protection.purge_drafts)
        dp.register_notification_guard(data_protection.open_request_notices)
        dp.register_export(data_protection.export_sections)
