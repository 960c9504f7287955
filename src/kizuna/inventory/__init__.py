"""GHG inventories by the GPC standard: read, validate, compute, export.

>>> from kizuna.inventory import read_inventory_file, compute   # doctest: +SKIP
>>> results = compute(read_inventory_file("yokohama.csv", gwp="AR5"))   # doctest: +SKIP
>>> results[0].totals["basic"]   # tCO2e                                 # doctest: +SKIP
"""

from kizuna.inventory.book import NOTATION_KEYS, InventoryBook
from kizuna.inventory.calculate import compute
from kizuna.inventory.readers import read_inventory_file, read_inventory_frame
from kizuna.inventory.results import InventoryResult, refs_frame, to_json, totals_frame, write_csv

__all__ = [
    "NOTATION_KEYS",
    "InventoryBook",
    "InventoryResult",
    "compute",
    "read_inventory_file",
    "read_inventory_frame",
    "refs_frame",
    "to_json",
    "totals_frame",
    "write_csv",
]
