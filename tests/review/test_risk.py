"""Monte Carlo risk: zero variance, convergence to a known probability, seeds, vectorisation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from scipy.stats import spearmanr

from kizuna.errors import InputError
from kizuna.planning import Plan, PlanResult
from kizuna.review import monte_carlo, parse_risk
from kizuna.review.basis import plan_basis
from kizuna.review.evaluate import evaluate
from kizuna.review.risk import spearman
from kizuna.review.roadmap import Roadmap
from kizuna.review.uncertainty import sample
from kizuna.review.worlds import Worlds


def fixed(kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": kind, "kind": kind, "distribution": {"type": "fixed", "value": 1.0}, **extra}


#: EV uptake uniform on [0.5, 1.1]: the 2026 emissions are 1,500 - 50 - 100 u (see conftest),
#: under the cap of 1,350 when u >= 1, so P(met) = (1.1 - 1) / (1.1 - 0.5) = 1/6. The capex
#: overrun changes the cost only.
EV_RISK = {
    "uncertainties": [
        {
            "name": "ev uptake",
            "kind": "uptake",
            "measures": ["ev"],
            "distribution": {"type": "uniform", "low": 0.5, "high": 1.1},
        },
        {
            "name": "capex",
            "kind": "capex",
            "per": "measure",
            "distribution": {"type": "triangular", "low": 0.9, "mode": 1.0, "high": 1.5},
        },
    ]
}


def test_zero_variance_reproduces_the_deterministic_path(
    two_sector: tuple[Plan, PlanResult],
) -> None:
    """Every quantity fixed at 1: each draw is the plan's world, so every percentile is the
    planned path, the milestone is met with probability 1 and the NPV is the optimiser's."""
    plan, result = two_sector
    spec = parse_risk(
        {
            "uncertainties": [
                fixed("driver", driver="grid_ef"),
                fixed("activity", per="sector"),
                fixed("uptake", per="measure"),
                fixed("abatement", per="sector"),
                fixed("capex"),
                fixed("energy_price"),
            ]
        }
    )
    mc = monte_carlo(plan, result, spec, draws=200, seed=1)
    planned = [result.emissions[y] for y in result.years]
    assert np.allclose(mc.fan, np.array(planned)[None, :])
    assert np.allclose(mc.planned, planned)
    (m,) = mc.milestones
    assert (m.probability, m.standard_error, m.expected_shortfall) == (1.0, 0.0, 0.0)
    assert mc.npv["p5"] == pytest.approx(result.npv)
    assert mc.npv["p95"] == pytest.approx(result.npv)


def test_probability_converges_with_a_shrinking_standard_error(
    two_sector: tuple[Plan, PlanResult],
) -> None:
    """P(met) = 1/6 exactly (see EV_RISK). The estimate lies within 3 standard errors of it
    for every N and seed, and the reported SE falls as 1/sqrt(N): x 1/2 per 4 x N."""
    plan, result = two_sector
    spec = parse_risk(EV_RISK)
    errors = []
    for n in (400, 1600, 6400, 25600):
        for seed in range(3):
            (m,) = monte_carlo(plan, result, spec, draws=n, seed=seed).milestones
            assert abs(m.probability - 1 / 6) <= 3 * m.standard_error
        errors.append(m.standard_error)
    assert errors[0] == pytest.approx(np.sqrt((1 / 6) * (5 / 6) / 400), rel=0.05)
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.allclose(ratios, 2.0, rtol=0.05)


def test_expected_shortfall_by_hand(two_sector: tuple[Plan, PlanResult]) -> None:
    """Shortfall = max(1,450 - 100 u - 1,350, 0) = 100 max(1 - u, 0) with u ~ U(0.5, 1.1):
    E = 100 x integral_0.5^1 (1 - u) du / 0.6 = 100 x 0.125 / 0.6 = 20.83 t."""
    plan, result = two_sector
    (m,) = monte_carlo(plan, result, parse_risk(EV_RISK), draws=20_000, seed=3).milestones
    assert m.expected_shortfall == pytest.approx(100 * 0.125 / 0.6, rel=1e-3)


def test_seeds_reproduce(two_sector: tuple[Plan, PlanResult]) -> None:
    plan, result = two_sector
    spec = parse_risk(EV_RISK)
    a = monte_carlo(plan, result, spec, draws=500, seed=7).to_dict()
    b = monte_carlo(plan, result, spec, draws=500, seed=7).to_dict()
    c = monte_carlo(plan, result, spec, draws=500, seed=8).to_dict()
    assert a == b
    assert a["fan"] != c["fan"]


