"""Open licences for public objects, and the rule that a public object names one."""

from __future__ import annotations

from kizuna.errors import InputError, Location
from kizuna.server.tables import Visibility

#: SPDX ids of open data and content licences (https://spdx.org/licenses/).
OPEN_LICENCES: dict[str, str] = {
    "CC0-1.0": "Creative Commons Zero 1.0 (public domain dedication)",
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0",
    "ODC-By-1.0": "Open Data Commons Attribution 1.0",
    "ODbL-1.0": "Open Data Commons Open Database Licence 1.0",
    "PDDL-1.0": "Open Data Commons Public Domain Dedication and Licence 1.0",
    "OGL-UK-3.0": "Open Government Licence v3.0 (UK)",
}


def check_licence(visibility: Visibility, licence: str | None) -> str | None:
    """`licence` if it suits `visibility`: a public object needs one of `OPEN_LICENCES`.

    A licence given for a non-public object is kept (it applies once published)
    but must still be a known one. Raises `InputError` otherwise.
    """
    if licence is None:
        if visibility is Visibility.PUBLIC:
            raise InputError(
                "A public object needs an open licence",
                where=Location(field="licence"),
                hint=f"give one of {', '.join(OPEN_LICENCES)} (CC-BY-4.0 is the usual choice)",
            )
        return None
    if licence not in OPEN_LICENCES:
        raise InputError(
            f"Unknown licence {licence!r}",
            where=Location(field="licence"),
            hint=f"give the SPDX id of an open licence: {', '.join(OPEN_LICENCES)}",
        )
    return licence
