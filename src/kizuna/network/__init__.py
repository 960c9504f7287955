"""The collaboration network: city profiles, peers, knowledge, matchmaking and partnerships.

>>> from kizuna.network import geonames_registry, find_peers          # doctest: +SKIP
>>> registry = geonames_registry()                                    # 34,006 GeoNames cities
>>> result = find_peers(registry, "Yokohama", k=10, dimensions="size,climate")  # doctest: +SKIP
>>> [(p.name, p.score, p.explanation) for p in result.peers]          # doctest: +SKIP

Pure functions over typed values (pydantic models and dataclasses with ``to_dict``); nothing
here stores anything or knows about the server. docs/network.md explains the methods.
"""

from kizuna.network.benchmarking import Standing, standing, standing_among_peers
from kizuna.network.enrich import EnrichedRegistry, enrich_registry
from kizuna.network.joins import MatchReport, match_rows
from kizuna.network.knowledge import CaseStudy, Provider, Solution, search_case_studies
from kizuna.network.matchmaking import Catalogue, Match, MatchResult, match
from kizuna.network.needs import Needs, needs_from_plan
from kizuna.network.partnerships import (
    STAGES,
    Partnership,
    add_document,
    advance,
    allowed_stages,
    invite,
    pipeline,
    post_update,
    respond,
)
from kizuna.network.peers import SIZE_BANDS, Peer, PeerResult, find_peers
from kizuna.network.profiles import CityProfile, Target, profile_from_inventory
from kizuna.network.registry import Registry, geonames_registry, registry_from_profiles
from kizuna.network.visibility import Viewer, can_read, visible_items

__all__ = [
    "SIZE_BANDS",
    "STAGES",
    "CaseStudy",
    "Catalogue",
    "CityProfile",
    "EnrichedRegistry",
    "Match",
    "MatchReport",
    "MatchResult",
    "Needs",
    "Partnership",
    "Peer",
    "PeerResult",
    "Provider",
    "Registry",
    "Solution",
    "Standing",
    "Target",
    "Viewer",
    "add_document",
    "advance",
    "allowed_stages",
    "can_read",
    "enrich_registry",
    "find_peers",
    "geonames_registry",
    "invite",
    "match",
    "match_rows",
    "needs_from_plan",
    "pipeline",
    "post_update",
    "profile_from_inventory",
    "registry_from_profiles",
    "respond",
    "search_case_studies",
    "standing",
    "standing_among_peers",
    "visible_items",
]
