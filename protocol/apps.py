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
