from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lodestar.demo"
    label = "demo"
    verbose_name = "Demo data"
