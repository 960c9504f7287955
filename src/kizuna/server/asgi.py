"""The app for an ASGI server, configured from the environment (``KIZUNA_*``, see `Settings`).

For example ``KIZUNA_DATABASE_URL=postgresql+psycopg://... uvicorn kizuna.server.asgi:app
--workers 4`` serves it from four processes.
"""

from kizuna.server import Settings, create_app

app = create_app(Settings())
