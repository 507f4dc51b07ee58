"""Who may do what: one table, asked by every page and command."""

from __future__ import annotations

import pytest

from arrears.core.roles import PERMISSIONS, Role, can, parse_role
from arrears.errors import InvalidInput


def test_every_role_has_permissions():
    assert set(PERMISSIONS) == set(Role)
    assert all(PERMISSIONS[r] for r in Role)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [("collector", "accounts.assigned", True), ("collector", "identifiers.full", False),
     ("collector", "settlements.approve", False), ("supervisor", "settlements.approve", True),
     ("compliance", "identifiers.full", True), ("analyst", "identifiers.full", False),
     ("analyst", "dashboards.view", True), ("admin", "users.manage", True),
     ("supervisor", "users.manage", False), ("manager", "accounts.all", True),
     ("manager", "settlements.approve", True), ("manager", "identifiers.full", False),
     ("manager", "outcomes.record", False), ("manager", "compliance.override", False)],
)  # fmt: skip
def test_least_privilege(role: str, permission: str, allowed: bool):
    assert can(role, permission) is allowed


def test_an_unknown_role_is_named():
    with pytest.raises(InvalidInput, match="known: collector"):
        parse_role("boss")
