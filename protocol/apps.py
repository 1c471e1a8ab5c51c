from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "protocol"
    verbose_name = "The protocol"

    def ready(self) -> None:
        from council import panels

        from .views import home_panel

        panels.register(home_panel)
