"""The Kizuna web service: FastAPI app, settings, database and pages.

``create_app(Settings())`` builds the app; ``kizuna demo`` serves it with the
demo cities loaded. The server is thin: it stores and presents what
`kizuna.inventory` computes.
"""

from kizuna.server.app import create_app
from kizuna.server.settings import Settings

__all__ = ["Settings", "create_app"]
