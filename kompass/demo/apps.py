from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo Kommunen, the benchmark profiles and the `bench` command: the top floor, imports anything."""

    name = "kompass.demo"
    verbose_name = "Demodaten"
