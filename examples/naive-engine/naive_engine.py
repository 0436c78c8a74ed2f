"""A small billing engine that speaks billing-sim's driver protocol (docs/driver.md) and gets
three rules wrong on purpose, so that `billing-sim diff` has something to find:

- LINK-2: it ignores the cool-down: a closed account's card is free to link at once;
- AUTO-2: it counts the card threshold before tax (the rule counts fees with their tax);
- AUTO-4: it deducts at month end even when what is owed rounds to less than a cent.

Everything else follows the rules for bank cards in the United States: tokenize, a frictionless
3D Secure check, a USD 1.00 verification hold the issuer releases, hourly usage, deductions
that settle 30 minutes later. No PayPal, no repayments, no Coding Plan (refused with 422).
Money is `decimal.Decimal`, never a float. Run: `python naive_engine.py --port 8100`.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import httpx
from flask import Flask, jsonify, request

CENT = Decimal("0.01")
HOUR = timedelta(hours=1)
SETTLEMENT = timedelta(minutes=30)
PREAUTH = Decimal("1.00")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def text(amount: Decimal) -> str:
    return str(cents(amount))


def exact(amount: Decimal) -> str:
    return format(amount, "f")


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def month_spend(account: dict[str, Any], year: int, month: int) -> tuple[Decimal, Decimal]:
    spent = [v for (y, m, _), v in account["spend"].items() if (y, m) == (year, month)]
    return sum((v[0] for v in spent), Decimal(0)), sum((v[1] for v in spent), Decimal(0))


def next_month(at: datetime) -> datetime:
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)


class Refused(Exception):
    def __init__(self, status: int, kind: str, message: str, reason: str | None = None):
        super().__init__(message)
        self.status, self.kind, self.reason = status, kind, reason


class Engine:
    def __init__(self, start: datetime, gateways: dict[str, str], policy: dict[str, Any]):
        self.now = start
        self.gateways = {
            name: httpx.Client(base_url=url, timeout=10) for name, url in gateways.items()
        }
        self.cooldown = timedelta(days=int(policy.get("cooldown_days", 30)))
        self.threshold = Decimal(str(policy.get("card_threshold", "1000")))
        self.events: list[dict[str, Any]] = []
        self.accounts: dict[str, dict[str, Any]] = {}
        self.timers: list[tuple[datetime, int, Any]] = []
        self.order = itertools.count()
        self.charged = Decimal(0)
        self.fees_by_day: dict[str, Decimal] = {}
        self.metered_until = start.replace(minute=0, second=0, microsecond=0)
        self.at(next_month(start), self.month_end)

    # --- plumbing ---------------------------------------------------------------------------

    def at(self, due: datetime, fn: Any) -> None:
        heapq.heappush(self.timers, (due, next(self.order), fn))

    def emit(self, kind: str, account: str, /, **fields: Any) -> None:
        record = {
            "seq": len(self.events) + 1,
            "at": iso(self.now),
            "type": kind,
            "account": account,
        }
        self.events.append(record | dict(sorted(fields.items())))

    def gateway(self, name: str, path: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
        headers = {"X-Sim-Time": self.now.isoformat(), "Idempotency-Key": key}
        answer = self.gateways[name].post(path, json=body, headers=headers)
        return answer.status_code, answer.json()

    def account(self, account_id: str) -> dict[str, Any]:
        if account_id not in self.accounts:
            raise Refused(404, "UnknownAccount", f"no account {account_id}")
        return self.accounts[account_id]

    # --- time -------------------------------------------------------------------------------

    def advance(self, to: datetime, inclusive: bool) -> None:
        """Hour by hour: each ended hour is metered, then the timers due at that instant."""
        while True:
            hour = self.metered_until + HOUR
            timer = self.timers[0][0] if self.timers else None
            due = min(hour, timer) if timer else hour
            if due > to or (due == to and not inclusive):
                break
            self.now = max(self.now, due)
            if due == hour:
                self.meter(self.metered_until)
                self.metered_until = hour
            while self.timers and self.timers[0][0] <= self.now:
                heapq.heappop(self.timers)[2]()
        self.now = max(self.now, to)

    def meter(self, start: datetime) -> None:
        end = start + HOUR
        for account_id, account in self.accounts.items():
            if account["status"] != "active":
                continue
            by_product: dict[str, Decimal] = {}
            for window in account["windows"]:
                if window["product"] not in account["products"]:
                    continue
                overlap = min(end, window["until"]) - max(start, window["from"])
                minutes = int(overlap.total_seconds() // 60)
                if minutes > 0:
                    fee = window["fee"] * minutes / 60
                    by_product[window["product"]] = by_product.get(window["product"], 0) + fee
            if any(by_product.values()):
                self.accrue(account_id, account, start, by_product)

    def accrue(
        self, account_id: str, account: dict[str, Any], hour: datetime, fees: dict[str, Decimal]
    ) -> None:
        for product, fee in fees.items():
            spent = account["spend"].setdefault((hour.year, hour.month, product), [0, 0])
            spent[0] += fee
            spent[1] += fee * account["tax_rate"]
        pretax = sum(fees.values(), Decimal(0))
        tax = pretax * account["tax_rate"]
        account["fees"] += pretax + tax
        account["undeducted"] += pretax + tax
        account["since_attempt"] += pretax  # WRONG ON PURPOSE (AUTO-2): the tax is left out
        day = hour.date().isoformat()
        self.fees_by_day[day] = self.fees_by_day.get(day, Decimal(0)) + pretax + tax
        reached = account["since_attempt"] >= self.threshold
        if reached and account["default"] is not None and not account["in_flight"]:
            self.deduct(account_id, account, "threshold")

    def month_end(self) -> None:
        closing = (self.now - HOUR).year, (self.now - HOUR).month
        for account_id, account in self.accounts.items():
            # WRONG ON PURPOSE (AUTO-4): a deduction even when less than a cent is owed
            if account["default"] is not None and not account["in_flight"]:
                self.deduct(account_id, account, "month_end")
            pretax, tax = month_spend(account, *closing)
            spend = {"pretax": text(pretax), "tax": text(tax), "total": text(pretax + tax)}
            self.emit("month.closed", account_id, year=closing[0], month=closing[1],
                      by_mode={"payg": spend}, outstanding=text(account["fees"] - account["paid"]),
                      **spend)  # fmt: skip
        self.at(next_month(self.now), self.month_end)

    # --- deductions -------------------------------------------------------------------------

    def deduct(self, account_id: str, account: dict[str, Any], trigger: str) -> None:
        amount = cents(account["undeducted"])
        account["undeducted"] -= amount
        account["since_attempt"] = Decimal(0)
        account["in_flight"] = amount
        deduction = f"{account_id}-d{len(account['deductions']) + 1}"
        month = (
            ((self.now - HOUR).year, (self.now - HOUR).month) if trigger == "month_end" else None
        )
        account["deductions"].append({"trigger": trigger, "month": month})
        method = account["methods"][account["default"]]
        self.emit("deduction.initiated", account_id, deduction=deduction, trigger=trigger,
                  amount=text(amount), method=method["id"])  # fmt: skip
        ok, reason = True, None
        if amount > 0:
            body = {"token": method["token"], "amount": text(amount), "currency": "USD",
                    "merchant_initiated": True}  # fmt: skip
            status, answer = self.gateway("card", "/v1/charges", body, f"{deduction}-charge")
            ok = status < 300
            reason = None if ok else answer.get("error", {}).get("code", "declined")
            if ok:
                self.charged += amount
        self.at(
            self.now + SETTLEMENT, lambda: self.settle(account_id, deduction, amount, ok, reason)
        )

    def settle(
        self, account_id: str, deduction: str, amount: Decimal, ok: bool, reason: str | None
    ) -> None:
        account = self.accounts[account_id]
        account["in_flight"] = Decimal(0)
        if ok:
            account["paid"] += amount
            self.emit("deduction.succeeded", account_id, deduction=deduction, amount=text(amount),
                      charged=text(amount), from_balance="0.00")  # fmt: skip
        else:
            account["undeducted"] += amount
            self.emit("deduction.failed", account_id, deduction=deduction, amount=text(amount),
                      reason=reason)  # fmt: skip

    # --- linking cards ----------------------------------------------------------------------

    def link_card(self, account_id: str, card: dict[str, Any]) -> dict[str, Any]:
        account = self.account(account_id)
        method = {"id": len(account["methods"]), "kind": "card", "status": "pending", "token": None}
        account["methods"].append(method)
        key = f"{account_id}-m{method['id']}"
        status, token = self.gateway("card", "/v1/tokens", card, f"{key}-tok")
        if status >= 300:
            return self.reject(account_id, method, token.get("error", {}).get("code", "declined"))
        method.update(
            token=token["id"],
            fingerprint=token["fingerprint"],
            brand=token["brand"],
            last4=token["last4"],
        )
        # WRONG ON PURPOSE (LINK-2): only an active account holds its cards; a closed one
        # in its 30-day cool-down holds nothing
        for other_id, other in self.accounts.items():
            held = any(
                m["status"] == "active" and m.get("fingerprint") == token["fingerprint"]
                for m in other["methods"]
            )
            if other_id != account_id and held and other["status"] == "active":
                return self.reject(account_id, method, "already_linked")
        body = {
            "cardToken": token["id"],
            "purchaseAmount": text(PREAUTH),
            "purchaseCurrency": "USD",
            "challengeMandated": False,
            "notificationURL": "https://naive.example/return",
        }
        _, threeds = self.gateway("threeds", "/v1/authentications", body, f"{key}-3ds")
        self.emit(
            "threeds.completed",
            account_id,
            method=method["id"],
            trans_status=threeds.get("transStatus"),
        )
        if threeds.get("transStatus") not in ("Y", "A"):
            return self.reject(account_id, method, "threeds_failed")
        body = {
            "token": token["id"],
            "amount": text(PREAUTH),
            "currency": "USD",
            "descriptor": "ALIBABACLOUD.COM",
            "threeds_transaction_id": threeds["threeDSServerTransID"],
        }
        status, hold = self.gateway("card", "/v1/authorizations", body, f"{key}-hold")
        if status >= 300:
            return self.reject(account_id, method, hold.get("error", {}).get("code", "declined"))
        self.emit("preauth.authorized", account_id, method=method["id"], amount=text(PREAUTH),
                  authorization=hold["id"], descriptor="ALIBABACLOUD.COM")  # fmt: skip
        account["holds"].append({"method_id": method["id"], "authorization_id": hold["id"]})
        release = lambda: self.emit("preauth.released", account_id, method=method["id"],  # noqa: E731
                                    authorization=hold["id"], by="issuer")  # fmt: skip
        self.at(when(hold["release_at"]), release)
        method["status"] = "active"
        first = account["default"] is None
        if first:
            account["default"] = method["id"]
        self.emit("payment_method.linked", account_id, method=method["id"], kind="card",
                  default=first, brand=token["brand"], last4=token["last4"])  # fmt: skip
        return {
            "status": "linked",
            "method_id": method["id"],
            "kind": "card",
            "reason": None,
            "redirect_url": None,
        }

    def reject(self, account_id: str, method: dict[str, Any], reason: str) -> dict[str, Any]:
        method["status"] = "rejected"
        self.emit(
            "payment_method.link_rejected",
            account_id,
            method=method["id"],
            kind="card",
            reason=reason,
        )
        return {
            "status": "rejected",
            "method_id": method["id"],
            "kind": "card",
            "reason": reason,
            "redirect_url": None,
        }

    # --- what the harness reads -------------------------------------------------------------

    def snapshot(self, account_id: str) -> dict[str, Any]:
        account = self.account(account_id)
        outstanding = account["fees"] - account["paid"]
        default = account["default"]
        return {
            "country": account["country"],
            "status": account["status"],
            "products": account["products"],
            "default_method_id": default,
            "threshold": None if default is None else exact(self.threshold),
            "methods": [
                {k: m[k] for k in ("id", "kind", "status", "token")} for m in account["methods"]
            ],
            "holds": account["holds"],
            "deductions": [
                {
                    "trigger": d["trigger"],
                    "month": d["month"] and "{:04d}-{:02d}".format(*d["month"]),
                }
                for d in account["deductions"]
            ],
            "ledger": {
                "fees": exact(account["fees"]),
                "paid": exact(account["paid"]),
                "outstanding": exact(outstanding),
                "amount_due": text(outstanding),
                "toward_threshold": exact(account["since_attempt"]),
                "in_flight": exact(account["in_flight"]),
            },
        }


def create_app() -> Flask:
    app = Flask("naive_engine")
    state: dict[str, Engine] = {}

    def engine() -> Engine:
        if "engine" not in state:
            raise Refused(409, "NotConfigured", "POST /v1/configuration first")
        return state["engine"]

    @app.errorhandler(Refused)
    def refused(error: Refused) -> Any:
        body = {"error": {"type": error.kind, "reason": error.reason, "message": str(error)}}
        return jsonify(body), error.status

    def unsupported(what: str) -> Refused:
        return Refused(422, "BillingError", f"the naive engine does not do {what}")

    @app.post("/v1/configuration")
    def configure() -> Any:
        body = request.get_json()
        state["engine"] = Engine(when(body["start"]), body["gateways"], body.get("policy") or {})
        return {"now": iso(state["engine"].now)}

    @app.get("/v1/test-clock")
    def clock() -> Any:
        return {"now": iso(engine().now)}

    @app.post("/v1/test-clock/advance")
    def advance() -> Any:
        body = request.get_json()
        engine().advance(when(body["to"]), bool(body.get("inclusive", True)))
        return {"now": iso(engine().now)}

    @app.get("/v1/accounts")
    def account_ids() -> Any:
        return {"accounts": list(engine().accounts)}

    @app.post("/v1/accounts")
    def open_account() -> Any:
        body, naive = request.get_json(), engine()
        zero = Decimal(0)
        naive.accounts[body["id"]] = {
            "country": body["country"], "tax_rate": Decimal(body.get("tax_rate", "0")),
            "balance": Decimal(body.get("balance", "0")), "status": "active", "methods": [],
            "default": None, "products": [], "windows": [], "holds": [], "deductions": [],
            "spend": {}, "fees": zero, "paid": zero, "undeducted": zero, "since_attempt": zero,
            "in_flight": zero,
        }  # fmt: skip
        naive.emit(
            "account.opened",
            body["id"],
            country=body["country"],
            balance=text(Decimal(body.get("balance", "0"))),
        )
        return naive.snapshot(body["id"]), 201

    @app.get("/v1/accounts/<account_id>")
    def account(account_id: str) -> Any:
        return engine().snapshot(account_id)

    @app.post("/v1/accounts/<account_id>/usage")
    def usage(account_id: str) -> Any:
        body = request.get_json()
        window = {
            "product": body["product"],
            "fee": Decimal(body["hourly_fee"]),
            "from": when(body["from"]),
            "until": when(body["until"]),
        }
        engine().account(account_id)["windows"].append(window)
        return {"ok": True}, 201

    @app.post("/v1/accounts/<account_id>/products")
    def activate(account_id: str) -> Any:
        naive, product = engine(), request.get_json()["product"]
        naive.account(account_id)["products"].append(product)
        naive.emit("product.activated", account_id, product=product)
        return {"product": product, "status": "activated", "reason": None}

    @app.post("/v1/accounts/<account_id>/deactivate")
    def deactivate(account_id: str) -> Any:
        naive = engine()
        account = naive.account(account_id)
        account["status"] = "deactivated"
        naive.emit(
            "account.deactivated", account_id, cooldown_until=iso(naive.now + naive.cooldown)
        )
        naive.at(
            naive.now + naive.cooldown, lambda: naive.emit("account.cooldown_ended", account_id)
        )
        return naive.snapshot(account_id)

    @app.post("/v1/accounts/<account_id>/payment-methods")
    def link(account_id: str) -> Any:
        body = request.get_json()
        if body.get("kind") != "card":
            raise unsupported("PayPal")
        return engine().link_card(account_id, body["card"]), 201

    @app.post("/v1/accounts/<account_id>/repayments")
    @app.post("/v1/accounts/<account_id>/repayments/complete")
    @app.post("/v1/accounts/<account_id>/plan-orders")
    @app.post("/v1/accounts/<account_id>/plan-orders/<plan>/complete")
    @app.post("/v1/accounts/<account_id>/payment-methods/<int:method_id>/complete")
    @app.post("/v1/accounts/<account_id>/payment-methods/<int:method_id>/default")
    @app.delete("/v1/accounts/<account_id>/payment-methods/<int:method_id>")
    def not_done(account_id: str, **_: Any) -> Any:
        raise unsupported(request.path.split("/")[4])

    @app.get("/v1/accounts/<account_id>/overview")
    def overview(account_id: str) -> Any:
        account, month = engine().account(account_id), request.args["month"]
        year, number = map(int, month.split("-"))

        def figures(pretax: Decimal, tax: Decimal) -> dict[str, str]:
            return {"pretax": exact(pretax), "tax": exact(tax), "total": exact(pretax + tax)}

        by_product = [
            {"product": product, "mode": "payg", **figures(*spent)}
            for (y, m, product), spent in account["spend"].items()
            if (y, m) == (year, number)
        ]
        due = text(account["fees"] - account["paid"])
        total = figures(*month_spend(account, year, number))
        return {"month": month, "total_spend": total, "total_amount_due": due, "spend": by_product}

    @app.get("/v1/events")
    @app.get("/v1/accounts/<account_id>/events")
    def events(account_id: str | None = None) -> Any:
        after = int(request.args.get("after", 0))
        return {
            "events": [e for e in engine().events[after:] if account_id in (None, e["account"])]
        }

    @app.get("/v1/ledger")
    def ledger() -> Any:
        accounts = engine().accounts.values()
        fees, paid = (
            sum((a["fees"] for a in accounts), Decimal(0)),
            sum((a["paid"] for a in accounts), Decimal(0)),
        )
        return {
            "fees": exact(fees),
            "paid": exact(paid),
            "outstanding": exact(fees - paid),
            "charged": {"card": exact(engine().charged)},
        }

    @app.get("/v1/unknown-payments")
    def unknown_payments() -> Any:
        return {"payments": []}

    @app.get("/v1/fees-by-day")
    def fees_by_day() -> Any:
        return {"days": {day: exact(fees) for day, fees in sorted(engine().fees_by_day.items())}}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    from waitress import serve

    serve(create_app(), host="127.0.0.1", port=args.port)
