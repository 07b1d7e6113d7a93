"""Data built once per test module and rolled back per test (the suite's time goes to fixtures).

``shared(build)`` turns a builder (e.g. ``make_world``) into a pair of fixtures: a module-scoped
one that builds the data once inside an open transaction, and a function-scoped one that hands
each test a deep copy of the built objects. Each test runs in pytest-django's own transaction
(a savepoint inside the module's), so what a test writes is rolled back before the next, and
what it changes on the objects in memory stays with its copy. At the end of the module the
outer transaction is rolled back: nothing leaks into other modules.

Use it only in modules whose every test uses the data (a test of the same module without it
would still see the shared rows) and never with ``transactional_db`` or ``live_server``::

    world, world_built = shared(make_world, name="world")  # overrides the conftest's ``world``
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

#: What the suite's autouse settings fixture (pursuing_equity/conftest.py) sets for each test and
#: a module-scoped builder runs before: fast password hashing, tasks at once, captured email.
BUILD_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    "MAILERS": {
        "default": {"BACKEND": "pursuing_equity.core.mail.TaskQueueEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    },
}


def shared(build: Callable[[], Any], *, name: str):
    """Fixtures for the module: ``name`` gives each test a deep copy of ``build()``, which the
    module-scoped ``<name>_built`` runs once. Bind both in the test module::

        world, world_built = shared(make_world, name="world")
    """
    built_name = f"{name}_built"

    @pytest.fixture(scope="module", name=built_name)
    def built(django_db_setup, django_db_blocker) -> Iterator[Any]:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            # Never committed, like Django's TestCase's own class-level transactions: marked so
            # (durable blocks inside are allowed; core.freshness bumps its version at once).
            outer._from_testcase = True
            outer.__enter__()
            try:
                with override_settings(**BUILD_SETTINGS):
                    data = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield data
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    def fresh(*args: Any, **kwargs: Any) -> Any:
        return copy.deepcopy(kwargs[built_name])

    # The module-scoped data is an argument, so pytest opens its transaction before ``db``'s.
    fresh.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in (built_name, "db")]
    )
    fresh.__name__ = fresh.__qualname__ = name
    return pytest.fixture(name=name)(fresh), built
