from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = "Correspondence and information requests"

    def ready(self) -> None:
        from council import demo, panels

        from .demo import demo_letters, demo_requests
        from .views import home_panel

        panels.register(home_panel)
        demo.register_extra(demo_requests)
        demo.register_extra(demo_letters)
