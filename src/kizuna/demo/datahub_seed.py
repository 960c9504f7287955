"""The demo's data hub content, stored by `kizuna.demo.load_demo` in its transaction.

Two data sets of Yokohama, both **synthetic** (made up by this module, labelled so in
their titles, descriptions and sources), public under CC0 1.0, so that the data
catalogue, a time-series chart and a district map show something out of the box:

- ``smart-meters-2024``: daily electricity use in 2024 (kWh per day, Asia/Tokyo) of two
  groups of sample meters, ``residential`` (`HOUSEHOLDS` households) and ``commercial``
  (`SHOPS` shops and offices). Per household a day,
  ``kWh = 9.5 x (1 + 0.25 cos(2 pi (d - 15) / 366) + 0.20 cos(4 pi (d - 15) / 366))``
  (d the day of the year: a winter and a summer peak), times a noise factor
  ``1 + 0.04 z`` (z normal, `SEED`); per shop ``kWh = 120 x (1 + 0.15 cos(4 pi (d - 200) / 366))``
  on weekdays and 40 % of it at weekends, times ``1 + 0.05 z``. The shape only looks like
  metered data; the figures describe no real meter.
- ``districts-demo``: a map of nine **schematic** districts (squares on a 3 x 3 grid over
  the city's area, not its real ward boundaries) coloured by a synthetic January
  electricity use per household, ``kWh = 300 + 25 x i`` for district i = 0 ... 8 plus
  noise; the GeoJSON is kept by the platform and drawn offline.

And one pipeline of Yokohama, ``smart-meters-activity`` (public, CC0 1.0), run once, so
that the pipelines page and its outputs show something: the sample meters summed by month
and building type, mapped to GPC activity data (residential I.1.2, commercial I.2.2, in
MWh) and an indicator series of their electricity use. Its emission factor, 0.363 kg
CO2/kWh for 2024, is the demo plan's grid factor path at 2024 (``data/plans/yokohama.yaml``:
FY2013 0.570 kg/kWh, the Federation of Electric Power Companies of Japan's FY2013 average,
falling linearly to the national 2030 target of 0.25: 0.570 - 0.32 x 11/17 = 0.363), an
assumption of the demo, not a utility's published factor.

They are imported through the platform's upload service (`import_upload`) as the system,
so they are checked, stored in the warehouse beside the demo database with their lineage,
and audited like any upload. Loading the demo again replaces their rows. About 0.5 s
(0.5-0.8 s measured on a shared 2-core machine).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.datahub import Mode
from kizuna.server.tables import City, Organisation, Visibility
from kizuna.server.tables.datahub import Dataset, HubPipeline
from kizuna.server.tenancy import SYSTEM
from kizuna.server.tenancy.datahub import HubWarehouse, hub_for_session
from kizuna.server.tenancy.datahub_imports import DatasetFields
from kizuna.server.tenancy.datahub_pipelines import (
    create_pipeline,
    run_city_pipeline,
    update_pipeline,
)
from kizuna.server.tenancy.datahub_uploads import import_upload

CITY = "yokohama"
LICENCE = "CC0-1.0"
SEED = 2024
HOUSEHOLDS = 200
SHOPS = 40
#: Where the districts' grid lies (degrees): Yokohama's area, roughly.
WEST, SOUTH, STEP = 139.52, 35.36, 0.06
SYNTHETIC = {
    "title": "Synthetic demo data made by kizuna.demo.datahub_seed (no real measurements)",
    "publisher": "Kizuna",
    "year": 2026,
}
MAX_BYTES = 5_000_000
#: The demo's pipeline (module docstring): the sample meters to activity data.
PIPELINE = """\
name: smart-meters-activity
description: Sample smart meters to activity data (synthetic demo data)
input: {dataset: smart-meters-2024}
aggregate: {by: [building_type], unit: MWh}
outputs:
  - kind: activity
    name: activity
    city: Yokohama
    column: building_type
    map: {residential: I.1.2, commercial: I.2.2}
    unit: MWh
    emission_factor:
      value: 0.363
      unit: kg/kWh
      gas: CO2
      source: "demo assumption: the demo plan's grid factor path at 2024 (FEPC FY2013 0.570
        kg/kWh, linear to the 2030 national target 0.25)"
    description: sample meters of the demo (synthetic)
  - kind: indicator
    name: electricity
    indicator: 7.1.x
    series: Electricity use of the sample meters (synthetic)
    unit: MWh
    disaggregate: [building_type]
