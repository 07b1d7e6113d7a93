from pursuing_equity.accounts.tests.conftest import personas, staff_client  # noqa: F401  (shared)
from pursuing_equity.reporting.tests.conftest import network  # noqa: F401  (teams with updates)
