"""factory-boy factories: a valid object in one line."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from clients.models import Client, Education, Firm, Job, LanguageTest, Membership, Spouse

PASSWORD = "correct-horse-battery-9"


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Firm {n}")
    email = factory.Sequence(lambda n: f"office{n}@firm.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@firm.example")
    first_name = "Casey"
    last_name = factory.Sequence(lambda n: f"Consultant{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = Membership.Role.CONSULTANT


def member(firm: Firm | None = None, role: str = "consultant", **user_kwargs):
    """A user who belongs to `firm` (a new one if None) with the given role."""
    firm = firm or FirmFactory()
    return MembershipFactory(firm=firm, role=role, user=UserFactory(**user_kwargs)).user


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    firm = factory.SubFactory(FirmFactory)
    consultant = factory.LazyAttribute(lambda o: member(o.firm))
    first_name = factory.Sequence(lambda n: f"Ana{n}")
    last_name = "Reyes"
    email = factory.Sequence(lambda n: f"client{n}@mail.example")
    date_of_birth = dt.date(1995, 4, 2)
    marital_status = "single"
    status = Client.Status.IN_POOL


class SpouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spouse

    client = factory.SubFactory(ClientFactory, marital_status="married")
    first_name = "Luis"
    is_accompanying = True


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Education

    client = factory.SubFactory(ClientFactory)
    level = "bachelors"
    completed_on = dt.date(2017, 6, 30)
    eca_on = dt.date(2024, 1, 10)


class LanguageTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageTest

    client = factory.SubFactory(ClientFactory)
    test = "ielts_general"
    taken_on = dt.date(2026, 3, 5)
    listening = 8.5
    reading = 7.5
    writing = 7.0
    speaking = 7.5


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    client = factory.SubFactory(ClientFactory)
    noc_id = "31301"
    country = "CA"
    start_on = dt.date(2023, 6, 1)
    end_on = None
    hours_per_week = 37.5
