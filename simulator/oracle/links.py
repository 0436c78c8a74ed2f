"""Who holds each card and PayPal payer (LINK-1/2), worked out from the methods the scenario
declared and the links, unlinks and deactivations the run told."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Holder:
    account: str
    method: int


@dataclass
class Holders:
    """Each identity (a card's digits, a payer's email) and the account holding it now; a
    deactivated account holds its methods for the cool-down, then frees them (LINK-2)."""

    cooldown: timedelta
    held: dict[str, Holder] = field(default_factory=dict)
    #: account -> when its cool-down ends
    cooling: dict[str, datetime] = field(default_factory=dict)

    def holder(self, identity: str, now: datetime) -> tuple[Holder, bool] | None:
        """Who holds `identity` at `now`, and whether that account is in its cool-down; a
        holder whose cool-down is over holds nothing."""
        found = self.held.get(identity)
        if found is None:
            return None
        ends = self.cooling.get(found.account)
        if ends is not None and now >= ends:
            del self.held[identity]
            return None
        return found, ends is not None

    def cooldown_ends_at(self, account: str) -> datetime | None:
        return self.cooling.get(account)

    def link(self, identity: str, account: str, method: int) -> None:
        self.held[identity] = Holder(account, method)

    def unlink(self, account: str, method: int) -> None:
        for identity, found in list(self.held.items()):
            if found.account == account and found.method == method:
                del self.held[identity]

    def deactivate(self, account: str, now: datetime) -> None:
        self.cooling[account] = now + self.cooldown
