"""One exception root: every exception class the package defines derives from DashboardError."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import dashboard
from dashboard.errors import DashboardError

#: Modules that run a page when imported (the Streamlit entry) are not walked.
NOT_IMPORTED = {"dashboard.app"}


def _package_exceptions() -> list[type[BaseException]]:
    found = []
    for module_info in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if module_info.name in NOT_IMPORTED or module_info.name.startswith("dashboard.ui"):
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found.append(value)
    return found


def test_every_package_exception_derives_from_the_root() -> None:
    exceptions = _package_exceptions()
    assert len(exceptions) >= 10, exceptions  # the walk really found the package's errors
    strays = [f"{cls.__module__}.{cls.__qualname__}" for cls in exceptions if not issubclass(cls, DashboardError)]
    assert strays == []


def test_errors_keep_their_built_in_bases() -> None:
    from dashboard.config import ConfigError
    from dashboard.core.geoparse.article import ArticleError
    from dashboard.services.store import StoreError

    assert issubclass(ConfigError, ValueError) and issubclass(ArticleError, ValueError)
    assert issubclass(StoreError, RuntimeError)
