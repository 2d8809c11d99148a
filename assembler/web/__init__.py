"""The local web workbench (`zujuan serve`): Flask pages over the same library calls as the CLI."""
from .app import WebConfig, create_app, make_server

__all__ = ["WebConfig", "create_app", "make_server"]
