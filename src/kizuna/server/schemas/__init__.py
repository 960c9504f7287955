"""Shapes of the JSON API (``/api/v1``), documented in the OpenAPI schema, one module per concept.

- `common`: the error shape, pages of lists, health;
- `places`: cities, inventories, plans and the sharing summary on each;
- `accounts`: organisations, members, the signed-in user, API tokens, the audit log;
- `sharing`: visibility, licence and partners of an object.
"""

from kizuna.server.schemas.accounts import (
    AuditEntryOut,
    AuditList,
    MemberIn,
    MemberList,
    MemberOut,
    NewTokenOut,
    OrganisationIn,
    OrganisationList,
    OrganisationOut,
    OrganisationPatch,
    PasswordIn,
    ProfileIn,
    RoleIn,
    TokenIn,
    TokenList,
    TokenOut,
    UserOut,
)
from kizuna.server.schemas.common import ErrorBody, ErrorOut, Health, PageInfo
from kizuna.server.schemas.places import (
    CityFields,
    CityIn,
    CityList,
    CityOut,
    InventoryList,
    InventoryOut,
    InventorySummary,
    InventoryUploadOut,
    MaccOut,
    PlanOut,
    Sharing,
)
from kizuna.server.schemas.sharing import PartnerIn, PartnerOut, SharingOut, VisibilityIn

__all__ = [
    "AuditEntryOut",
    "AuditList",
    "CityFields",
    "CityIn",
    "CityList",
    "CityOut",
    "ErrorBody",
    "ErrorOut",
    "Health",
    "InventoryList",
    "InventoryOut",
    "InventorySummary",
    "InventoryUploadOut",
    "MaccOut",
    "MemberIn",
    "MemberList",
    "MemberOut",
    "NewTokenOut",
    "OrganisationIn",
    "OrganisationList",
    "OrganisationOut",
    "OrganisationPatch",
    "PageInfo",
    "PartnerIn",
    "PartnerOut",
    "PasswordIn",
    "PlanOut",
    "ProfileIn",
    "RoleIn",
    "Sharing",
    "SharingOut",
    "TokenIn",
    "TokenList",
    "TokenOut",
    "UserOut",
    "VisibilityIn",
]
