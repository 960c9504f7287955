"""The demo's SDG content, stored by `kizuna.demo.load_demo` in its transaction.

Yokohama's indicators and VLR come from the packaged CITY_DIR
``kizuna/demo/data/sdg/yokohama`` (docs/sdg.md, "The Yokohama demo"): its Open SDG files
become the data set ``indicators`` (checked as any upload is, `kizuna.server.sdg_files`),
its city.yaml and narratives the city's VLR project, which reviews that data set and shows
the city's stored plan. Both are owned by the city government and public under CC BY 4.0:
the figures are facts taken from the public sources each file cites (numbers and simple
tables are not works under Japan's Copyright Act; the City of Yokohama publishes its own
open data under CC BY 4.0 unless a page says otherwise), and the narratives and the
compilation were written for Kizuna. A reader must name those sources (attribution).

Everything is written as the system through `kizuna.server.tenancy.sdg` (audited);
loading twice updates the same rows. Without a city ``yokohama`` (the test data) nothing
is stored.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.demo.accounts import LICENCE
from kizuna.sdg.vlr import load_city_dir
from kizuna.server.sdg_files import read_dataset_files
from kizuna.server.tables import City, Organisation, Visibility
from kizuna.server.tenancy import SYSTEM
from kizuna.server.tenancy.sdg import (
    FILE_FIELDS,
    save_dataset,
    save_vlr,
    update_narratives,
)

CITY = "yokohama"
#: The packaged CITY_DIR, relative to ``kizuna/demo/data``.
CITY_DIR = "sdg/yokohama"
#: Room enough for each demo file (the demo files are a few kB each).
FILE_LIMIT = 1_000_000


def narrative_texts(
    sections: dict[str, dict[str, str]], goals: dict[int, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """``{lang: {section: markdown}}`` from a CITY_DIR's narratives (goals as ``goals/<n>``)."""
    texts: dict[str, dict[str, str]] = {}
    for key, by_lang in [*sections.items(), *((f"goals/{n}", t) for n, t in goals.items())]:
        for lang, text in by_lang.items():
            texts.setdefault(lang, {})[key] = text
    return texts


def seed(session: Session, orgs: dict[str, Organisation]) -> int:
    """Store Yokohama's SDG data set and VLR project (see the module docstring); returns
    how many objects were stored (0 without the city)."""
    city = session.scalars(select(City).where(City.slug == CITY)).one_or_none()
    if city is None or CITY not in orgs:
        return 0
    with as_file(files("kizuna.demo").joinpath("data", CITY_DIR)) as root:
        folder = Path(root)
        uploaded = read_dataset_files(
            [
                (path.name, path.read_bytes())
                for pattern in ("data/indicator_*.csv", "indicator-config/*.yml")
                for path in sorted(folder.glob(pattern))
            ],
            FILE_LIMIT,
        )
        city_dir = load_city_dir(folder)
    dataset = save_dataset(
        session,
        SYSTEM,
        city,
        name="indicators",
        title="SDG indicators of Yokohama (Kizuna demo, public sources)",
        source_file=f"kizuna/demo/data/{CITY_DIR}",
        indicators=uploaded,
        visibility=Visibility.PUBLIC,
        licence=LICENCE,
    )
    config = city_dir.config.model_dump(mode="json", exclude=set(FILE_FIELDS))
    project = save_vlr(
        session,
        SYSTEM,
        city,
        config=config,
        dataset=dataset,
        use_plan=True,
        visibility=Visibility.PUBLIC,
        licence=LICENCE,
    )
    update_narratives(
        session, SYSTEM, project, narrative_texts(city_dir.narratives, city_dir.goal_narratives)
    )
    return 2
