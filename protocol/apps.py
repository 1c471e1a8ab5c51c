from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "protocol"
    verbose_name = "The protocol"

    def ready(self) -> None:
        from council import demo, panels, scale

        from .scale import build_protocols
        from .services import demo_protocol
        from .views import home_panel

        panels.register(home_panel)
        demo.register_extra(demo_protocol)
        scale.register(build_protocols)

        # Data protection: the acknowledgements in a person's export (the protocol is never
        # purged, R24).
        from council import data_protection as dp

        from . import data_protection

        dp.register_export(data_protection.export_sections)
