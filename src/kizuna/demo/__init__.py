"""Demo cities with real published GHG inventories, for ``kizuna demo`` and the tutorials.

``load_demo(session)`` stores the cities of ``data/cities.yaml``, their
inventories (``data/<slug>.csv``, computed by `kizuna.inventory`) and their
plans where there is one (``data/plans/<slug>.yaml``, optimised by
`kizuna.planning`) in the platform database.
"""

from kizuna.demo.loader import (
    DemoCity,
    DemoPlan,
    DemoSummary,
    load_demo,
    read_demo_cities,
    read_demo_plans,
)

__all__ = [
    "DemoCity",
    "DemoPlan",
    "DemoSummary",
    "load_demo",
    "read_demo_cities",
    "read_demo_plans",
]
