"""A local server that speaks the Notion REST API: bidboard's offline default and test peer.

``create_app()`` builds an ASGI app for in-process use; ``python -m notion_emulator`` serves it.
"""

from .app import Emulator, EmulatorConfig, create_app

__all__ = ["Emulator", "EmulatorConfig", "create_app"]