def test_rank_correlations(two_sector: tuple[Plan, PlanResult]) -> None:
    """Emissions fall as EV uptake rises (rho = -1 for 2026, the only thing that varies);
    capex overruns do not touch emissions; the NPV (500 x u x capex factor - 2,000) rises
    with both; LED capex (0) does nothing."""
    plan, result = two_sector
    mc = monte_carlo(plan, result, parse_risk(EV_RISK), draws=2000, seed=2)
    emissions = mc.tornado("emissions_2026").set_index("uncertainty")["rho"]
    assert emissions["ev uptake"] == pytest.approx(-1.0)
    assert abs(emissions["capex: ev"]) < 0.1
    npv = mc.tornado("npv").set_index("uncertainty")["rho"]
    assert npv["capex: ev"] > 0.3
    assert npv["ev uptake"] > 0.3
    assert abs(npv["capex: led"]) < 0.1  # noise only: LED has no capex
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(300, 3)), rng.normal(size=300)
    expected = [spearmanr(x[:, k], y).statistic for k in range(3)]
    assert np.allclose(spearman(x, y)[0], expected)
    ties = np.round(x, 0)  # many ties: average ranks, as spearmanr
    expected = [spearmanr(ties[:, k], y).statistic for k in range(3)]
    assert np.allclose(spearman(ties, y)[0], expected)


def test_vectorised_draws_equal_a_loop_over_draws(yokohama: tuple[Plan, PlanResult]) -> None:
    """The packaged uncertainties on the demo plan: 40 draws at once give what each draw gives
    evaluated on its own."""
    plan, result = yokohama
    basis = plan_basis(plan)
    roadmap = Roadmap.from_result(plan, result)
    from kizuna.review.uncertainty import default_risk

    drawn = sample(basis, default_risk(), 40, seed=5)
    together = evaluate(basis, roadmap, drawn.worlds)
    for i in (0, 17, 39):
        alone = evaluate(basis, roadmap, _one(drawn.worlds, i))
        assert np.allclose(together.emissions[i], alone.emissions[0])
        assert together.npv[i] == pytest.approx(alone.npv[0])


def test_the_demo_plan_runs_with_the_packaged_uncertainties(
    yokohama: tuple[Plan, PlanResult],
) -> None:
    plan, result = yokohama
    mc = monte_carlo(plan, result, draws=1000, seed=0)
    data = mc.to_dict()
    assert [(m["year"], m["cap"]) for m in data["milestones"]] == [
        (m.year, m.cap) for m in result.milestones
    ]
    assert all(0 <= m["probability"] <= 1 for m in data["milestones"])
    assert len(data["fan"]) == len(result.years)
    assert all(r["p5"] <= r["p50"] <= r["p95"] for r in data["fan"])
    kinds = {row["uncertainty"].split(":")[0] for row in data["sensitivity"]["npv"]}
    assert {"grid emission factor", "uptake", "capex overrun", "energy price"} <= kinds


def test_inverse_distribution_functions_match_scipy() -> None:
    from scipy import stats

    from kizuna.review.uncertainty import Distribution

    u = np.linspace(0.001, 0.999, 999)
    cases = [
        (
            {"type": "triangular", "low": 0.6, "mode": 0.95, "high": 1.05},
            stats.triang(0.35 / 0.45, loc=0.6, scale=0.45),
        ),
        ({"type": "normal", "mean": 1.0, "sd": 0.1}, stats.norm(1.0, 0.1)),
        ({"type": "lognormal", "median": 2.0, "sigma": 0.3}, stats.lognorm(0.3, scale=2.0)),
        ({"type": "uniform", "low": 0.5, "high": 1.1}, stats.uniform(0.5, 0.6)),
    ]
    for spec, reference in cases:
        assert np.allclose(Distribution.model_validate(spec).ppf(u), reference.ppf(u))
    clipped = Distribution(type="normal", mean=1.0, sd=1.0, low=0.0, high=2.0).ppf(u)
    assert (clipped.min(), clipped.max()) == (0.0, 2.0)


def test_bad_risk_file_names_the_field() -> None:
    with pytest.raises(InputError, match=r"uncertainties\[0\]\.distribution"):
        parse_risk(
            {"uncertainties": [{"name": "x", "kind": "uptake", "distribution": {"type": "normal"}}]}
        )


def _one(worlds: Worlds, i: int) -> Worlds:
    """Draw i alone."""

    def row(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[i : i + 1] if len(a) > 1 else a

    return replace(
        worlds,
        labels=[worlds.labels[i]],
        drivers={k: row(v) for k, v in worlds.drivers.items()},  # type: ignore[misc]
        bau_multiplier=row(worlds.bau_multiplier),
        energy_price=row(worlds.energy_price),
        price_applies=row(worlds.price_applies),
        uptake=row(worlds.uptake),
        abatement_factor=row(worlds.abatement_factor),
        capex_factor=row(worlds.capex_factor),
    )
