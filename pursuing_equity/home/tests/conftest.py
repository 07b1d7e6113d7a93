from pursuing_equity.accounts.tests.conftest import personas  # noqa: F401  (shared personas)
from pursuing_equity.reporting.tests.conftest import network  # noqa: F401  (teams with updates)
