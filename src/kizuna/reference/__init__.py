"""Reference data shipped with Kizuna and its loaders.

Every table cites its source in its file header.
"""

from kizuna.reference.gpc import GPC_LEVELS, gpc_taxonomy
from kizuna.reference.gwp import GWP_SETS, gwp_table, gwp_values

__all__ = ["GPC_LEVELS", "GWP_SETS", "gpc_taxonomy", "gwp_table", "gwp_values"]
