"""The lazy front doors (deploydl.lazy): what the type checker sees is what __getattr__ serves."""

import ast
import importlib
import inspect

import pytest

PACKAGES = ("deploydl.serving", "deploydl.monitoring", "deploydl.models", "deploydl.deploy")


def _type_checking_imports(package: str) -> dict[str, str]:
    """Name -> module (relative, ".app") of the imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse(inspect.getsource(importlib.import_module(package)))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    return {alias.name: "." + stmt.module.removeprefix(package + ".")
            for stmt in block.body if isinstance(stmt, ast.ImportFrom) and stmt.module
            for alias in stmt.names}


@pytest.mark.parametrize("package", PACKAGES)
def test_type_checking_imports_match_the_lazy_exports(package):
    module = importlib.import_module(package)
    assert _type_checking_imports(package) == module._WHERE
    assert sorted(module._WHERE) == module.__all__
