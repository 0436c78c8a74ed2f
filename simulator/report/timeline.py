"""Each account's timeline for the report: deductions (start and outcome in one row), repayments,
links, verification holds, plans and account changes, as compact rows with a readable note."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from billing_engine.money import format_amount
from simulator.report.deductions import Deduction
from simulator.report.inputs import Event, month_of

#: event type -> (label, category); a type not listed shows under its own name as "other"
KINDS: dict[str, tuple[str, str]] = {
    "deduction.initiated": ("Deduction", "deduction"),
    "deduction.succeeded": ("Deduction", "deduction"),
    "deduction.failed": ("Deduction", "deduction"),
    "deduction.unknown": ("Deduction outcome unknown", "deduction"),
    "deduction.reconciled": ("Deduction", "deduction"),
    "repayment.unknown": ("Repayment outcome unknown", "repayment"),
    "action.skipped": ("Action skipped", "account"),
    "repayment.submitted": ("Repayment", "repayment"),
    "repayment.rejected": ("Repayment refused", "repayment"),
    "payment_method.linked": ("Method linked", "link"),
    "payment_method.link_rejected": ("Link rejected", "link"),
    "payment_method.unlinked": ("Method unlinked", "link"),
    "payment_method.default_changed": ("Default changed", "link"),
    "paypal.approval_requested": ("PayPal approval asked", "link"),
    "threeds.challenged": ("3-D Secure challenge", "link"),
    "threeds.completed": ("3-D Secure result", "link"),
    "preauth.authorized": ("Hold placed", "hold"),
    "preauth.released": ("Hold released", "hold"),
    "account.opened": ("Account opened", "account"),
    "account.overdue": ("Overdue", "account"),
    "account.suspended": ("Suspended", "account"),
    "account.resumed": ("Resumed", "account"),
    "account.deactivated": ("Deactivated", "account"),
    "account.cooldown_ended": ("Cool-down ended", "account"),
    "plan.purchased": ("Coding Plan bought", "plan"),
    "plan.renewed": ("Coding Plan renewed", "plan"),
    "plan.renewal_failed": ("Coding Plan renewal failed", "plan"),
    "plan.purchase_refused": ("Coding Plan refused", "plan"),
    "product.activated": ("Product activated", "product"),
    "product.activation_refused": ("Activation refused", "product"),
}
#: the page shows month closes as the month figures, not as timeline rows
NOT_IN_TIMELINE = frozenset({"month.closed"})
PLAN_CHARGES = frozenset({"plan.purchased", "plan.renewed"})


def _minutes(delta_seconds: float) -> int:
    return int(delta_seconds // 60)


@lru_cache(maxsize=1 << 16)  # most outcomes come a set time after their start, on the hour
def _after(start: datetime, end: datetime) -> str:
    minutes = _minutes((end - start).total_seconds())
    return f"after {minutes} min" if minutes < 120 else f"after {minutes // 60} h"


def _method(fields: dict[str, Any]) -> str:
    method = fields.get("method")
    return "" if method is None else f"method {method}"


def _join(*parts: object) -> str:
    """The parts shown (None and "" are not, 0 is), " · " between them."""
    shown = []  # a loop: a comprehension costs a frame, and a large run makes a million notes
    for part in parts:
        if part or part == 0:
            shown.append(part if part.__class__ is str else str(part))
    return " · ".join(shown)


@lru_cache(maxsize=1 << 12)
def _join_texts(*parts: str) -> str:
    """`_join` of strings (hashable, so remembered): a large run's notes on deductions repeat
    the same few texts hundreds of thousands of times."""
    return _join(*parts)


def _note(event: Event) -> str:
    """What the row says beside its label and amount."""
    f, kind = event.fields, event.type
    if kind == "payment_method.linked":
        what = (
            f"PayPal {f.get('payer', '')}"
            if f.get("kind") == "paypal"
            else f"{f.get('brand', 'card')} ••••{f.get('last4', '????')}"
        )
        return _join(what, _method(f), "default" if f.get("default") else "")
    if kind == "payment_method.link_rejected":
        return _join(f.get("kind"), _method(f), f.get("reason"))
    if kind == "payment_method.default_changed":
        return _join(_method(f), f"was method {f['previous']}" if "previous" in f else "")
    if kind == "threeds.completed":
        return _join(_method(f), f.get("plan"), f"transStatus {f.get('trans_status')}")
    if kind == "preauth.authorized":
        return _join(_method(f), f.get("descriptor"))
    if kind == "preauth.released":
        return _join(_method(f), f"by {f.get('by')}")
    if kind == "account.opened":
        return _join(f.get("country"), f"balance {f.get('balance')}" if "balance" in f else "")
    if kind == "account.deactivated":
        return f"cool-down until {str(f.get('cooldown_until', '')).replace('T', ' ')[:16]}"
    if kind.startswith("plan."):
        return _join(f.get("plan"), _method(f), f.get("reason"))
    if kind.startswith("product."):
        return _join(f.get("product"), f.get("reason"))
    if kind == "repayment.rejected":
        return _join(_method(f), f.get("reason"))
    if kind in KINDS:
        return _join(_method(f), f.get("reason"))
    # a type this page does not know: its own fields, so nothing is hidden
    return _join(*(f"{k} {v}" for k, v in sorted(f.items()) if not isinstance(v, dict | list)))


def _shown_amount(event: Event) -> str | None:
    for name in ("amount", "outstanding", "threshold"):
        if isinstance(event.fields.get(name), str):
            return format_amount(event.amount(name))
    return None


class Timelines:
    """Feed it every event (with the deduction it belongs to, if any)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        #: account -> rows [minutes since its previous row (since the start for its first),
        #: kind, amount or None, note]: the page's own form
        self.rows: dict[str, list[list[Any]]] = defaultdict(list)
        self._last_minute: dict[str, int] = {}  # account -> minute of its latest row
        self._minutes: dict[datetime, int] = {}  # instant -> minutes since the start
        self.kinds: dict[str, int] = {}
        #: account -> plan -> month -> charged (PLAN-1: spend under the Coding Plan mode)
        self.plan_charges: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(dict)
        #: account -> method id -> [label, state]; state linked | default | unlinked
        self.methods: dict[str, dict[int, list[str]]] = defaultdict(dict)
        #: (account, what, id) -> (its row, when it started, its note before the outcome)
        self._open: dict[tuple[Any, ...], tuple[list[Any], datetime, str]] = {}

    def _kind(self, kind: str) -> int:
        return self.kinds.setdefault(kind, len(self.kinds))

    def _row(self, event: Event, amount: str | None, note: str) -> list[Any]:
        account = event.account or ""
        minute = self._minutes.get(event.at)
        if minute is None:  # many events share an instant: its minute is worked out once
            minute = self._minutes[event.at] = _minutes((event.at - self.start).total_seconds())
        row = [minute - self._last_minute.get(account, 0), self._kind(event.type), amount, note]
        self._last_minute[account] = minute
        self.rows[account].append(row)
        return row

    def add(self, event: Event, deduction: Deduction | None) -> None:
        if event.account is None or event.type in NOT_IN_TIMELINE:
            return
        if deduction is not None:
            self._deduction(event, deduction)
        elif event.type == "repayment.submitted":
            prefix = _join(
                _method(event.fields), f"from balance {event.fields.get('from_balance')}"
            )
            key = (event.account, "repayment", event.fields.get("repayment"))
            self._start(event, key, _shown_amount(event), prefix)
        elif event.type in ("repayment.settled", "repayment.reconciled"):
            key = (event.account, "repayment", event.fields.get("repayment"))
            self._settle(event, key, _join(event.fields.get("status"), event.fields.get("reason")))
        else:
            self._row(event, _shown_amount(event), _note(event))
            self._track(event)

    def _start(self, event: Event, key: tuple[Any, ...], amount: str | None, note: str) -> None:
        """A row for something that settles later: "pending" until its outcome arrives. `key`
        is (account, what, its id)."""
        row = self._row(event, amount, _join_texts(note, "pending"))
        self._open[key] = (row, event.at, note)

    def _settle(self, event: Event, key: tuple[Any, ...], outcome: str) -> None:
        opened = self._open.pop(key, None)
        if opened is None:  # its start is not in the log: a row of its own
            self._row(event, _shown_amount(event), outcome)
            return
        row, began, note = opened
        row[3] = _join_texts(note, outcome, _after(began, event.at))

    def _deduction(self, event: Event, deduction: Deduction) -> None:
        key = (event.account, "deduction", deduction.deduction)
        if event.type == "deduction.initiated":
            trigger = deduction.trigger.replace("_", " ")
            # str() of an amount read as two places gives those two places back
            note = _join_texts(trigger, _method(event.fields))
            self._start(event, key, str(deduction.amount), note)
        else:
            self._settle(event, key, _join(deduction.outcome, deduction.reason))

    def _track(self, event: Event) -> None:
        """Plan charges per month and the account's payment methods, from the same events."""
        f, account = event.fields, event.account or ""
        methods = self.methods[account]
        if event.type in PLAN_CHARGES:
            months = self.plan_charges[account].setdefault(str(f.get("plan")), {})
            key = month_of(event.at)
            months[key] = months.get(key, Decimal(0)) + event.amount()
        elif event.type == "payment_method.linked" and isinstance(f.get("method"), int):
            if f.get("default"):
                self._make_default(methods, f["method"])
            label = _note(event).replace(" · default", "")
            methods[f["method"]] = [label, "default" if f.get("default") else "linked"]
        elif event.type == "payment_method.default_changed":
            self._make_default(methods, f.get("method"))
        elif event.type == "payment_method.unlinked" and f.get("method") in methods:
            methods[f["method"]][1] = "unlinked"

    @staticmethod
    def _make_default(methods: dict[int, list[str]], chosen: object) -> None:
        for method_id, entry in methods.items():
            if entry[1] != "unlinked":
                entry[1] = "default" if method_id == chosen else "linked"

    def kind_table(self) -> list[list[str]]:
        """[label, category] per kind code, in code order."""
        table = []
        for kind in self.kinds:
            label, category = KINDS.get(kind, (kind, "other"))
            table.append([label, category])
        return table

    def encoded(self, account: str) -> list[list[Any]]:
        """The account's rows with times as minutes since the previous row (small numbers)."""
        return self.rows.get(account, [])
