"""Demo and benchmark data: a firm with realistic clients, created in bulk.

`build_clients` is deterministic for a seed and uses bulk_create throughout, so
`seed_demo --clients 100000` takes seconds, not minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from clients.models import Client, Education, Firm, Job, LanguageTest, Membership, Spouse

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo logins, never used in production

FIRST_NAMES = [
    "Aarav",
    "Priya",
    "Wei",
    "Mei",
    "Jose",
    "Maria",
    "Chinedu",
    "Amaka",
    "Fatima",
    "Omar",
    "Ana",
    "Luis",
    "Sofia",
    "Mateo",
    "Nguyen",
    "Linh",
    "Arjun",
    "Ananya",
    "Kwame",
    "Ama",
    "Hassan",
    "Leila",
    "Diego",
    "Camila",
    "Yuki",
    "Haruto",
    "Olena",
    "Dmytro",
    "Aisha",
    "Tariq",
    "Grace",
    "Samuel",
    "Elif",
    "Emre",
    "Rohan",
    "Zara",
    "Kofi",
    "Nadia",
    "Pablo",
    "Ines",
    "Amélie",
    "Karim",
    "Chloé",
    "Moussa",
]
LAST_NAMES = [
    "Sharma",
    "Patel",
    "Zhang",
    "Li",
    "Santos",
    "Reyes",
    "Okafor",
    "Adeyemi",
    "Khan",
    "Haddad",
    "Garcia",
    "Fernandez",
    "Tran",
    "Pham",
    "Singh",
    "Mensah",
    "Boateng",
    "Rahman",
    "Karimi",
    "Tanaka",
    "Sato",
    "Kovalenko",
    "Shevchenko",
    "Yilmaz",
    "Demir",
    "Diallo",
    "Traoré",
    "Moreau",
    "Dubois",
    "Benali",
]
COUNTRIES = ["IN", "PH", "CN", "NG", "PK", "BR", "MX", "VN", "GH", "IR", "JP", "UA", "TR", "FR", "MA", "SN"]
# (NOC, weight): nurses, software, cooks, electricians, accountants, teachers, truck drivers...
NOCS = [
    ("31301", 6),
    ("21232", 6),
    ("21231", 4),
    ("62200", 2),
    ("63200", 2),
    ("72200", 3),
    ("72310", 2),
    ("11100", 4),
    ("41220", 2),
    ("73300", 2),
    ("33102", 3),
    ("32101", 2),
    ("21211", 3),
    ("13110", 3),
    ("42202", 2),
    ("31102", 1),
    ("00012", 1),
    ("41200", 1),
    ("64100", 2),
    ("14100", 2),
]
NOC_CODES = [n for n, _ in NOCS]
NOC_WEIGHTS = [w for _, w in NOCS]
IELTS_BANDS = [5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0]


@dataclass
class DemoFirm:
    firm: Firm
    owner: object
    consultants: list
    assistant: object


def create_demo_firm(*, name: str = "Maple Leaf Immigration", prefix: str = "") -> DemoFirm:
    """A firm with an owner, two consultants and an assistant (idempotent by username); none is staff."""
    user_model = get_user_model()
    firm, _ = Firm.objects.get_or_create(name=name, defaults={"email": "office@mapleleaf.example"})

    def user(username, first, last, role):
        u, created = user_model.objects.get_or_create(
            username=prefix + username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{prefix}{username}@mapleleaf.example",
            },
        )
        if created:
            u.set_password(DEMO_PASSWORD)
            u.save()
        elif u.is_staff or u.is_superuser:
            # Earlier demos made the owner a superuser; the admin shows every firm, so no member is one.
            user_model.objects.filter(pk=u.pk).update(is_staff=False, is_superuser=False)
        Membership.objects.get_or_create(user=u, defaults={"firm": firm, "role": role})
        return u

    owner = user("owner", "Olivia", "Tremblay", "owner")
    consultants = [
        user("consultant", "Marc", "Gagnon", "consultant"),
        user("consultant2", "Sara", "Chen", "consultant"),
    ]
    assistant = user("assistant", "Noah", "Roy", "assistant")
    return DemoFirm(firm=firm, owner=owner, consultants=[owner, *consultants], assistant=assistant)


def create_draws_admin(*, username: str = "draws"):
    """The demo's admin login: Django staff who manage rounds and categories, in no firm, not a superuser.

    is_staff is what lets it in (clients.permissions.MANAGE_DRAWS; audit/admin_access.py keeps every
    other admin page to superusers); the draws permissions say the same to anyone reading the user.
    """
    u, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": "Draws", "last_name": "Admin", "email": f"{username}@itadesk.example",
                  "is_staff": True},
    )
    if created:
        u.set_password(DEMO_PASSWORD)
        u.save()
        u.user_permissions.set(Permission.objects.filter(content_type__app_label="draws",
                                                         content_type__model__in=["draw", "category"]))
    return u


def _test_scores(rng: random.Random, test: str, level: float) -> tuple:
    """Four scores of a test for a rough ability level 0..1."""

    def pick(values):
        i = min(len(values) - 1, max(0, int(level * len(values) + rng.uniform(-1.5, 1.5))))
        return Decimal(str(values[i]))

    if test == "ielts_general":
        return tuple(pick(IELTS_BANDS) for _ in range(4))
    if test == "celpip_general":
        return tuple(pick(list(range(5, 13))) for _ in range(4))
    # tef_canada, new scale
    return tuple(pick(list(range(330, 700, 25))) for _ in range(4))


def build_clients(
    demo: DemoFirm, *, count: int, seed: int = 1, today: date | None = None, batch_size: int = 5000,
    noc_weights: dict[str, int] | None = None,
) -> list[int]:
    """Create `count` realistic clients with tests, credentials and jobs; returns their ids.

    `noc_weights` replaces the weight of some occupations (a practice that serves many nurses...).
    """
    rng = random.Random(seed)
    weights = [(noc_weights or {}).get(code, weight) for code, weight in NOCS]
    today = today or date.today()
    ids: list[int] = []
    for start in range(0, count, batch_size):
        n = min(batch_size, count - start)
        with transaction.atomic():
            clients = []
            for i in range(n):
                age = rng.choice([24, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 39, 42])
                dob = today - timedelta(days=age * 365 + rng.randint(0, 364))
                married = rng.random() < 0.45
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                submitted = None
                # No "invited": a client is invited when an ITA is recorded for them (the invitation
                # service sets it; the demo and the benchmark record theirs).
                status = rng.choices(["prospect", "in_pool", "applied", "landed", "closed"],
                                     [20, 63, 8, 5, 4])[0]
                if status != "prospect":
                    submitted = datetime.combine(
                        today - timedelta(days=rng.randint(20, 340)), datetime.min.time(), tzinfo=UTC
                    )
                country = rng.choice(COUNTRIES)
                clients.append(
                    Client(
                        firm=demo.firm,
                        consultant=rng.choice(demo.consultants),
                        first_name=first,
                        last_name=last,
                        email=f"{first.lower()}.{last.lower()}.{start + i}@mail.example".replace("é", "e")
                        .replace("è", "e")
                        .replace("ï", "i"),
                        phone=f"+1 416 555 {rng.randint(1000, 9999)}",
                        preferred_language="fr"
                        if country in ("FR", "MA", "SN") or rng.random() < 0.1
                        else "en",
                        date_of_birth=dob,
                        marital_status="married" if married else "single",
                        citizenship_countries=country,
                        residence_countries=",".join(
                            sorted({country, "CA"} if rng.random() < 0.6 else {country})
                        ),
                        ee_profile_number=f"E{rng.randint(10**9, 10**10 - 1)}" if submitted else "",
                        ee_submitted_at=submitted,
                        status=status,
                        # A nomination through Express Entry needs a profile in the pool: none for prospects.
                        has_provincial_nomination=submitted is not None and rng.random() < 0.04,
                        has_sibling_in_canada=rng.random() < 0.08,
                        family_size=(2 if married else 1) + (rng.random() < 0.3),
                        settlement_funds_cad=rng.choice([9000, 16000, 21000, 30000, 45000]),
                    )
                )
            Client.objects.bulk_create(clients, batch_size=2000)
            spouses, educations, tests, jobs = [], [], [], []
            for c in clients:
                level = rng.random()
                educations.append(
                    Education(
                        client=c,
                        level=rng.choices(["two_year", "bachelors", "masters", "doctoral"], [2, 6, 3, 0.5])[
                            0
                        ],
                        completed_on=c.date_of_birth + timedelta(days=365 * 22 + rng.randint(0, 1500)),
                        eca_on=today - timedelta(days=rng.randint(30, 1700)),
                    )
                )
                if rng.random() < 0.3:
                    educations.append(
                        Education(
                            client=c,
                            level=rng.choice(["one_year", "two_year"]),
                            is_canadian=True,
                            completed_on=today - timedelta(days=rng.randint(200, 1500)),
                        )
                    )
                english = "ielts_general" if rng.random() < 0.7 else "celpip_general"
                scores = _test_scores(rng, english, level)
                tests.append(
                    LanguageTest(
                        client=c,
                        test=english,
                        taken_on=today - timedelta(days=rng.randint(20, 700)),
                        listening=scores[0],
                        reading=scores[1],
                        writing=scores[2],
                        speaking=scores[3],
                    )
                )
                if c.preferred_language == "fr" or rng.random() < 0.07:
                    s = _test_scores(rng, "tef_canada", rng.random())
                    tests.append(
                        LanguageTest(
                            client=c,
                            test="tef_canada",
                            taken_on=today - timedelta(days=rng.randint(20, 600)),
                            listening=s[0],
                            reading=s[1],
                            writing=s[2],
                            speaking=s[3],
                        )
                    )
                noc = rng.choices(NOC_CODES, weights)[0]
                foreign_years = rng.randint(0, 7)
                if foreign_years:
                    end = today - timedelta(days=rng.randint(200, 900))
                    jobs.append(
                        Job(
                            client=c,
                            noc_id=noc,
                            country=c.citizenship_countries,
                            employer="Overseas employer",
                            start_on=end - timedelta(days=365 * foreign_years),
                            end_on=end,
                            hours_per_week=Decimal("40"),
                        )
                    )
                if "CA" in c.residence_countries:
                    jobs.append(
                        Job(
                            client=c,
                            noc_id=noc,
                            country="CA",
                            employer="Canadian employer",
                            start_on=today - timedelta(days=rng.randint(120, 1500)),
                            end_on=None,
                            hours_per_week=Decimal(rng.choice(["30", "37.5", "40"])),
                        )
                    )
                if c.marital_status == "married":
                    spouses.append(
                        Spouse(
                            client=c,
                            first_name=rng.choice(FIRST_NAMES),
                            last_name=c.last_name,
                            is_accompanying=rng.random() < 0.85,
                            is_canadian_citizen_or_pr=rng.random() < 0.05,
                        )
                    )
                    educations.append(
                        Education(
                            client=c,
                            of_spouse=True,
                            level=rng.choice(["secondary", "bachelors"]),
                            completed_on=c.date_of_birth + timedelta(days=365 * 22),
                        )
                    )
                    if rng.random() < 0.6:
                        s = _test_scores(rng, "celpip_general", rng.random())
                        tests.append(
                            LanguageTest(
                                client=c,
                                of_spouse=True,
                                test="celpip_general",
                                taken_on=today - timedelta(days=rng.randint(20, 600)),
                                listening=s[0],
                                reading=s[1],
                                writing=s[2],
                                speaking=s[3],
                            )
                        )
            Spouse.objects.bulk_create(spouses, batch_size=2000)
            Education.objects.bulk_create(educations, batch_size=2000)
            LanguageTest.objects.bulk_create(tests, batch_size=2000)
            Job.objects.bulk_create(jobs, batch_size=2000)
            ids.extend(c.id for c in clients)
    return ids
