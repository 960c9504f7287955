"""Open licences by SPDX identifier: the licence's own URI, its SPDX page and its title.

DCAT catalogues link a distribution's ``dct:license`` to the licence document (the URI the
licensor publishes, as DCAT-AP recommends), with the SPDX identifier as ``dct:identifier``
(SPDX License List, https://spdx.org/licenses/). Unknown identifiers point to their SPDX
page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Licence:
    spdx: str
    title: str
    uri: str

    @property
    def spdx_uri(self) -> str:
        return f"https://spdx.org/licenses/{self.spdx}.html"


LICENCES: dict[str, Licence] = {
    lic.spdx: lic
    for lic in (
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution Share Alike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        Licence(
            "CC0-1.0",
            "Creative Commons Zero v1.0 Universal",
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
        Licence(
            "ODbL-1.0",
            "Open Data Commons Open Database License v1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
        ),
        Licence(
            "ODC-By-1.0",
            "Open Data Commons Attribution License v1.0",
            "https://opendatacommons.org/licenses/by/1-0/",
        ),
        Licence(
            "PDDL-1.0",
            "Open Data Commons Public Domain Dedication & License 1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/",
        ),
        Licence(
            "OGL-UK-3.0",
            "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        ),
    )
}


def licence(spdx: str) -> Licence:
    """The `Licence` of an SPDX identifier (case as SPDX writes it; unknown ones by SPDX page)."""
    known = LICENCES.get(spdx) or next(
        (lic for key, lic in LICENCES.items() if key.lower() == spdx.lower()), None
    )
    return known or Licence(spdx, spdx, f"https://spdx.org/licenses/{spdx}.html")


def licence_uri(spdx: str) -> str:
    return licence(spdx).uri
