"""People, organizations and the roles people hold in the program."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pursuing_equity.accounts.geography import REGION_CHOICES, STATE_CHOICES, census_region


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Email is the login; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    title = models.CharField("job title", max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name or self.email

    @property
    def addressed_as(self) -> str:
        """The name letters and emails open with ("Dear Ana Reyes"); empty when the person gave
        none (accounts from before sign-up asked), so that callers greet neutrally, never by the
        email address."""
        return self.full_name or self.preferred_name

    @property
    def name_with_pronouns(self) -> str:
        """How the person is shown in lists: their name, then their pronouns if they gave any."""
        return f"{self.display_name} ({self.pronouns})" if self.pronouns else self.display_name

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.preferred_name or self.full_name


class OrganizationType(models.TextChoices):
    ACADEMIC = "academic_medical_center", "Academic medical center"
    COMMUNITY_HOSPITAL = "community_hospital", "Community hospital"
    FQHC = "fqhc", "FQHC / community health center"
    HEALTH_SYSTEM = "health_system", "Health system"
    SAFETY_NET = "safety_net_hospital", "Safety-net hospital"
    PUBLIC_HEALTH = "public_health_department", "Public health department"
    OTHER = "other", "Other"


class OrganizationSize(models.TextChoices):
    SMALL = "small", "Small (fewer than 500 staff)"
    MEDIUM = "medium", "Medium (500 to 4,999 staff)"
    LARGE = "large", "Large (5,000 to 24,999 staff)"
    VERY_LARGE = "very_large", "Very large (25,000 staff or more)"


class Population(models.TextChoices):
    URBAN = "urban", "Urban communities"
    RURAL = "rural", "Rural communities"
    TRIBAL = "tribal", "Tribal nations and American Indian / Alaska Native communities"
    BLACK = "black", "Black / African American communities"
    LATINO = "latino", "Hispanic / Latino communities"
    ASIAN_PI = "asian_pacific_islander", "Asian American and Pacific Islander communities"
    MENA = "mena", "Middle Eastern and North African communities"
    IMMIGRANT = "immigrant_refugee", "Immigrants and refugees"
    LEP = "limited_english", "People with limited English proficiency"
    LGBTQ = "lgbtq", "LGBTQ+ people"
    MEDICAID = "medicaid_uninsured", "Medicaid-insured and uninsured people"
    CHILDREN = "children", "Children and families"
    OLDER = "older_adults", "Older adults"
    DISABILITY = "disability", "People with disabilities"
    UNHOUSED = "unhoused", "People experiencing homelessness"
    VETERANS = "veterans", "Veterans"


class Organization(models.Model):
    """A health care organization that applies to, or takes part in, the program."""

    Type = OrganizationType
    Size = OrganizationSize
    Population = Population

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    org_type = models.CharField(
        "organization type", max_length=40, choices=OrganizationType.choices
    )
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    census_region = models.CharField(max_length=20, choices=REGION_CHOICES, editable=False)
    size = models.CharField(max_length=20, choices=OrganizationSize.choices)
    populations_served = models.JSONField(default=list, blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org_type__in=OrganizationType.values), name="organization_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(size__in=OrganizationSize.values), name="organization_size_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.state:
            try:
                self.census_region = census_region(self.state)
            except KeyError:
                raise ValidationError(
                    {"state": f"Unknown state or territory: {self.state}."}
                ) from None
        unknown = [p for p in self.populations_served if p not in self.Population.values]
        if unknown:
            raise ValidationError(
                {"populations_served": f"Unknown population: {', '.join(map(str, unknown))}."}
            )

    def populations_display(self) -> list[str]:
        labels = dict(self.Population.choices)
        return [labels[p] for p in self.populations_served if p in labels]


class Role(models.TextChoices):
    PROGRAM_STAFF = "program_staff", "Program staff"
    FACULTY = "faculty", "Faculty / coach"
    REVIEWER = "reviewer", "Application reviewer"
    TEAM_MEMBER = "team_member", "Team member"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    COMMUNITY_PARTNER = "community_partner", "Community partner / person with lived experience"
    FUNDER = "funder", "Funder"


# Roles tied to one organization (the team's home); the others are program-wide.
# A tuple for the database constraint: a set's order changes between runs, which would make
# makemigrations see a new constraint every time.
ORGANIZATION_ROLE_VALUES = (
    Role.TEAM_MEMBER.value,
    Role.SENIOR_LEADER.value,
    Role.COMMUNITY_PARTNER.value,
)
ORGANIZATION_ROLES = frozenset(ORGANIZATION_ROLE_VALUES)


class RoleAssignment(models.Model):
    """A role a person holds; team roles name the organization whose team they are on."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=list(ORGANIZATION_ROLE_VALUES), organization__isnull=False)
                    | (~Q(role__in=list(ORGANIZATION_ROLE_VALUES)) & Q(organization__isnull=True))
                ),
                name="role_organization_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="role_once_per_organization"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organization__isnull=True),
                name="program_role_once",
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.organization}" if self.organization_id else ""
        return f"{self.user}: {self.get_role_display()}{where}"

    def clean(self) -> None:
        if self.role in ORGANIZATION_ROLES and not self.organization_id:
            raise ValidationError(
                {"organization": f"A {self.get_role_display().lower()} belongs to an organization."}
            )
        if self.role not in ORGANIZATION_ROLES and self.organization_id:
            raise ValidationError(
                {
                    "organization": f"The {self.get_role_display().lower()} role is program-wide; leave the organization empty."
                }
            )
