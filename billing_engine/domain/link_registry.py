"""LINK-1/LINK-2: which account holds each card (by fingerprint, never the number) or PayPal
payer. The engine releases an entry at unlink, or when a deactivated account's cool-down ends."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LinkRegistry:
    _holders: dict[str, tuple[str, int]] = field(default_factory=dict)

    def holder(self, key: str) -> tuple[str, int] | None:
        """(account id, method id) holding the key, or None when it is free."""
        return self._holders.get(key)

    def claim(self, key: str, account_id: str, method_id: int) -> None:
        held = self._holders.get(key)
        if held is not None and held != (account_id, method_id):
            raise ValueError(f"link registry: {key} is held by another method")
        self._holders[key] = (account_id, method_id)

    def release(self, key: str) -> None:
        self._holders.pop(key, None)
