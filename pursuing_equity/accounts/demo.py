"""A synthetic network for the demo: fictional organizations and people, the same for the same seed.

Pure data, no database: :func:`demo_network` returns frozen dataclasses that the ``demo``
management command writes through the accounts services. Every organization and person is
invented; web sites and email addresses use the reserved ``example.org`` domain (RFC 2606) so
that nothing here can reach a real organization. Cities are real and match their states, so
filters by state and census region behave as they would with real data.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from django.utils.text import slugify

from pursuing_equity.accounts.geography import census_region
from pursuing_equity.accounts.models import OrganizationSize, OrganizationType, Population, Role

DEFAULT_SEED = 2023
DEMO_PASSWORD = "equity-demo-2023"  # noqa: S105 — the one shared password of the fictional demo people
#: Who the audit log says created the demo's data, and the note on each demo person.
DEMO_ACTOR_LABEL = "demo"
DEMO_PERSON_NOTE = "Fictional demo person."
STAFF_DOMAIN = "pursuingequity.example.org"

T = OrganizationType
S = OrganizationSize
P = Population

# Data tables: several entries a line, easier to scan than one a line.
# fmt: off
# (city, state): real places with their real state, spread over the four census regions and two
# territories. One organization per city.
CITIES: tuple[tuple[str, str], ...] = (
    # Northeast
    ("Hartford", "CT"), ("Bangor", "ME"), ("Worcester", "MA"),
    ("Manchester", "NH"), ("Providence", "RI"), ("Burlington", "VT"), ("Newark", "NJ"),
    ("Camden", "NJ"), ("Bronx", "NY"), ("Rochester", "NY"), ("Buffalo", "NY"),
    ("Philadelphia", "PA"), ("Scranton", "PA"),
    # Midwest
    ("Chicago", "IL"), ("Peoria", "IL"), ("Gary", "IN"), ("Detroit", "MI"), ("Flint", "MI"),
    ("Cleveland", "OH"), ("Dayton", "OH"), ("Milwaukee", "WI"), ("Des Moines", "IA"),
    ("Wichita", "KS"), ("Minneapolis", "MN"), ("St. Louis", "MO"), ("Omaha", "NE"),
    ("Rapid City", "SD"),
    # South
    ("Wilmington", "DE"), ("Washington", "DC"), ("Miami", "FL"), ("Atlanta", "GA"),
    ("Baltimore", "MD"), ("Durham", "NC"), ("Charleston", "SC"), ("Richmond", "VA"),
    ("Huntington", "WV"), ("Birmingham", "AL"), ("Louisville", "KY"), ("Jackson", "MS"),
    ("Memphis", "TN"), ("Little Rock", "AR"), ("New Orleans", "LA"), ("Tulsa", "OK"),
    ("El Paso", "TX"), ("Houston", "TX"),
    # West
    ("Phoenix", "AZ"), ("Denver", "CO"), ("Boise", "ID"), ("Billings", "MT"), ("Las Vegas", "NV"),
    ("Albuquerque", "NM"), ("Salt Lake City", "UT"), ("Anchorage", "AK"), ("Fresno", "CA"),
    ("Oakland", "CA"), ("Honolulu", "HI"), ("Portland", "OR"), ("Yakima", "WA"),
    # Territories
    ("San Juan", "PR"), ("Hagåtña", "GU"),
)

# Invented place-like names, one per organization.
PLACE_NAMES: tuple[str, ...] = (
    "Riverbend", "Cedar Hollow", "Maple Ridge", "Stonebridge", "Willow Creek", "Brightwater",
    "Fox Run", "Harbor Point", "Juniper Valley", "Larkspur", "Meadowlark", "North Fork",
    "Oak Terrace", "Prairie Wind", "Quarry Hill", "Red Mesa", "Silver Lake", "Tamarack",
    "Union Crossing", "Vista Alta", "Westgate", "Amberfield", "Bluestem", "Clearwater Bay",
    "Driftwood", "Elm Haven", "Fairmount Heights", "Greenhaven", "Heron Bay", "Ironwood",
    "Kestrel Park", "Lantern Hill", "Mill Creek", "Northstar", "Orchard Grove", "Pinecrest",
    "Ridgeview", "Sage Valley", "Thornbury", "Upper Falls", "Valley Oak", "Wildflower",
    "Ashgrove", "Bayview", "Copper Canyon", "Deer Lake", "Evergreen Hollow", "Foxglove",
    "Granite Falls", "Hawthorn", "Indigo Bay", "Jasper Hills", "Kingsbridge", "Lone Pine",
    "Marigold", "Nightingale", "Old Mill", "Palmetto Shores", "Rosewood", "Sunridge",
    "Three Rivers", "Whitewater",
)

NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    T.ACADEMIC: ("{} University Medical Center", "{} University Health", "{} Academic Health Center"),
    T.COMMUNITY_HOSPITAL: ("{} Community Hospital", "{} Memorial Hospital", "{} Regional Hospital"),
    T.FQHC: ("{} Community Health Center", "{} Family Health Center", "{} Neighborhood Health"),
    T.HEALTH_SYSTEM: ("{} Health System", "{} Health Partners", "{} Health"),
    T.SAFETY_NET: ("{} General Hospital", "{} County Medical Center", "{} Public Hospital"),
    T.PUBLIC_HEALTH: ("{} County Health Department", "{} Public Health District"),
    T.OTHER: (
        "{} Behavioral Health Collaborative",
        "{} Children's Health Network",
        "{} Rural Health Cooperative",
    ),
}

# How many of the 60 organizations are of each type (every type is present).
TYPE_COUNTS: dict[str, int] = {
    T.FQHC: 14, T.COMMUNITY_HOSPITAL: 10, T.HEALTH_SYSTEM: 9, T.SAFETY_NET: 8,
    T.ACADEMIC: 7, T.PUBLIC_HEALTH: 7, T.OTHER: 5,
}

# Plausible sizes by type, most likely first.
SIZES_BY_TYPE: dict[str, tuple[str, ...]] = {
    T.ACADEMIC: (S.VERY_LARGE, S.LARGE),
    T.COMMUNITY_HOSPITAL: (S.MEDIUM, S.SMALL, S.LARGE),
    T.FQHC: (S.SMALL, S.MEDIUM),
    T.HEALTH_SYSTEM: (S.LARGE, S.VERY_LARGE, S.MEDIUM),
    T.SAFETY_NET: (S.LARGE, S.MEDIUM),
    T.PUBLIC_HEALTH: (S.SMALL, S.MEDIUM),
    T.OTHER: (S.SMALL, S.MEDIUM),
}

# Populations that a place makes likely, on top of those drawn at random.
POPULATIONS_BY_STATE: dict[str, tuple[str, ...]] = {
    "PR": (P.LATINO, P.LEP), "GU": (P.ASIAN_PI,), "HI": (P.ASIAN_PI,), "AK": (P.TRIBAL, P.RURAL),
    "NM": (P.TRIBAL, P.LATINO), "SD": (P.TRIBAL, P.RURAL), "MT": (P.TRIBAL, P.RURAL),
    "AZ": (P.TRIBAL, P.LATINO), "OK": (P.TRIBAL,), "TX": (P.LATINO, P.LEP), "FL": (P.LATINO,),
    "MI": (P.MENA, P.BLACK), "MS": (P.BLACK, P.RURAL), "AL": (P.BLACK,), "GA": (P.BLACK,),
    "LA": (P.BLACK,), "MD": (P.BLACK,), "DC": (P.BLACK, P.UNHOUSED), "WV": (P.RURAL,),
    "ME": (P.RURAL, P.IMMIGRANT), "VT": (P.RURAL,), "WA": (P.LATINO, P.RURAL),
    "CA": (P.LATINO, P.IMMIGRANT), "MN": (P.IMMIGRANT,),
}

GIVEN_NAMES: tuple[str, ...] = (
    "Amara", "Kwame", "Mei", "Hiroshi", "Priya", "Arjun", "Sofía", "Mateo", "Fatima", "Omar",
    "Aiyana", "Ngozi", "Chidi", "Leilani", "Kai", "Yusuf", "Layla", "Dmitri", "Anya", "Tomás",
    "Lucía", "Jamal", "Keisha", "DeShawn", "Imani", "Ximena", "Santiago", "Minh", "Hyun-woo",
    "Ji-yeon", "Rahul", "Ananya", "Elena", "Marcus", "Sarah", "Rebecca", "Daniel", "Rosa",
    "Guadalupe", "Aisha", "Tariq", "Noor", "Zainab", "Mariam", "Ikaika", "Malia", "Wen", "Lian",
    "Tenzin", "Emeka", "Adaeze", "Bao", "Hana", "Kofi", "Abena", "Esperanza", "Joaquín", "Nia",
    "Malik", "Grace", "Ruth", "Samuel", "Nalani", "Ayasha", "Dakota", "Farah", "Ibrahim",
    "Josephine", "Luis", "Camila", "Thanh", "Linh", "Olusegun", "Folake", "Maya", "Ethan",
    "Beatriz", "Rafael", "Yara", "Jonah", "Helen", "Francisco", "Aaliyah", "Andre", "Sana",
    "Vikram", "Mariana", "Diego", "Leah", "Isaiah", "Naomi", "Kiana", "Pita", "Alani",
)

FAMILY_NAMES: tuple[str, ...] = (
    "Okafor", "Mensah", "Nguyen", "Tran", "Kim", "Park", "Patel", "Shah", "González",
    "Hernández", "Rivera", "Morales", "Begay", "Yazzie", "Kealoha", "Kahananui", "Haddad",
    "Khalil", "Rahman", "Chowdhury", "Washington", "Brooks", "Coleman", "Jackson", "O'Brien",
    "Kowalski", "Novak", "Ivanova", "Silva", "Santos", "Costa", "Abdi", "Mohamed", "Osei",
    "Asante", "Yamamoto", "Tanaka", "Chen", "Wang", "Singh", "Kaur", "Reyes", "Cruz", "López",
    "Schmidt", "Lindqvist", "Cohen", "Baptiste", "Pierre", "Thompson", "Martínez", "Ramírez",
    "Adeyemi", "Bello", "Castillo", "Delgado", "Eze", "Fofana", "Gutiérrez", "Hassan", "Iyer",
    "Jiménez", "Kapoor", "Lam", "Moreno", "Nakamura", "Ortiz", "Pham", "Quispe", "Roanhorse",
    "Sandoval", "Tuiasosopo", "Vargas", "Whitehorse", "Yilmaz", "Zhou", "Alvarado", "Banda",
)

PRONOUNS: tuple[str, ...] = ("she/her", "he/him", "they/them", "she/they", "he/they", "")

TEAM_TITLES: tuple[str, ...] = (
    "Director of Health Equity", "Quality Improvement Manager", "Data Analyst",
    "Nurse Manager", "Patient Experience Lead", "Community Health Worker Supervisor",
    "Medical Director, Primary Care", "Population Health Analyst", "Clinical Pharmacist",
    "Diversity and Inclusion Specialist", "Care Coordinator", "Improvement Advisor",
    "Social Work Manager", "Epidemiologist", "Practice Manager", "Obstetrics Nurse Educator",
)
LEADER_TITLES: tuple[str, ...] = (
    "Chief Executive Officer", "Chief Medical Officer", "Chief Nursing Officer",
    "Chief Operating Officer", "Chief Equity Officer", "Chief Quality Officer",
    "Vice President, Population Health", "Health Officer",
)
PARTNER_TITLES: tuple[str, ...] = (
    "Patient and Family Advisor", "Community Organizer", "Peer Navigator",
    "Promotora de Salud", "Community Advisory Board Member",
)
STAFF_TITLES: tuple[str, ...] = ("Program Director", "Project Manager", "Program Coordinator")
FACULTY_TITLES: tuple[str, ...] = (
    "Faculty, Racial Justice", "Improvement Coach", "Faculty, Equity Data",
    "Affinity Group Facilitator", "Improvement Coach", "Faculty, Community Partnership",
)
REVIEWER_TITLES: tuple[str, ...] = ("Application Reviewer",)
FUNDER_TITLES: tuple[str, ...] = ("Program Officer", "Director of Grantmaking")

# fmt: on

ORGANIZATION_COUNT = len(CITIES)
TEAM_COUNT = 12


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    org_type: str
    city: str
    state: str
    size: str
    populations_served: tuple[str, ...]
    website: str

    @property
    def domain(self) -> str:
        return self.website.removeprefix("https://www.")


@dataclass(frozen=True)
class DemoPerson:
    """A person; ``role`` is None for an applicant who holds no role yet."""

    full_name: str
    email: str
    pronouns: str
    title: str
    role: str | None
    organization: str | None = None  # the organization's name, for organization roles


@dataclass(frozen=True)
class DemoNetwork:
    organizations: tuple[DemoOrganization, ...]
    people: tuple[DemoPerson, ...]

    def people_in(self, role: str | None) -> tuple[DemoPerson, ...]:
        return tuple(p for p in self.people if p.role == role)

    @property
    def team_organizations(self) -> tuple[str, ...]:
        names = {p.organization for p in self.people if p.organization}
        return tuple(o.name for o in self.organizations if o.name in names)


def demo_network(seed: int = DEFAULT_SEED) -> DemoNetwork:
    """The organizations and people of the demo; the same seed always gives the same network."""
    rng = random.Random(seed)
    organizations = _organizations(rng)
    people = _People(rng)
    people.add_program_wide(Role.PROGRAM_STAFF, 3, STAFF_TITLES, STAFF_DOMAIN)
    people.add_program_wide(Role.FACULTY, 6, FACULTY_TITLES, "faculty.example.org")
    people.add_program_wide(Role.REVIEWER, 6, REVIEWER_TITLES, "reviewers.example.org")
    people.add_program_wide(Role.FUNDER, 2, FUNDER_TITLES, "foundation.example.org")
    for index, org in enumerate(_team_organizations(rng, organizations)):
        people.add_team(org, members=rng.randint(3, 7), with_partner=index % 2 == 0)
    people.add_program_wide(None, 1, ("Equity Program Manager",), "applicant.example.org")
    return DemoNetwork(organizations=organizations, people=tuple(people.people))


def _organizations(rng: random.Random) -> tuple[DemoOrganization, ...]:
    types = [t for t, count in TYPE_COUNTS.items() for _ in range(count)]
    assert len(types) == ORGANIZATION_COUNT, "TYPE_COUNTS must add up to one per city"
    rng.shuffle(types)
    places = rng.sample(PLACE_NAMES, ORGANIZATION_COUNT)
    population_pool = [p for p in P.values]
    result = []
    for (city, state), org_type, place in zip(CITIES, types, places, strict=True):
        sizes = SIZES_BY_TYPE[org_type]
        size = rng.choices(sizes, weights=range(len(sizes) + 1, 1, -1))[0]
        populations = list(POPULATIONS_BY_STATE.get(state, (P.URBAN,)))
        populations += rng.sample(population_pool, rng.randint(1, 3))
        if org_type == T.FQHC or org_type == T.SAFETY_NET:
            populations.append(P.MEDICAID)
        ordered = tuple(p for p in P.values if p in set(populations))  # plain strings, enum order
        result.append(
            DemoOrganization(
                name=rng.choice(NAME_PATTERNS[org_type]).format(place),
                org_type=str(org_type),
                city=city,
                state=state,
                size=str(size),
                populations_served=ordered,
                website=f"https://www.{slugify(place)}.example.org",
            )
        )
    return tuple(sorted(result, key=lambda o: o.name))


def _team_organizations(
    rng: random.Random, organizations: tuple[DemoOrganization, ...]
) -> list[DemoOrganization]:
    """A dozen organizations with teams, taken in turn from each census region and territory."""
    by_region: dict[str, list[DemoOrganization]] = {}
    for org in organizations:
        by_region.setdefault(census_region(org.state), []).append(org)
    for orgs in by_region.values():
        rng.shuffle(orgs)
    chosen: list[DemoOrganization] = []
    while len(chosen) < TEAM_COUNT:
        for region in sorted(by_region):
            if by_region[region] and len(chosen) < TEAM_COUNT:
                chosen.append(by_region[region].pop())
    return chosen


class _People:
    """Draws distinct fictional names and builds each person's email from name and domain."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[DemoPerson] = []
        self.used_names: set[str] = set()

    def _name(self) -> str:
        while True:
            name = f"{self.rng.choice(GIVEN_NAMES)} {self.rng.choice(FAMILY_NAMES)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _add(self, role, titles, domain, organization=None) -> None:
        name = self._name()
        local = slugify(name.replace("'", "")).replace("-", ".")
        self.people.append(
            DemoPerson(
                full_name=name,
                email=f"{local}@{domain}",
                pronouns=self.rng.choice(PRONOUNS),
                title=self.rng.choice(titles),
                role=str(role) if role is not None else None,
                organization=organization,
            )
        )

    def add_program_wide(self, role, count, titles, domain) -> None:
        for _ in range(count):
            self._add(role, titles, domain)

    def add_team(self, org: DemoOrganization, *, members: int, with_partner: bool) -> None:
        leader_titles = list(LEADER_TITLES)
        self.rng.shuffle(leader_titles)
        for title in leader_titles[:2]:  # the senior leader and the alternate
            self._add(Role.SENIOR_LEADER, (title,), org.domain, org.name)
        for _ in range(members):
            self._add(Role.TEAM_MEMBER, TEAM_TITLES, org.domain, org.name)
        if with_partner:
            self._add(Role.COMMUNITY_PARTNER, PARTNER_TITLES, "community.example.org", org.name)


def network_summary(network: DemoNetwork) -> dict[str, Counter]:
    """Counts by type, region and role, for the command's closing message and for tests."""
    return {
        "types": Counter(o.org_type for o in network.organizations),
        "regions": Counter(census_region(o.state) for o in network.organizations),
        "roles": Counter(p.role for p in network.people),
    }
