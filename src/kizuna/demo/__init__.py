"""Demo cities with real published GHG inventories, for ``kizuna demo`` and the tutorials.

``load_demo(session)`` stores the cities of ``data/cities.yaml`` and their
inventories (``data/<slug>.csv``, computed by `kizuna.inventory`) in the
platform database.
"""

from kizuna.demo.loader import DemoCity, DemoSummary, load_demo, read_demo_cities

__all__ = ["DemoCity", "DemoSummary", "load_demo", "read_demo_cities"]
