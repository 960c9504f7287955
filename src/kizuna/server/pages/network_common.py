"""What the network pages share: the labels of the network's values (translated through the
catalogue, marked here with ``N_``), the template context and the parsing of form fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kizuna.errors import InputError, KizunaError, Location
from kizuna.network.profiles import SECTORS
from kizuna.planning.library import measure_library
from kizuna.reports.i18n import N_
from kizuna.server import tenancy
from kizuna.server.deps import Auth, SessionDep
from kizuna.server.pages.forms import done, form_error, gettext
from kizuna.server.tables import Organisation, Role, Visibility

Csrf = Annotated[str, Form(max_length=200)]
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=10_000)]
Many = Annotated[list[str], Form(max_length=40)]

LABELS: dict[str, dict[str, str]] = {
    "stage": {
        "idea": N_("Idea"),
        "screening": N_("Screening"),
        "feasibility": N_("Feasibility"),
        "investment-ready": N_("Investment-ready"),
        "financed": N_("Financed"),
        "implemented": N_("Implemented"),
    },
    "role": {
        "lead": N_("Lead"),
        "partner": N_("Partner"),
        "provider": N_("Provider"),
        "funder": N_("Funder"),
        "observer": N_("Observer"),
    },
    "status": {"invited": N_("Invited"), "accepted": N_("Accepted"), "declined": N_("Declined")},
    "provider_kind": {
        "company": N_("Company"),
        "startup": N_("Startup"),
        "university": N_("University"),
        "lab": N_("Research lab"),
    },
    "cost": {"low": N_("Low cost"), "medium": N_("Medium cost"), "high": N_("High cost")},
    "feed": {
        "note": N_("Note"),
        "stage": N_("Stage"),
        "invitation": N_("Invitation"),
        "response": N_("Response"),
        "document": N_("Document"),
    },
    "dimension": {
        "size": N_("Population"),
        "density": N_("Density"),
        "income": N_("GDP per capita"),
        "climate": N_("Climate zone"),
        "emissions": N_("Emissions per capita"),
        "sectors": N_("Sector mix"),
        "ambition": N_("Target ambition"),
    },
    "band": {
        "town": N_("Town (under 50,000)"),
        "small": N_("Small (50,000 to 200,000)"),
        "medium": N_("Medium (200,000 to 500,000)"),
        "metropolitan": N_("Metropolitan (500,000 to 1.5 million)"),
        "large-metropolitan": N_("Large metropolitan (1.5 million and more)"),
    },
    "region": {
        "AF": N_("Africa"),
        "AS": N_("Asia"),
        "EU": N_("Europe"),
        "NA": N_("North America"),
        "OC": N_("Oceania"),
        "SA": N_("South America"),
        "AN": N_("Antarctica"),
    },
    "component": {
        "sector": N_("Sector gap"),
        "measure": N_("Measure at its limit"),
        "text": N_("Text similarity"),
        "sdg": N_("Off-track SDGs"),
        "region": N_("Serves the area"),
        "readiness": N_("Readiness (TRL)"),
        "peer": N_("Peer city"),
        "evidence": N_("Evidence"),
    },
    "metric": {
        "emissions_per_capita": N_("Emissions per capita (tCO2e per person)"),
        **{col: sector for sector, col in SECTORS.items()},
    },
}
CHART_LABELS = {
    "peers": N_("Peers"),
    "score": N_("score"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "emissions": N_("Emissions per capita (tCO2e per person)"),
    "unit": N_("tCO2e per person"),
}
VISIBILITIES = [v.value for v in Visibility]


def page_context(auth: Auth, **extra: Any) -> dict[str, Any]:
    return {"labels": LABELS, "signed_in": auth.web_session is not None, "error": None, **extra}


def chart_labels(request: Request) -> dict[str, str]:
    _ = gettext(request)
    return {k: _(v) for k, v in CHART_LABELS.items()}


def measures() -> list[tuple[str, str, str]]:
    """(id, name, sector) of the measure library, by sector and name."""
    found = measure_library()["measures"].values()
    return sorted(((m["id"], m["name"], m["sector"]) for m in found), key=lambda m: (m[2], m[1]))


def my_orgs(
    session: SessionDep, auth: Auth, kinds: frozenset[Any] | None = None
) -> list[Organisation]:
    """The organisations where the signed-in user is editor or more (of `kinds`)."""
    found = [
        o for o in tenancy.list_organisations(session) if auth.principal.has_role(o.id, Role.EDITOR)
    ]
    return [o for o in found if kinds is None or o.kind in kinds]


def numbers(text: str, field: str) -> list[int]:
    """``"7, 11, 13"`` -> [7, 11, 13]; `InputError` on anything else."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not all(p.isdigit() for p in parts):
        raise InputError(
            f"Not a list of numbers: {text!r}",
            where=Location(field=field),
            hint="write the SDG numbers separated by commas, such as 7, 11, 13",
        )
    return [int(p) for p in parts]


def words(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def visibility_of(value: str) -> Visibility:
    return Visibility(value) if value in VISIBILITIES else Visibility.PRIVATE


def licence_for(visibility: Visibility) -> str | None:
    return "CC-BY-4.0" if visibility is Visibility.PUBLIC else None


def number(text: str, field: str, *, integer: bool = False) -> float | int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        return int(text) if integer else float(text)
    except ValueError:
        raise InputError(
            f"Not a number: {text!r}",
            where=Location(field=field),
            hint="write digits (a point for decimals), or leave it empty",
        ) from None


def submit(
    request: Request,
    session: Session,
    template: str,
    change: Callable[[], str],
    again: Callable[[], dict[str, Any]],
) -> Response:
    """Make a form's change (`change` returns the address to go to) and commit; on a
    `KizunaError` roll back and show `template` again with the error next to its fields
    (its context from `again`, read after the rollback), nothing written."""
    try:
        url = change()
        session.commit()
    except KizunaError as exc:
        session.rollback()
        return form_error(request, template, template, again(), exc)
    return done(request, url)
