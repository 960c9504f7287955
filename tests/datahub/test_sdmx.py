"""The SDMX connector against a local service: SDMX-JSON 2.0 (series, as in the SDMX-JSON
field guide's samples), SDMX-JSON 1.0 (flat), SDMX-CSV 1.0, and SDMX errors."""

from __future__ import annotations

import pandas as pd
import pytest
from datahub_support import LocalApi, Reply

from kizuna.datahub.http import HttpSettings
from kizuna.datahub.sdmx import SdmxClient, period_start, sdmx_json_frame
from kizuna.datahub.sources import FetchOptions, fetch
from kizuna.errors import NotFound

FAST = HttpSettings(timeout=1.0, retries=0)
FLOW = "UNSD,DF_SDG_GLH,1.0"

JSON_2 = {
    "meta": {"id": "SDG-1", "prepared": "2024-07-01T00:00:00Z", "contentLanguages": ["en"]},
    "data": {
        "structures": [
            {
                "name": "SDG global and local",
                "dimensions": {
                    "dataSet": [
                        {"id": "FREQ", "keyPosition": 0, "values": [{"id": "A", "name": "Annual"}]}
                    ],
                    "series": [
                        {
                            "id": "SERIES",
                            "keyPosition": 1,
                            "values": [{"id": "EN_ATM_GHGT_AIP", "name": "Total GHG emissions"}],
                        },
                        {
                            "id": "REF_AREA",
                            "keyPosition": 2,
                            "values": [
                                {"id": "392", "name": "Japan"},
                                {"id": "702", "name": "Singapore"},
                            ],
                        },
                    ],
                    "observation": [
                        {
                            "id": "TIME_PERIOD",
                            "keyPosition": 3,
                            "roles": ["TIME_PERIOD"],
                            "values": [{"id": "2020"}, {"id": "2021"}],
                        }
                    ],
                },
                "attributes": {
                    "series": [
                        {"id": "UNIT_MEASURE", "values": [{"id": "MT_CO2E", "name": "Mt CO2e"}]}
                    ],
                    "observation": [
                        {
                            "id": "OBS_STATUS",
                            "values": [
                                {"id": "A", "name": "Normal"},
                                {"id": "E", "name": "Estimated"},
                            ],
                        }
                    ],
                },
            }
        ],
        "dataSets": [
            {
                "structure": 0,
                "action": "Information",
                "series": {
                    "0:0": {
                        "attributes": [0],
                        "observations": {"0": [1150.1, 0], "1": [1170.0, 1]},
                    },
                    "0:1": {"attributes": [0], "observations": {"0": [52.8, 0], "1": [57.7, 0]}},
                },
            }
        ],
    },
}
JSON_1_FLAT = {
    "header": {"id": "X"},
    "dataSets": [{"observations": {"0:0": [4.5], "0:1": [4.2]}}],
    "structure": {
        "dimensions": {
            "observation": [
                {"id": "REF_AREA", "values": [{"id": "JP"}]},
                {"id": "TIME_PERIOD", "values": [{"id": "2019-Q4"}, {"id": "2020-Q1"}]},
            ]
        }
    },
}
CSV_1 = (
    "DATAFLOW,FREQ,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
    "UNSD:DF_SDG_GLH(1.0),A,392,2020,1150.1,MT_CO2E\n"
    "UNSD:DF_SDG_GLH(1.0),A,392,2021,,MT_CO2E\n"
)


def test_sdmx_json_2_series_become_rows_of_codes(api: LocalApi) -> None:
    api.route(f"/rest/data/{FLOW}/A..392+702", Reply(JSON_2))
    with SdmxClient(f"{api.url}/rest", settings=FAST) as sdmx:
        frame = sdmx.data(FLOW, "A..392+702", start="2020", end="2021")
    assert frame.columns.tolist() == [
        "FREQ",
        "SERIES",
        "REF_AREA",
        "UNIT_MEASURE",
        "OBS_STATUS",
        "TIME_PERIOD",
        "OBS_VALUE",
    ]
    assert frame[["REF_AREA", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"]].values.tolist() == [
        ["392", "2020", 1150.1, "A"],
        ["392", "2021", 1170.0, "E"],
        ["702", "2020", 52.8, "A"],
        ["702", "2021", 57.7, "A"],
    ]
    (seen,) = api.requests_to(f"/rest/data/{FLOW}/A..392+702")
    assert seen.query == {
        "startPeriod": "2020",
        "endPeriod": "2021",
        "dimensionAtObservation": "TIME_PERIOD",
    }
    assert seen.headers["Accept"].startswith("application/vnd.sdmx.data+json")


def test_sdmx_json_1_flat_observations() -> None:
    frame = sdmx_json_frame(JSON_1_FLAT)
    assert frame.values.tolist() == [["JP", "2019-Q4", 4.5], ["JP", "2020-Q1", 4.2]]


def test_sdmx_csv_and_period_starts(api: LocalApi) -> None:
    api.route(f"/rest/data/{FLOW}/all", Reply(CSV_1, content_type="text/csv"))
    fetched = fetch(
        "sdmx",
        f"{api.url}/rest",
        FetchOptions(flow=FLOW, sdmx_format="csv", http=FAST),
        workdir=None,
    )  # type: ignore[arg-type]
    frame = fetched.frame
    assert frame["OBS_VALUE"].tolist()[0] == 1150.1
    assert pd.isna(frame["OBS_VALUE"].tolist()[1])
    assert frame["time"].dt.year.tolist() == [2020, 2021]
    assert fetched.value_column == "OBS_VALUE"
    assert "REF_AREA" in fetched.dimensions
    (seen,) = api.requests_to(f"/rest/data/{FLOW}/all")
    assert seen.headers["Accept"].startswith("application/vnd.sdmx.data+csv")


def test_periods_start_where_they_should() -> None:
    starts = period_start(pd.Series(["2020", "2020-Q3", "2020-S2", "2020-M11", "2020-05"]))
    assert [t.strftime("%Y-%m-%d") for t in starts] == [
        "2020-01-01",
        "2020-07-01",
        "2020-07-01",
        "2020-11-01",
        "2020-05-01",
    ]


def test_sdmx_errors_are_reported(api: LocalApi) -> None:
    api.route(
        f"/rest/data/{FLOW}/A.XX",
        Reply({"errors": [{"code": 100, "title": "No Results Found"}]}, status=404),
    )
    with (
        SdmxClient(f"{api.url}/rest", settings=FAST) as sdmx,
        pytest.raises(NotFound, match="No Results Found"),
    ):
        sdmx.data(FLOW, "A.XX")
