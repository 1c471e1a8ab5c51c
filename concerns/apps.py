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
