"""Names of the platform's enumerations as people read them, in the page's language.

The Jinja2 filters ``org_kind``, ``role``, ``visibility`` and ``licence`` turn a
stored value (``city_government``, ``editor``, ``partners``) into its label,
translated through the catalogue (the labels are marked here with ``N_``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from kizuna.reports.i18n import N_

ORG_KINDS = {
    "city_government": N_("City government"),
    "company": N_("Company"),
    "startup": N_("Startup"),
    "university": N_("University or research lab"),
    "network": N_("City network"),
    "other": N_("Other"),
}
ROLES = {
    "viewer": N_("Viewer"),
    "editor": N_("Editor"),
    "admin": N_("Admin"),
    "owner": N_("Owner"),
}
VISIBILITIES = {
    "private": N_("Private"),
    "partners": N_("Partners"),
    "network": N_("Network"),
    "public": N_("Public"),
}
#: What each visibility means, for the sharing page.
VISIBILITY_HELP = {
    "private": N_("Members of the owner organisation only."),
    "partners": N_("The owner's members and the partner organisations below."),
    "network": N_("Any signed-in member of this instance."),
    "public": N_("Anyone, without signing in, under the open licence chosen below."),
}


def _label(labels: dict[str, str]) -> Callable[..., str]:
    @pass_context
    def label(context: Context, value: Any) -> str:
        key = getattr(value, "value", value)
        text = labels.get(str(key), str(key))
        translations = context.get("translations")
        return translations.gettext(text) if translations is not None else text

    return label


def label_filters() -> dict[str, Callable[..., str]]:
    """The filters ``org_kind``, ``role``, ``visibility`` and ``visibility_help``."""
    return {
        "org_kind": _label(ORG_KINDS),
        "role": _label(ROLES),
        "visibility": _label(VISIBILITIES),
        "visibility_help": _label(VISIBILITY_HELP),
    }
