from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports: PDF rendering, accessible SVG charts, report workbooks, graph drawing. Knows no domain app."""

    name = "kompass.reports"
    verbose_name = "Berichte"
