from django.apps import AppConfig


class TabularConfig(AppConfig):
    """Tabular files: reading CSV/XLSX safely, row and column errors, the all-or-nothing import
    pipeline and its kinds, writing CSV/XLSX exports. Knows no domain app."""

    name = "kompass.tabular"
    verbose_name = "Tabellendateien"
