"""The packaged GPC taxonomy, checked against the C40 workbook's "GPC taxonomy" sheet."""

from pathlib import Path

import pandas as pd
import pytest

from kizuna.reference.gpc import SECTOR_ORDER, gpc_taxonomy

#: The sheet writes IPPU as "IPUU" and names sectors by short names.
SHEET_SECTORS = {
    "Stationary": "Stationary energy",
    "Transport": "Transportation",
    "Waste": "Waste",
    "IPUU": "IPPU",
    "AFOLU": "AFOLU",
    "Other Scope 3": "Other scope 3",
}


def test_taxonomy_shape() -> None:
    tax = gpc_taxonomy()
    assert len(tax) == 54
    assert tax.index[0] == "I.1.1"
    assert tax.index[-1] == "VI.1"
    assert set(tax["sector"]) == set(SECTOR_ORDER)
    assert tax["in_basic"].sum() == 32
    # BASIC+ = BASIC + 16 more (scope 3 of energy and transport, IPPU, AFOLU)
    assert tax["in_basic_plus"].sum() == 48
    assert (tax.loc[tax["in_basic"], "in_basic_plus"]).all()
    # territorial total = every scope 1 source (GPC v1.1, section 3.5)
    assert (tax["in_territorial"] == (tax["scope"] == 1)).all()


@pytest.mark.shared_data
def test_taxonomy_matches_the_c40_sheet(shared_data: Path) -> None:
    sheet = pd.read_excel(
        shared_data / "cities" / "c40-gpc-inventories-2023.xlsx",
        sheet_name="GPC taxonomy",
        engine="calamine",
    )
    sheet = sheet[sheet["GPC ref"].astype(str).str.match(r"^[IV]+\.\d")].set_index("GPC ref")
    tax = gpc_taxonomy()
    assert list(sheet.index) == list(tax.index)
    assert (sheet["Scope"].astype(int) == tax["scope"]).all()
    assert (sheet["Sector"].map(SHEET_SECTORS) == tax["sector"]).all()
    marked = sheet[["BASIC", "BASIC+", "OTHER SCOPE 3", "TERRITORIAL"]].eq("X")
    assert (marked["BASIC"] == tax["basic"]).all()
    # The sheet marks only the sources BASIC+ adds to BASIC.
    assert (marked["BASIC+"] == (tax["in_basic_plus"] & ~tax["in_basic"])).all()
    assert (marked["OTHER SCOPE 3"] == tax["other_scope3"]).all()
    # The sheet leaves IPPU and AFOLU unmarked as territorial, yet the workbook's own
    # published Territorial totals (and its "TERRITORIAL IV.1.1" ... "V.3.1" columns)
    # include them: GPC's territorial total is all scope 1. Everything else agrees.
    differs = marked["TERRITORIAL"] != tax["territorial"]
    assert sorted(differs[differs].index) == ["IV.1", "IV.2", "V.1", "V.2", "V.3"]
