"""Serving a model over HTTP (Modules 00 and 04): the app factory, a local server, a client."""

from deploydl.serving.app import create_app
from deploydl.serving.client import ServiceClient, ServiceUnavailable
from deploydl.serving.local import LocalServer, ServerStartError
from deploydl.serving.process import ServiceProcess

__all__ = ["LocalServer", "ServerStartError", "ServiceClient", "ServiceProcess",
           "ServiceUnavailable", "create_app"]
