"""The planning LP, built directly as sparse matrices.

Decision variables (columns):
    x[m, t] >= 0   units of measure m installed in year t (t = start_year .. end_year)
    s[k]    >= 0   shortfall (tCO2e) against cap k, penalised: milestones are elastic
    u       >= 0   shortfall against the cumulative budget (method ``budget`` only)
    z[m] in {0,1}  all-or-nothing switch of measure m (MILP, only when asked for)

A unit abates a[m, t] tCO2e per year from its installation year for L_m years, so the
stock and abatement are linear in x:

    S[m, t] = sum_{k = 0}^{L_m - 1} x[m, t - k]          A[m, t] = a[m, t] x S[m, t]

Each constraint family is an ``add_*`` function whose docstring states its rows; the
objective is the discounted cost of `kizuna.planning.economics` plus the penalties.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kizuna.planning.economics import (
    crf_due,
    discount_factors,
    running_discount_sums,
)
from kizuna.planning.highs import LinearProgram
from kizuna.planning.milestones import Cap
from kizuna.planning.paths import evaluate
from kizuna.planning.plan import Abatement, Plan

INF = np.inf


@dataclass
class Rows:
    """A block of constraint rows in COO form: lower <= A x <= upper."""

    name: str
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@dataclass
class Model:
    """Everything needed to solve the plan and to read the solution back."""

    plan: Plan
    years: np.ndarray  # start_year .. end_year
    sectors: list[str]
    bau: pd.DataFrame  # tCO2e by year (rows) and sector (columns)
    caps: list[Cap]
    abatement: np.ndarray  # a[m, t], tCO2e per unit per year
    lifetimes: np.ndarray  # L_m, years
    sector_of: np.ndarray  # sector index of each measure
    df: np.ndarray  # discount factors of `years`
    cost: np.ndarray  # c[m, t]: discounted cost of one unit installed in t
    window: tuple[np.ndarray, np.ndarray, np.ndarray] = field(repr=False)  # (m, t, column)
    n_x: int = 0
    slack_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    budget_col: int | None = None
    switch_cols: dict[int, int] = field(default_factory=dict)
    blocks: list[Rows] = field(default_factory=list)
    col_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))
    col_lower: np.ndarray = field(default_factory=lambda: np.zeros(0))
    col_upper: np.ndarray = field(default_factory=lambda: np.zeros(0))
    integrality: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))

    @property
    def n_measures(self) -> int:
        return len(self.plan.measures)

    @property
    def n_years(self) -> int:
        return len(self.years)

    def col(self, m: int | np.ndarray, t: int | np.ndarray) -> np.ndarray:
        """Column of x[m, t] (t as an index into `years`)."""
        return np.asarray(m) * self.n_years + np.asarray(t)

    def program(self) -> tuple[LinearProgram, dict[str, slice]]:
        """The LP for HiGHS, and the row slice of each constraint block by name."""
        offset, rows, cols, vals, lo, hi, where = 0, [], [], [], [], [], {}
        for b in self.blocks:
            n = len(b.lower)
            rows.append(b.rows + offset)
            cols.append(b.cols)
            vals.append(b.vals)
            lo.append(b.lower)
            hi.append(b.upper)
            where[b.name] = slice(offset, offset + n)
            offset += n
        a = sp.csc_matrix(
            (_cat(vals, float), (_cat(rows, np.int64), _cat(cols, np.int64))),
            shape=(offset, len(self.col_cost)),
        )
        a.sum_duplicates()
        lp = LinearProgram(
            self.col_cost,
            a,
            _cat(lo, float),
            _cat(hi, float),
            self.col_lower,
            self.col_upper,
            self.integrality,
        )
        return lp, where


@dataclass(frozen=True)
class FixedInstalls:
    """Installations already decided, such as the units actually delivered, for a re-plan
    that keeps the past: x[m, t] = units[m, t - start_year] for t = start_year .. through_year."""

    through_year: int
    units: np.ndarray  # (n_measures, through_year - start_year + 1), units installed


def build_model(
    plan: Plan,
    bau: pd.DataFrame,
    caps: list[Cap],
    budget: float | None,
    fixed: FixedInstalls | None = None,
) -> Model:
    """Build the whole LP (or MILP) for `plan` with BAU `bau`, milestone `caps`, an
    optional cumulative `budget` (tCO2e over the horizon) and optional `fixed` installations."""
    years = np.arange(plan.start_year, plan.end_year + 1)
    measures = plan.measures
    sectors = list(bau.columns)
    lifetimes = np.array([m.lifetime for m in measures], dtype=np.int64).reshape(-1)
    abatement = abatement_matrix(plan, years)
    df = discount_factors(years, plan.discount_rate, plan.start_year)
    model = Model(
        plan=plan,
        years=years,
        sectors=sectors,
        bau=bau.loc[years],
        caps=caps,
        abatement=abatement,
        lifetimes=lifetimes,
        sector_of=np.array([sectors.index(m.sector) for m in measures], dtype=np.int64),
        df=df,
        cost=_unit_costs(plan, years, df, lifetimes),
        window=_window(lifetimes, len(years)),
        n_x=len(measures) * len(years),
    )
    _columns(model, budget is not None)
    add_milestone_caps(model)
    if budget is not None:
        add_cumulative_budget(model, budget)
    add_potentials(model)
    add_sector_floors(model)
    add_requirements(model)
    add_exclusions(model)
    add_capex_budget(model)
    add_all_or_nothing(model)
    if fixed is not None:
        fix_installations(model, fixed)
    return model


# --- coefficients ------------------------------------------------------------------------------


def abatement_matrix(plan: Plan, years: np.ndarray) -> np.ndarray:
    """a[m, t]: tCO2e abated per unit of measure m in place in year t (driver-linked or fixed)."""
    out = np.zeros((len(plan.measures), len(years)))
    for i, m in enumerate(plan.measures):
        if isinstance(m.abatement, Abatement):
            driver = evaluate(plan.baseline.drivers[m.abatement.driver], years, plan.base_year)
            out[i] = m.abatement.value * driver
        else:
            out[i] = float(m.abatement)
    return out


def _unit_costs(plan: Plan, years: np.ndarray, df: np.ndarray, lifetimes: np.ndarray) -> np.ndarray:
    """c[m, t] = (capex x CRF_due + opex) x (sum of DF over the unit's years in the horizon)
    - jobs weight x job-years x DF(t)."""
    capex = np.array([m.capex for m in plan.measures], dtype=float)
    opex = np.array([m.opex for m in plan.measures], dtype=float)
    jobs = np.array([m.jobs for m in plan.measures], dtype=float)
    if not len(plan.measures):
        return np.zeros((0, len(years)))
    yearly = capex * crf_due(plan.discount_rate, lifetimes) + opex
    runs = running_discount_sums(df, lifetimes)
    return yearly[:, None] * runs - plan.weights.jobs * jobs[:, None] * df[None, :]


def _window(lifetimes: np.ndarray, n_years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries of S[m, t] = sum_k x[m, t - k]: arrays (m, t, column of x[m, t - k])."""
    k = np.arange(n_years)
    t = np.arange(n_years)
    mask = (k[None, None, :] < lifetimes[:, None, None]) & (k[None, None, :] <= t[None, :, None])
    m_idx, t_idx, k_idx = np.nonzero(mask)
    return m_idx, t_idx, m_idx * n_years + (t_idx - k_idx)


def _stock_rows(
    model: Model,
    row_of: np.ndarray,
    weight: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COO entries of rows sum_m weight[m, t] x S[m, t], where row_of[m, t] >= 0 names the row."""
    m_idx, t_idx, cols = model.window
    rows = row_of[m_idx, t_idx]
    keep = (rows >= 0) & (weight[m_idx, t_idx] != 0)
    return rows[keep], cols[keep], weight[m_idx, t_idx][keep]


def _columns(model: Model, with_budget: bool) -> None:
    plan, n_x, n_t = model.plan, model.n_x, model.n_years
    upper = np.empty((model.n_measures, n_t))
    for i, m in enumerate(plan.measures):
        upper[i] = m.max_rate if m.max_rate is not None else m.potential
        if m.start is not None:
            upper[i, model.years < m.start] = 0.0
    cap_years = np.array([c.year for c in model.caps], dtype=np.int64)
    slack_cost = plan.penalty * model.df[cap_years - plan.start_year] if len(cap_years) else []
    cost = [model.cost.ravel(), np.asarray(slack_cost, dtype=float)]
    lower = [np.zeros(n_x), np.zeros(len(model.caps))]
    upper_all = [upper.ravel(), np.full(len(model.caps), INF)]
    integrality = [
        np.array([m.integer for m in plan.measures], dtype=np.uint8).repeat(n_t),
        np.zeros(len(model.caps), dtype=np.uint8),
    ]
    model.slack_cols = n_x + np.arange(len(model.caps))
    next_col = n_x + len(model.caps)
    if with_budget:
        model.budget_col = next_col
        next_col += 1
        cost.append(np.array([plan.penalty]))
        lower.append(np.zeros(1))
        upper_all.append(np.array([INF]))
        integrality.append(np.zeros(1, dtype=np.uint8))
    for i, m in enumerate(plan.measures):
        if m.all_or_nothing:
            model.switch_cols[i] = next_col
            next_col += 1
            cost.append(np.zeros(1))
            lower.append(np.zeros(1))
            upper_all.append(np.ones(1))
            integrality.append(np.ones(1, dtype=np.uint8))
    model.col_cost = np.concatenate(cost)
    model.col_lower = np.concatenate(lower)
    model.col_upper = np.concatenate(upper_all)
    model.integrality = np.concatenate(integrality)


# --- constraint families -----------------------------------------------------------------------


def add_milestone_caps(model: Model) -> None:
    """For each cap k (year y, sector s or the city):
    sum_{m in s} a[m, y] S[m, y] + s_k >= BAU_s(y) - cap_k   (abatement plus shortfall)."""
    rows, cols, vals, lower = [], [], [], np.zeros(len(model.caps))
    scopes = sorted({c.sector or "" for c in model.caps})
    for scope in scopes:  # caps of one scope fall in distinct years: one pass each
        row_of = np.full((model.n_measures, model.n_years), -1)
        in_scope = (
            np.ones(model.n_measures, dtype=bool)
            if not scope
            else model.sector_of == model.sectors.index(scope)
        )
        for k, cap in enumerate(model.caps):
            if (cap.sector or "") != scope:
                continue
            t = cap.year - model.plan.start_year
            row_of[in_scope, t] = k
            bau = model.bau[cap.sector].iloc[t] if cap.sector else model.bau.iloc[t].sum()
            lower[k] = bau - cap.cap
        r, c, v = _stock_rows(model, row_of, model.abatement)
        rows.append(r)
        cols.append(c)
        vals.append(v)
    n = len(model.caps)
    rows.append(np.arange(n))
    cols.append(model.slack_cols)
    vals.append(np.ones(n))
    model.blocks.append(
        Rows(
            "milestones",
            _cat(rows, np.int64),
            _cat(cols, np.int64),
            _cat(vals, float),
            lower,
            np.full(n, INF),
        )
    )


def add_cumulative_budget(model: Model, budget: float) -> None:
    """sum_t sum_m a[m, t] S[m, t] + u >= sum_t BAU(t) - budget   (one row)."""
    row_of = np.zeros((model.n_measures, model.n_years), dtype=np.int64)
    r, c, v = _stock_rows(model, row_of, model.abatement)
    assert model.budget_col is not None
    model.blocks.append(
        Rows(
            "budget",
            np.append(r, 0),
            np.append(c, model.budget_col),
            np.append(v, 1.0),
            np.array([model.bau.to_numpy().sum() - budget]),
            np.array([INF]),
        )
    )


def add_potentials(model: Model) -> None:
    """S[m, t] <= potential_m   (units in place never exceed the potential)."""
    n_m, n_t = model.n_measures, model.n_years
    row_of = np.arange(n_m * n_t).reshape(n_m, n_t)
    r, c, v = _stock_rows(model, row_of, np.ones((n_m, n_t)))
    potential = np.array([m.potential for m in model.plan.measures], dtype=float)
    model.blocks.append(Rows("potential", r, c, v, np.full(n_m * n_t, -INF), potential.repeat(n_t)))


def add_sector_floors(model: Model) -> None:
    """sum_{m in s} a[m, t] S[m, t] <= BAU_s(t)   (a sector cannot abate more than it emits)."""
    n_s, n_t = len(model.sectors), model.n_years
    row_of = model.sector_of[:, None] * n_t + np.arange(n_t)[None, :]
    r, c, v = _stock_rows(model, row_of, model.abatement)
    model.blocks.append(
        Rows("sector_floor", r, c, v, np.full(n_s * n_t, -INF), model.bau.to_numpy().T.ravel())
    )


def add_requirements(model: Model) -> None:
    """S[m, t] - S[d, t] <= 0 for each m requiring d   (stock of m never exceeds that of d)."""
    pairs = _pairs(model, "requires", symmetric=False)
    _pair_rows(model, "requires", pairs, np.ones(len(pairs)), -np.ones(len(pairs)), upper=0.0)


def add_exclusions(model: Model) -> None:
    """S[m, t] / P_m + S[o, t] / P_o <= 1 for m excluding o   (shares of one stock)."""
    pairs = _pairs(model, "excludes", symmetric=True)
    pot = np.array([m.potential for m in model.plan.measures], dtype=float)
    _pair_rows(model, "excludes", pairs, 1.0 / pot[pairs[:, 0]], 1.0 / pot[pairs[:, 1]], upper=1.0)


def add_capex_budget(model: Model) -> None:
    """sum_m capex_m x[m, t] <= B(t)   (optional annual cap on capital spending)."""
    spec = model.plan.budget.annual_capex
    if spec is None or not model.n_measures:
        return
    limits = (
        np.full(model.n_years, float(spec))
        if isinstance(spec, int | float)
        else np.array([spec.get(int(y), INF) for y in model.years], dtype=float)
    )
    capex = np.array([m.capex for m in model.plan.measures], dtype=float)
    m_idx, t_idx = np.meshgrid(np.arange(model.n_measures), np.arange(model.n_years), indexing="ij")
    keep = capex[m_idx.ravel()] != 0
    model.blocks.append(
        Rows(
            "capex_budget",
            t_idx.ravel()[keep],
            model.col(m_idx, t_idx).ravel()[keep],
            capex[m_idx.ravel()][keep],
            np.full(model.n_years, -INF),
            limits,
        )
    )


def add_all_or_nothing(model: Model) -> None:
    """sum_t x[m, t] - P_m z_m = 0 for all-or-nothing measures   (full roll-out or none)."""
    if not model.switch_cols:
        return
    rows, cols, vals = [], [], []
    for k, (m, z) in enumerate(model.switch_cols.items()):
        rows += [np.full(model.n_years + 1, k)]
        cols += [np.append(model.col(m, np.arange(model.n_years)), z)]
        vals += [np.append(np.ones(model.n_years), -model.plan.measures[m].potential)]
    n = len(model.switch_cols)
    model.blocks.append(
        Rows(
            "all_or_nothing",
            _cat(rows, np.int64),
            _cat(cols, np.int64),
            _cat(vals, float),
            np.zeros(n),
            np.zeros(n),
        )
    )


def fix_installations(model: Model, fixed: FixedInstalls) -> None:
    """x[m, t] = units[m, t] for t <= through_year (lower = upper bound, above any ramp limit
    or start year: what was delivered stays delivered), and no annual capex cap in those
    years (money already spent is not limited again). Potentials, dependencies and the
    milestones still hold."""
    n_fixed = min(fixed.through_year - model.plan.start_year + 1, model.n_years)
    if n_fixed <= 0:
        return
    units = np.asarray(fixed.units, dtype=float)[:, :n_fixed]
    m_idx, t_idx = np.meshgrid(np.arange(model.n_measures), np.arange(n_fixed), indexing="ij")
    cols = model.col(m_idx, t_idx).ravel()
    model.col_lower[cols] = units.ravel()
    model.col_upper[cols] = units.ravel()
    for block in model.blocks:
        if block.name == "capex_budget":
            block.upper[:n_fixed] = INF


def _pairs(model: Model, field: str, symmetric: bool) -> np.ndarray:
    index = {m.id: i for i, m in enumerate(model.plan.measures)}
    found = set()
    for i, m in enumerate(model.plan.measures):
        for other in getattr(m, field):
            j = index[other]
            found.add((min(i, j), max(i, j)) if symmetric else (i, j))
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


def _pair_rows(
    model: Model,
    name: str,
    pairs: np.ndarray,
    w_first: np.ndarray,
    w_second: np.ndarray,
    upper: float,
) -> None:
    """Rows w1 x S[i, t] + w2 x S[j, t] (lower -inf, `upper`) for each pair (i, j) and year t."""
    n_t = model.n_years
    m_idx, t_idx, cols = model.window
    bounds = np.searchsorted(m_idx, np.arange(model.n_measures + 1))  # entries are m-major
    rows, out_cols, vals = [], [], []
    for p, (i, j) in enumerate(pairs):
        for measure, weight in ((i, w_first[p]), (j, w_second[p])):
            part = slice(bounds[measure], bounds[measure + 1])
            rows.append(p * n_t + t_idx[part])
            out_cols.append(cols[part])
            vals.append(np.full(part.stop - part.start, weight))
    n = len(pairs) * n_t
    model.blocks.append(
        Rows(
            name,
            _cat(rows, np.int64),
            _cat(out_cols, np.int64),
            _cat(vals, float),
            np.full(n, -INF),
            np.full(n, upper),
        )
    )


def _cat(parts: list, dtype: type) -> np.ndarray:
    arrays = [np.asarray(p, dtype=dtype) for p in parts]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)
