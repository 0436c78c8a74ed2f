"""The fault plan: rules per endpoint by simulated time window and rate, drawn from the seed, the
rule and the call's coordinates (never the engine's keys), so every transport and every engine
that makes the same calls sees the same faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from mock_gateways.common.calls import Call
from mock_gateways.common.clock import format_instant, parse_instant
from mock_gateways.common.errors import (
    ConnectionReset,
    GatewayError,
    ServerFault,
    TransportFault,
)
from mock_gateways.common.seeded import unit

#: latency: recorded only; decline: the issuer refuses (committed like a real decline; card
#: authorize/charge answer 402 `decline_code`, 3DS authenticate answers N; other operations
#: ignore it);
#: server_error: 503 before anything is done; timeout: done, then the response is lost;
#: reset: the connection drops before the gateway acts.
FAULT_KINDS = ("latency", "decline", "server_error", "timeout", "reset")

#: a rule's JSON fields, the names a scenario file's `faults:` use (less `gateway`, which is
#: which server the rule is sent to); any other field is refused, not dropped
FAULT_FIELDS = ("kind", "endpoint", "rate", "from", "until", "latency_ms", "decline_code")


@dataclass(frozen=True)
class FaultRule:
    kind: str
    endpoint: str = "*"  # an operation name such as "charge", or "*" for every endpoint
    rate: Fraction = Fraction(1)
    from_: datetime | None = None  # inclusive; `from` in JSON
    until: datetime | None = None  # exclusive
    latency_ms: int = 0
    decline_code: str = "declined"

    def applies(self, operation: str, now: datetime) -> bool:
        if self.endpoint not in ("*", operation):
            return False
        if self.from_ is not None and now < self.from_:
            return False
        return self.until is None or now < self.until

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "endpoint": self.endpoint}
        out["rate"] = str(Decimal(self.rate.numerator) / Decimal(self.rate.denominator))
        if self.from_ is not None:
            out["from"] = format_instant(self.from_)
        if self.until is not None:
            out["until"] = format_instant(self.until)
        if self.kind == "latency":
            out["latency_ms"] = self.latency_ms
        if self.kind == "decline":
            out["decline_code"] = self.decline_code
        return out

    @classmethod
    def from_json(cls, raw: object, operations: Sequence[str] = ()) -> FaultRule:
        """Parse one rule; raises GatewayError 400 `invalid_fault` naming the bad or unknown
        field. With `operations`, an endpoint other than '*' must be one of them."""
        if not isinstance(raw, Mapping):
            raise _invalid("a fault rule must be a JSON object")
        for name in raw:
            if name not in FAULT_FIELDS:
                raise _unknown_field(name)
        kind = raw.get("kind")
        if kind not in FAULT_KINDS:
            raise _invalid(f"kind must be one of {', '.join(FAULT_KINDS)}, got {kind!r}")
        endpoint = raw.get("endpoint", "*")
        if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 64:
            raise _invalid("endpoint must be an operation name or '*'")
        if operations and endpoint != "*" and endpoint not in operations:
            raise _invalid(
                f"endpoint {endpoint[:64]!r} is not an operation of this gateway; "
                f"use '*' or one of: {', '.join(operations)}"
            )
        from_, until = _instant(raw, "from"), _instant(raw, "until")
        if from_ is not None and until is not None and until <= from_:
            raise _invalid("until must be after from")
        latency = raw.get("latency_ms", 0)
        if isinstance(latency, bool) or not isinstance(latency, int) or not 0 <= latency <= 10**7:
            raise _invalid("latency_ms must be an integer between 0 and 10000000")
        code = raw.get("decline_code", "declined")
        if not isinstance(code, str) or not code.isidentifier() or len(code) > 64:
            raise _invalid("decline_code must be a snake_case reason code")
        return cls(kind, endpoint, _rate(raw.get("rate", "1")), from_, until, latency, code)


@dataclass(frozen=True)
class FaultDecision:
    """What the plan decided for one attempt."""

    latency_ms: int = 0
    decline_code: str | None = None
    before: TransportFault | None = None  # raise instead of doing anything
    response_lost: bool = False  # do the work, then raise ResponseLost
    fired: tuple[str, ...] = ()


#: the decision when no rule fires (nearly every call): one shared instance, it is frozen
NO_FAULT = FaultDecision()


@dataclass
class FaultPlan:
    rules: list[FaultRule] = field(default_factory=list)
    #: the gateway's operation names a rule may target (empty: any name)
    operations: tuple[str, ...] = ()
    #: how many times each rule fired, by its place in `rules`: the whole count, where the
    #: gateway's log keeps only the latest entries
    fired_counts: Counter[int] = field(default_factory=Counter)

    def decide(self, seed: int, call: Call, now: datetime) -> FaultDecision:
        """Which rules hit `call`, made `now`: a rule in its window hits with its rate, drawn
        from (seed, the rule's index, the call's coordinates with its attempt)."""
        latency, decline, lost, fired = 0, None, False, []
        before: TransportFault | None = None
        operation = call.operation
        for index, rule in enumerate(self.rules):
            if not rule.applies(operation, now):
                continue
            if rule.rate < 1 and unit(seed, "fault", index, *call) >= rule.rate:
                continue
            fired.append(rule.kind)
            self.fired_counts[index] += 1
            if rule.kind == "latency":
                latency += rule.latency_ms
            elif rule.kind == "decline" and decline is None:
                decline = rule.decline_code
            elif rule.kind == "server_error" and before is None:
                before = ServerFault(operation)
            elif rule.kind == "reset" and before is None:
                before = ConnectionReset(operation)
            elif rule.kind == "timeout":
                lost = True
        if not fired:
            return NO_FAULT
        return FaultDecision(latency, decline, before, lost, tuple(fired))

    def replace(self, raw_rules: object) -> None:
        """Replace all rules from JSON; on any bad rule nothing changes."""
        if not isinstance(raw_rules, Sequence) or isinstance(raw_rules, str | bytes):
            raise _invalid("faults must be a JSON array of rules")
        self.rules = [FaultRule.from_json(item, self.operations) for item in raw_rules]
        self.fired_counts = Counter()

    def to_json(self) -> list[dict[str, Any]]:
        return [rule.to_json() for rule in self.rules]

    def times_fired(self) -> list[int]:
        """How many attempts each rule has hit so far, in the order of `rules`."""
        return [self.fired_counts[index] for index in range(len(self.rules))]


def _invalid(message: str) -> GatewayError:
    return GatewayError("invalid_fault", message, status=400)


def _unknown_field(name: object) -> GatewayError:
    """The refusal of a field a rule does not take, named in the message and as `field`."""
    shown = str(name)[:64]
    hint = {
        "start": " (the window is from/until, as in a scenario file)",
        "end": " (the window is from/until, as in a scenario file)",
        "gateway": " (send the rule to that gateway's /__admin/faults)",
    }.get(shown, "")
    return GatewayError(
        "invalid_fault",
        f"unknown field {shown!r}{hint}; a fault rule takes only {', '.join(FAULT_FIELDS)}",
        status=400,
        details={"field": shown},
    )


def _instant(raw: Mapping[str, Any], name: str) -> datetime | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(f"{name} must be an ISO 8601 instant string")
    try:
        return parse_instant(value)
    except ValueError as err:
        raise _invalid(f"{name}: {err}") from None


def _rate(value: object) -> Fraction:
    # A rate is a probability, not money: JSON numbers are accepted, read via their decimal text.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _invalid("rate must be a number or decimal string between 0 and 1")
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(f"rate {value!r} is not a number") from None
    if not parsed.is_finite() or not 0 <= parsed <= 1:
        raise _invalid(f"rate must be between 0 and 1, got {value!r}")
    return Fraction(parsed)
