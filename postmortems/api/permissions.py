"""Role checks the API makes before looking at any row; row-level rules live in postmortems/permissions.py."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from postmortems.permissions import has_role


class ActionRoles(BasePermission):
    """The view's `action_roles` maps an action to the least role it needs; other actions need only a login."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        role = getattr(view, "action_roles", {}).get(getattr(view, "action", None))
        return role is None or has_role(request.user, role)