"""


def meter_readings(seed: int = SEED) -> pd.DataFrame:
    """The synthetic daily readings of the module docstring: time (midnight, Asia/Tokyo),
    building_type, meters, energy (kWh for the day, all meters of the group)."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(date(2024, 1, 1), date(2024, 12, 31), freq="D", tz="Asia/Tokyo")
    d = days.day_of_year.to_numpy(float)
    phase = 2 * np.pi * (d - 15) / 366
    season = 1 + 0.25 * np.cos(phase) + 0.20 * np.cos(2 * phase)
    homes = HOUSEHOLDS * 9.5 * season * (1 + 0.04 * rng.standard_normal(len(days)))
    weekday = np.where(days.day_of_week.to_numpy() < 5, 1.0, 0.4)
    shops = SHOPS * 120 * (1 + 0.15 * np.cos(4 * np.pi * (d - 200) / 366)) * weekday
    shops = shops * (1 + 0.05 * rng.standard_normal(len(days)))
    times = [t.isoformat() for t in days]
    return pd.concat(
        [
            pd.DataFrame(
                {"time": times, "building_type": kind, "meters": count, "energy": np.round(kwh, 1)}
            )
            for kind, count, kwh in (
                ("residential", HOUSEHOLDS, homes),
                ("commercial", SHOPS, shops),
            )
        ],
        ignore_index=True,
    )


def districts(seed: int = SEED) -> dict[str, object]:
    """The nine schematic districts of the module docstring, a GeoJSON FeatureCollection."""
    rng = np.random.default_rng(seed + 1)
    features = []
    for i in range(9):
        row, col = divmod(i, 3)
        x, y = WEST + col * STEP, SOUTH + row * STEP
        corners = [(x, y), (x + STEP, y), (x + STEP, y + STEP), (x, y + STEP), (x, y)]
        ring = [[round(a, 4), round(b, 4)] for a, b in corners]
        value = 300 + 25 * i + float(rng.normal(0, 8))
        features.append(
            {
                "type": "Feature",
                "id": f"d{i + 1}",
                "properties": {
                    "name": f"Demo district {chr(ord('A') + i)}",
                    "kwh_per_household": round(value, 1),
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def seed(session: Session, orgs: dict[str, Organisation]) -> int:
    """Store the demo data sets of Yokohama (none when the demo has no Yokohama, as in the
    tests' small data); returns how many were stored."""
    city = session.scalars(select(City).where(City.slug == CITY)).one_or_none()
    if city is None or CITY not in orgs:
        return 0
    hub = hub_for_session(session)
    uploads = [
        (
            "smart-meters-2024.csv",
            meter_readings().to_csv(index=False).encode("utf-8"),
            DatasetFields(
                name="smart-meters-2024",
                title="Smart meters 2024 (synthetic demo data)",
                description="SYNTHETIC: daily electricity use of 200 sample households and 40 "
                "shops and offices in 2024, made up by Kizuna's demo to show a time series; "
                "not measurements of any real meter.",
                time_column="time",
                value_column="energy",
                unit="kWh",
                expected_unit="kWh",
                timezone="Asia/Tokyo",
                dimensions=("building_type",),
                sources=(SYNTHETIC,),
            ),
        ),
        (
            "districts-demo.geojson",
            json.dumps(districts()).encode("utf-8"),
            DatasetFields(
                name="districts-demo",
                title="Electricity use per household by district, January 2024 (synthetic, "
                "schematic districts)",
                description="SYNTHETIC: nine schematic districts (squares, not Yokohama's real "
                "ward boundaries) coloured by a made-up monthly electricity use per household, "
                "to show a district map.",
                value_column="kwh_per_household",
                unit="kWh",
                label_column="name",
                sources=(SYNTHETIC,),
            ),
        ),
    ]
    for filename, data, fields in uploads:
        exists = session.scalars(
            select(Dataset.id).where(Dataset.city_id == city.id, Dataset.name == fields.name)
        ).first()
        import_upload(
            session,
            SYSTEM,
            city,
            hub,
            filename=filename,
            data=data,
            fields=fields,
            mode=Mode.replace if exists else Mode.create,
            visibility=Visibility.PUBLIC,
            licence=LICENCE,
            max_bytes=MAX_BYTES,
        )
    _seed_pipeline(session, city, hub)
    return len(uploads) + 1


def _seed_pipeline(session: Session, city: City, hub: HubWarehouse) -> None:
    """Store the demo's pipeline (or its file again) and run it."""
    stored = session.scalars(
        select(HubPipeline).where(
            HubPipeline.city_id == city.id, HubPipeline.name == "smart-meters-activity"
        )
    ).one_or_none()
    if stored is None:
        stored = create_pipeline(
            session, SYSTEM, city, PIPELINE, visibility=Visibility.PUBLIC, licence=LICENCE
        )
    else:
        update_pipeline(session, SYSTEM, stored, PIPELINE)
    run_city_pipeline(session, SYSTEM, stored, hub)
