"""Serving a model over HTTP (Modules 00 and 04): the app factory, a local server, a client.

The names below are imported on first use (:mod:`deploydl.lazy`): a process that serves only
the digits CNN does not load the loan service's monitoring and data libraries.
"""

from typing import TYPE_CHECKING

from deploydl.lazy import lazy_exports

if TYPE_CHECKING:  # the same names, imported at once, for the type checker only (a test
    # checks they match _WHERE; pyproject.toml tells ruff they are the package's exports)
    from deploydl.serving.app import create_app
    from deploydl.serving.client import ServiceClient, ServiceError, ServiceUnavailable
    from deploydl.serving.local import LocalServer, ServerStartError
    from deploydl.serving.process import ServiceProcess

_WHERE = {"create_app": ".app", "ServiceClient": ".client", "ServiceUnavailable": ".client",
          "ServiceError": ".client",
          "LocalServer": ".local", "ServerStartError": ".local", "ServiceProcess": ".process"}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports(__name__, _WHERE)
