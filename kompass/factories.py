"""factory_boy factories for the domain graph, used by tests and the benchmark."""

from __future__ import annotations

import factory

from kompass.accounts.models import User
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.tenancy.models import Kommune, Membership, Role


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune

    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    slug = factory.Sequence(lambda n: f"gemeinde-{n}")
    kommune_type = "gemeinde"
    bundesland = "NW"
    population = 12000
    ags = factory.Sequence(lambda n: f"05{n:06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    password = factory.PostGenerationMethodCall("set_password", "ein-langes-testpasswort")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    kommune = factory.SubFactory(KommuneFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


def orgunit(
    kommune: Kommune,
    code: str,
    name: str,
    unit_type: str = OrgUnitType.AMT,
    parent: OrgUnit | None = None,
    **extra: object,
) -> OrgUnit:
    """Create a unit through the service, so tree paths and audit are as in production."""
    from kompass.org import services

    return services.orgunit_create(
        kommune=kommune,
        actor=None,
        data={"code": code, "name": name, "unit_type": unit_type, "parent": parent, **extra},
    )


def person(
    kommune: Kommune, first: str, last: str, unit: OrgUnit | None = None, email: str | None = None, **extra: object
) -> Person:
    from kompass.org import services

    return services.person_create(
        kommune=kommune,
        actor=None,
        data={
            "first_name": first,
            "last_name": last,
            "org_unit": unit,
            "email": email or f"{first}.{last}@{kommune.slug}.example".lower(),
            **extra,
        },
    )
