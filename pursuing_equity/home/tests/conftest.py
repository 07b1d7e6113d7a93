from pursuing_equity.accounts.tests.conftest import personas  # noqa: F401  (shared personas)
