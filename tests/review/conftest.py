"""Fixtures of the review tests: the small plans of review_plans.py solved with real HiGHS."""

from __future__ import annotations

import pytest
from review_plans import YOKOHAMA, two_sector_data

from kizuna.planning import Plan, PlanResult, load_plan, optimise, parse_plan


@pytest.fixture
def two_sector() -> tuple[Plan, PlanResult]:
    plan = parse_plan(two_sector_data())
    return plan, optimise(plan)


@pytest.fixture(scope="session")
def yokohama() -> tuple[Plan, PlanResult]:
    plan = load_plan(YOKOHAMA)
    return plan, optimise(plan)
