"""The driver protocol served over the reference engine: a Flask app (OpenAPI at
/openapi.json). One lock serialises requests: the engine and its test clock are one world."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask, Response, jsonify, request

from billing_engine.errors import BillingError, UnknownAccount
from billing_engine.ports import CardDetails
from simulator.driver import answers
from simulator.driver.openapi import openapi_document
from simulator.driver.reference import Configuration, ReferenceEngine
from simulator.driver.usage import UsageWindow
from simulator.driver.wire import amount_text, parse_money, parse_month, parse_time


class NotConfigured(Exception):
    """A call before POST /v1/configuration."""


class _Served:
    """The app's state: the engine of the latest configuration, if any."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current: ReferenceEngine | None = None

    @property
    def engine(self) -> ReferenceEngine:
        if self.current is None:
            raise NotConfigured("POST /v1/configuration first")
        return self.current


def served_state(app: Flask) -> _Served:
    """The engine an app serves (`billing-sim serve` configures it before any harness does)."""
    state: _Served = app.extensions["billing_sim_driver"]
    return state


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _error(status: int, kind: str, message: str, reason: str | None = None) -> Response:
    response = jsonify({"error": {"type": kind, "reason": reason, "message": message}})
    response.status_code = status
    return response


def create_app() -> Flask:
    app = Flask("billing_sim_driver")
    served = _Served()
    app.extensions["billing_sim_driver"] = served

    def route(rule: str, methods: list[str]) -> Callable[[Callable[..., Any]], Any]:
        """A protocol operation: run under the lock, the engine's refusals as 4xx bodies."""

        def register(view: Callable[..., Any]) -> Any:
            def guarded(**params: Any) -> Any:
                with served.lock:
                    try:
                        return view(**params)
                    except NotConfigured as exc:
                        return _error(409, "NotConfigured", str(exc))
                    except UnknownAccount as exc:
                        return _error(404, "UnknownAccount", str(exc), exc.reason)
                    except BillingError as exc:
                        return _error(422, type(exc).__name__, str(exc), exc.reason)
                    except (ValueError, KeyError, TypeError) as exc:
                        return _error(400, "BadRequest", str(exc))

            guarded.__name__ = view.__name__
            return app.route(rule, methods=methods)(guarded)

        return register

    @app.get("/openapi.json")
    def openapi() -> Any:
        return jsonify(openapi_document())

    @route("/v1/configuration", ["POST"])
    def configure() -> Any:
        body = _body()
        config = Configuration(
            start=parse_time(body["start"]),
            gateways=dict(body["gateways"]),
            seed=int(body.get("seed", 0)),
            policy=body.get("policy") or {},
        )
        engine = ReferenceEngine(config)
        if served.current is not None:
            served.current.close()
        served.current = engine
        return jsonify(answers.clock_answer(engine.timers.now()))

    @route("/v1/test-clock", ["GET"])
    def clock() -> Any:
        return jsonify(answers.clock_answer(served.engine.timers.now()))

    @route("/v1/test-clock/advance", ["POST"])
    def advance() -> Any:
        body, engine = _body(), served.engine
        to = parse_time(body["to"])
        if to < engine.timers.now():
            raise ValueError("a test clock only moves forward")
        engine.advance(to, inclusive=bool(body.get("inclusive", True)))
        return jsonify(answers.clock_answer(engine.timers.now()))

    @route("/v1/accounts", ["GET"])
    def account_ids() -> Any:
        return jsonify({"accounts": served.engine.engine.account_ids()})

    @route("/v1/accounts", ["POST"])
    def open_account() -> Any:
        body, engine = _body(), served.engine
        engine.engine.open_account(
            body["id"],
            country=body["country"],
            tax_rate=parse_money(body.get("tax_rate", "0")),
            balance=parse_money(body.get("balance", "0")),
        )
        engine.opened(body["id"])
        return _account(engine, body["id"]), 201

    @route("/v1/accounts/<account_id>", ["GET"])
    def account(account_id: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        return _account(engine, account_id)

    @route("/v1/accounts/<account_id>/usage", ["POST"])
    def add_usage(account_id: str) -> Any:
        body, engine = _body(), served.engine
        window = UsageWindow(
            product=body["product"],
            hourly_fee=parse_money(body["hourly_fee"]),
            from_=parse_time(body["from"]),
            until=parse_time(body["until"]),
        )
        if window.hourly_fee < 0 or window.until <= window.from_:
            raise ValueError("usage: hourly_fee >= 0 and from < until")
        engine.add_usage(account_id, window)
        return jsonify({"ok": True}), 201

    @route("/v1/accounts/<account_id>/products", ["POST"])
    def activate(account_id: str) -> Any:
        body, engine = _body(), served.engine
        engine.touch(account_id)
        outcome = engine.engine.activate_product(account_id, body["product"])
        if not outcome.ok:
            engine.usage[account_id].drop(body["product"])
        return jsonify(answers.activation_answer(outcome))

    @route("/v1/accounts/<account_id>/deactivate", ["POST"])
    def deactivate(account_id: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        engine.engine.deactivate(account_id)
        return _account(engine, account_id)

    @route("/v1/accounts/<account_id>/payment-methods", ["POST"])
    def link(account_id: str) -> Any:
        body, engine = _body(), served.engine
        engine.touch(account_id)
        if body.get("kind") == "paypal":
            threshold = body.get("threshold")
            outcome = engine.engine.start_paypal_link(
                account_id, threshold=None if threshold is None else str(threshold)
            )
        elif body.get("kind") == "card":
            card = body["card"]
            details = CardDetails(
                number=str(card["number"]),
                exp_month=int(card["exp_month"]),
                exp_year=int(card["exp_year"]),
                cvv=str(card["cvv"]),
                name=str(card["name"]),
            )
            outcome = engine.engine.link_card(account_id, details)
        else:
            raise ValueError("kind must be card or paypal")
        return jsonify(answers.link_answer(outcome)), 201

    @route("/v1/accounts/<account_id>/payment-methods/<int:method_id>/complete", ["POST"])
    def complete_link(account_id: str, method_id: int) -> Any:
        engine = served.engine
        engine.touch(account_id)
        methods = engine.engine.account(account_id).methods
        kind = methods[method_id].kind if 0 <= method_id < len(methods) else "card"
        if kind == "paypal":
            outcome = engine.engine.complete_paypal_link(account_id, method_id)
        else:
            outcome = engine.engine.complete_threeds(account_id, method_id)
        return jsonify(answers.link_answer(outcome))

    @route("/v1/accounts/<account_id>/payment-methods/<int:method_id>", ["DELETE"])
    def unlink(account_id: str, method_id: int) -> Any:
        engine = served.engine
        engine.touch(account_id)
        engine.engine.unlink(account_id, method_id)
        return _account(engine, account_id)

    @route("/v1/accounts/<account_id>/payment-methods/<int:method_id>/default", ["POST"])
    def set_default(account_id: str, method_id: int) -> Any:
        engine = served.engine
        engine.touch(account_id)
        engine.engine.set_default(account_id, method_id)
        return _account(engine, account_id)

    @route("/v1/accounts/<account_id>/repayments", ["POST"])
    def repay(account_id: str) -> Any:
        body, engine = _body(), served.engine
        engine.touch(account_id)
        amount = body["amount"]
        method = body.get("method_id")
        outcome = engine.engine.repay(
            account_id, "all" if amount == "all" else parse_money(amount), method
        )
        return jsonify(answers.repayment_answer(outcome)), 201

    @route("/v1/accounts/<account_id>/repayments/complete", ["POST"])
    def complete_repayment(account_id: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        outcome = engine.engine.complete_repayment_threeds(account_id)
        return jsonify(None if outcome is None else answers.repayment_answer(outcome))

    @route("/v1/accounts/<account_id>/plan-orders", ["POST"])
    def buy_plan(account_id: str) -> Any:
        body, engine = _body(), served.engine
        engine.touch(account_id)
        outcome = engine.engine.buy_plan(account_id, body["plan"], int(body["method_id"]))
        return jsonify(answers.plan_answer(outcome)), 201

    @route("/v1/accounts/<account_id>/plan-orders/<plan>/complete", ["POST"])
    def complete_plan(account_id: str, plan: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        return jsonify(answers.plan_answer(engine.engine.complete_plan_threeds(account_id, plan)))

    @route("/v1/accounts/<account_id>/overview", ["GET"])
    def overview(account_id: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        year, month = parse_month(request.args["month"])
        mode = request.args.get("mode") or None
        reference = engine.engine
        by_product_mode = reference.account(account_id).ledger.spend_in((year, month))
        return jsonify(
            {
                "month": request.args["month"],
                "total_spend": answers.spend_answer(
                    reference.total_spend(account_id, year, month, mode)  # type: ignore[arg-type]
                ),
                "total_amount_due": amount_text(reference.total_amount_due(account_id)),
                "spend": answers.month_spend_answer(by_product_mode),
            }
        )

    @route("/v1/accounts/<account_id>/spending-trend", ["GET"])
    def spending_trend(account_id: str) -> Any:
        engine = served.engine
        engine.touch(account_id)
        points = engine.engine.spending_trend(
            account_id,
            parse_month(request.args["from"]),  # type: ignore[arg-type]
            parse_month(request.args["to"]),  # type: ignore[arg-type]
            request.args.get("product") or None,
            request.args.get("mode") or None,  # type: ignore[arg-type]
        )
        return jsonify(
            {
                "points": [
                    {"month": f"{p.year:04d}-{p.month:02d}", **answers.spend_answer(p)}
                    for p in points
                ]
            }
        )

    @route("/v1/accounts/<account_id>/events", ["GET"])
    def account_events(account_id: str) -> Any:
        engine = served.engine
        engine.engine.account(account_id)  # 404 for an account never opened
        after = int(request.args.get("after", 0))
        return jsonify({"events": engine.events.after(after, account_id)})

    @route("/v1/events", ["GET"])
    def events() -> Any:
        after = int(request.args.get("after", 0))
        return jsonify({"events": served.engine.events.after(after)})

    @route("/v1/ledger", ["GET"])
    def ledger() -> Any:
        engine = served.engine
        for account_id in engine.usage:
            engine.touch(account_id)
        totals = engine.engine.ledger()
        return jsonify(
            {
                "fees": amount_text(totals.fees),
                "paid": amount_text(totals.paid),
                "outstanding": amount_text(totals.outstanding),
                "charged": {k: amount_text(v) for k, v in sorted(totals.charged.items())},
            }
        )

    @route("/v1/unknown-payments", ["GET"])
    def unknown_payments() -> Any:
        return jsonify(
            {
                "payments": [
                    {"key": p.key, "account": p.account, "method_id": p.method_id}
                    for p in served.engine.engine.unknown_payments()
                ]
            }
        )

    @route("/v1/fees-by-day", ["GET"])
    def fees_by_day() -> Any:
        by_day: dict[date, Any] = served.engine.engine.fees_by_day()
        return jsonify({"days": {d.isoformat(): amount_text(v) for d, v in sorted(by_day.items())}})

    def _account(engine: ReferenceEngine, account_id: str) -> Any:
        view = engine.engine.account(account_id)
        return jsonify(answers.account_answer(view, engine.engine.policy))

    return app
