"""The review tables of the platform (shared objects of this part; see `places.SharedObject`)."""

from __future__ import annotations
