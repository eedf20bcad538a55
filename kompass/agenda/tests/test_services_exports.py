"""`kompass.agenda.services` re-exports every public function and class of its areas (strategy,
measures, kpis), so callers write `services.measure_create(...)` and a new service cannot be left
out; `common` holds the shared helpers and stays internal."""

from __future__ import annotations

import inspect
from types import ModuleType

from kompass.agenda import services
from kompass.agenda.services import common, kpis, measures, strategy

AREAS = (strategy, measures, kpis)


def public_names(module: ModuleType) -> set[str]:
    """The functions and classes `module` defines itself (not what it imports) without a leading _."""
    return {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    }


def test_every_public_function_of_the_areas_is_re_exported() -> None:
    missing = {
        f"{module.__name__}.{name}" for module in AREAS for name in public_names(module) if name not in services.__all__
    }
    assert not missing, f"add to kompass/agenda/services/__init__.py: {sorted(missing)}"


def test_every_name_in_all_is_the_areas_object() -> None:
    defined = {name: module for module in AREAS for name in vars(module) if not name.startswith("_")}
    for name in services.__all__:
        assert name in defined, f"{name} is in __all__ but no area defines it"
        assert getattr(services, name) is getattr(defined[name], name)
    assert len(services.__all__) == len(set(services.__all__))
    assert services.__all__ == sorted(services.__all__)


def test_the_bulk_value_service_and_the_rename_are_there() -> None:
    assert services.kpi_values_record is kpis.kpi_values_record
    assert services.agenda_update is strategy.agenda_update


def test_the_shared_helpers_stay_internal() -> None:
    assert not public_names(common) & set(services.__all__)
