"""Roles of the people who use arrears, and what each may do.

Authorisation is decided on the server from this one table; pages and commands
ask :func:`can` and never test a role by name. The roles:

* ``collector`` — works the accounts assigned to them or to their queue.
* ``supervisor`` — a team's accounts, reassignment, settlement approvals within
  the supervisor authority, the team's figures.
* ``manager`` — the operations manager: every team's accounts and figures,
  reassignment across teams, settlement approvals within the manager authority
  (above a supervisor's), dashboards and reports; identifiers masked.
* ``compliance`` — every account read-only, full identifiers, disputes,
  overrides of compliance REVIEW findings (with a reason), the audit trail.
* ``legal`` — accounts in legal stages, full identifiers (court filings need them).
* ``analyst`` — dashboards and reports; no personal data beyond masked values.
* ``admin`` — users and configuration; sees what compliance sees.

Scheduled report e-mails (``reports.schedule``) are for the people who run the
operation from the figures: supervisors, managers, analysts and admins.

Full national ids and full phone numbers are shown only to roles with
``identifiers.full`` (least privilege, PRODUCT F6); everyone else sees them masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from arrears.errors import InvalidInput


class Role(StrEnum):
    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    COMPLIANCE = "compliance"
    LEGAL = "legal"
    ANALYST = "analyst"
    ADMIN = "admin"


PERMISSIONS: Mapping[Role, frozenset[str]] = MappingProxyType({
    Role.COLLECTOR: frozenset({"accounts.assigned", "outcomes.record", "promises.take",
                               "plans.create", "settlements.propose", "tasks.own"}),
    Role.SUPERVISOR: frozenset({"accounts.assigned", "accounts.team", "outcomes.record",
                                "promises.take", "plans.create", "settlements.propose",
                                "settlements.approve", "accounts.reassign", "tasks.own",
                                "tasks.team", "dashboards.view", "reports.schedule",
                                "audit.read"}),
    Role.MANAGER: frozenset({"accounts.all", "settlements.approve", "accounts.reassign",
                             "tasks.team", "dashboards.view", "reports.run", "reports.schedule",
                             "audit.read"}),
    Role.COMPLIANCE: frozenset({"accounts.all", "identifiers.full", "disputes.resolve",
                                "compliance.override", "audit.read", "dashboards.view"}),
    Role.LEGAL: frozenset({"accounts.legal", "identifiers.full", "disputes.resolve",
                           "audit.read"}),
    Role.ANALYST: frozenset({"dashboards.view", "reports.run", "reports.schedule"}),
    Role.ADMIN: frozenset({"users.manage", "accounts.all", "identifiers.full", "audit.read",
                           "dashboards.view", "reports.run", "reports.schedule",
                           "config.manage"}),
})  # fmt: skip


def parse_role(value: str) -> Role:
    """``value`` as a Role, or InvalidInput naming the known roles."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"'{value}' is not a role (known: {', '.join(r.value for r in Role)})"
        ) from None


def can(role: Role | str, permission: str) -> bool:
    """True when ``role`` has ``permission``."""
    return permission in PERMISSIONS[parse_role(role)]


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member behind a request, as pages and services see them.

    Built by the web app from the session on every request; pages never trust
    anything the browser says about who it is. ``csrf`` is the token every form
    of this session must echo.
    """

    user_id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    locale: str
    csrf: str
    zone: str = "UTC"  # the person's time zone: how pages show times

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return f"user:{self.username}"
