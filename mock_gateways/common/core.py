"""GatewayCore: the base of every gateway core. It owns the clock, seed, fault plan, idempotency
store and a lock, and runs each operation through idempotency and fault injection."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Container
from datetime import datetime, timedelta
from typing import Any

from mock_gateways.common.calls import Call, Ordinals
from mock_gateways.common.clock import Clock, SimClock, format_instant
from mock_gateways.common.errors import GatewayError, ResponseLost, conflict, not_found
from mock_gateways.common.faults import FaultDecision, FaultPlan
from mock_gateways.common.idempotency import (
    Committed,
    IdempotencyStore,
    Record,
    answer,
    check_key,
    fingerprint,
)

#: outcomes with these statuses are committed and replayed (a decline is a result, not a typo);
#: other 4xx are validation or state errors and are not stored, like public payment APIs do
STORED_ERROR_STATUSES = frozenset({402})

Execute = Callable[[str | None], dict[str, Any]]

#: the fault log keeps the latest entries only, so a long run under faults holds bounded memory;
#: the fault plan counts every firing (`times_fired`)
FAULT_LOG_LIMIT = 1000


class GatewayCore(ABC):
    """Subclasses implement `_clear()` (drop all domain state) and `state()` (a JSON snapshot
    for /__admin/state, never card numbers), and call `mutate` / `read` from their operations;
    one with `payment_operations` implements `payment_body` too.

    `clock` is any object with `.now()` returning an aware UTC datetime (the simulator passes its
    own; over HTTP the app passes a SimClock that X-Sim-Time sets). `seed` drives every draw.
    `public_url` is the base of links the core hands out (challenge pages, approve links);
    `mock_gateways.serve` sets it to the real base URL once the server is bound.

    Every draw (faults, an issuer's timing, the ids the core makes) is placed by the call's
    coordinates (`Call`): operations name the card or payer a request is about as `subject`,
    and ids come from `new_id` inside `execute`, never from the engine's keys."""

    #: the gateway's name among the coordinates of its calls
    name = ""
    idempotency_header = "Idempotency-Key"
    default_public_url = "http://gateway.sim"
    #: what fault rules may name as `endpoint` (mock_gateways.operations)
    operations: tuple[str, ...] = ()
    #: how long after its commit a request's answer is replayed, in simulated time
    idempotency_window = timedelta(hours=24)
    #: operations that make or change a payment: their keys are remembered for as long as the
    #: payments (the look-up answers them for good; a replay after the window is refused)
    payment_operations: frozenset[str] = frozenset()

    def __init__(
        self, *, clock: Clock | None = None, seed: int = 0, public_url: str | None = None
    ) -> None:
        self.clock: Clock = clock if clock is not None else SimClock()
        self.seed = seed
        self.public_url = (public_url or self.default_public_url).rstrip("/")
        self.faults = FaultPlan(operations=self.operations)
        self.fault_log: deque[dict[str, Any]] = deque(maxlen=FAULT_LOG_LIMIT)
        self.lock = threading.RLock()
        self._store = IdempotencyStore(self.idempotency_window)
        self._ordinals = Ordinals()
        #: the call whose `execute` is running (what `new_id` draws from)
        self._executing: Call | None = None

    def now(self) -> datetime:
        return self.clock.now()

    # --- running operations -----------------------------------------------------------------

    def mutate(
        self,
        operation: str,
        key: object,
        params: dict[str, Any],
        execute: Execute,
        *,
        subject: str = "",
    ) -> dict[str, Any]:
        """Run a mutating operation under `key`, about `subject` (the card's fingerprint or the
        payer's id). `params` are the normalized request parameters (a replay must match them,
        else 409 `idempotency_key_reused`); `execute(decline_code)` does the work, where
        `decline_code` is an injected issuer decline or None."""
        key = check_key(key, self.idempotency_header)
        with self.lock:
            now = self.now()
            self._store.expire(now)  # every call sweeps what has expired: no background work
            call = self._store.next_attempt(
                operation, key, now, lambda: self._new_call(operation, subject, now)
            )
            decision = self._draw_faults(call, key, now)
            if decision.before is not None:
                raise decision.before
            record = self._store.get(key, now)
            if record is not None:
                self._check_same(key, record.operation, record.fingerprint, operation, params)
                status, body = record.status, record.body
            else:
                committed = self._store.committed(key)
                if committed is not None:
                    self._check_same(
                        key, committed.operation, committed.fingerprint, operation, params
                    )
                    raise self._expired(key, committed)
                status, body = self._execute(call, key, params, execute, decision.decline_code)
            if decision.response_lost:
                raise ResponseLost(operation)
            return answer(status, body)

    def read(
        self,
        operation: str,
        resource: str,
        fetch: Callable[[], dict[str, Any]],
        *,
        subject: str = "",
    ) -> dict[str, Any]:
        """Run a read of `resource`, about `subject`; it has no key, so each read is a logical
        call of its own. Faults apply to it, declines do not."""
        with self.lock:
            now = self.now()
            self._store.expire(now)
            decision = self._draw_faults(self._new_call(operation, subject, now), resource, now)
            if decision.before is not None:
                raise decision.before
            result = fetch()
            if decision.response_lost:
                raise ResponseLost(operation)
            return result

    def lookup(self, key: object) -> dict[str, Any]:
        """What a mutating call under `key` answered: operation, HTTP status and body. 404
        `unknown_idempotency_key` if no call with that key was committed."""
        key = check_key(key, self.idempotency_header)

        def fetch() -> dict[str, Any]:
            record = self._store.get(key, self.now())
            if record is not None:
                operation, status, body = record.operation, record.status, record.body
            else:
                # After the window a payment's key still answers, with the payment as it is now.
                committed = self._store.committed(key)
                if committed is None:
                    raise not_found(
                        "unknown_idempotency_key", "no request was committed with this key"
                    )
                operation, status = committed.operation, committed.status
                payment_id = committed.payment_id
                body = (
                    committed.refusal
                    if payment_id is None
                    else self.payment_body(operation, payment_id)
                )
            return {"idempotency_key": key, "operation": operation, "status": status, "body": body}

        return self.read("lookup", key, fetch, subject=self._store.subject(key, self.now()))

    def payment_body(self, operation: str, payment_id: str) -> dict[str, Any]:
        """The JSON of the payment `operation` made, as it is now (for a look-up after the
        replay window). Cores with `payment_operations` override it."""
        raise NotImplementedError(operation)

    def _check_same(
        self, key: str, first: str, first_fingerprint: bytes, operation: str, params: dict[str, Any]
    ) -> None:
        if first != operation or first_fingerprint != fingerprint(operation, params):
            raise conflict(
                "idempotency_key_reused",
                f"{self.idempotency_header} {key!r} was already used for a different request",
            )

    def _expired(self, key: str, committed: Committed) -> GatewayError:
        """A replay after the window of a key that made a payment. Real services forget the key
        and would run the request again, a second payment; the mock says so instead."""
        hours = int(self.idempotency_window.total_seconds() // 3600)
        made = committed.payment_id or "a refusal"
        return GatewayError(
            "idempotency_key_expired",
            f"{self.idempotency_header} {key!r} made {committed.operation} {made} more than "
            f"{hours} h ago and can no longer be replayed: look it up by key, or send the "
            "request with a new key to pay again",
            status=409,
            details={"operation": committed.operation},
        )

    def _new_call(self, operation: str, subject: str, now: datetime) -> Call:
        """A new logical call (attempt 1) made `now`, numbered among this instant's."""
        instant, ordinal = self._ordinals.next(operation, subject, now)
        return Call(self.name, operation, subject, instant, ordinal, 1)

    def _draw_faults(self, call: Call, key: str, now: datetime) -> FaultDecision:
        """What the fault plan decides for `call` (`key`: the idempotency key or the resource
        read, for the log only)."""
        decision = self.faults.decide(self.seed, call, now)
        if decision.fired:
            self.fault_log.append(
                {
                    "at": format_instant(now),
                    "operation": call.operation,
                    "key": key,
                    "ordinal": call.ordinal,
                    "attempt": call.attempt,
                    "faults": list(decision.fired),
                    "latency_ms": decision.latency_ms,
                }
            )
        return decision

    def coordinates(self) -> tuple[object, ...]:
        """The coordinates, less the attempt, of the call whose `execute` is running: what the
        issuer's draws and the ids of what it makes come from."""
        call = self._executing
        if call is None:
            raise RuntimeError("coordinates are only known inside an operation's execute")
        return call.logical

    def new_id(self, make: Callable[..., str], taken: Container[str]) -> str:
        """An id for what the running `execute` makes: `make(*coordinates)`, so engines that
        name their keys differently get the same ids; if it is taken (a clock set back can
        repeat coordinates), `make(*coordinates, n)` for the first n = 1, 2, ... that is not."""
        parts = self.coordinates()
        salt = 0
        while (candidate := make(*parts, *((salt,) if salt else ()))) in taken:
            salt += 1
        return candidate

    def _execute(
        self,
        call: Call,
        key: str,
        params: dict[str, Any],
        execute: Execute,
        decline_code: str | None,
    ) -> tuple[int, dict[str, Any]]:
        """Run and commit the operation: the status and body answered (the record keeps them)."""
        operation = call.operation
        self._executing = call
        try:
            status, body = 200, execute(decline_code)
        except GatewayError as err:
            if err.status not in STORED_ERROR_STATUSES:
                raise
            status, body = err.status, err.to_body()
        finally:
            self._executing = None
        payment = None
        if operation in self.payment_operations:
            payment = body["id"] if status < 400 else ""
        record = Record.of(operation, params, status, body)
        self._store.put(key, record, self.now(), subject=call.subject, payment=payment)
        return status, body

    # --- admin ------------------------------------------------------------------------------

    def reset(self, seed: int | None = None) -> None:
        """Forget all state, records and faults; keep the clock. A new seed if given."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            self.faults = FaultPlan(operations=self.operations)
            self.fault_log = deque(maxlen=FAULT_LOG_LIMIT)
            self._store = IdempotencyStore(self.idempotency_window)
            self._ordinals = Ordinals()
            self._clear()

    def admin_state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "now": format_instant(self.now()),
                "seed": self.seed,
                "idempotency_records": len(self._store),
                "idempotency": self.idempotency_counts(),
                "fault_log": list(self.fault_log),
                **self.state(),
            }

    def idempotency_counts(self) -> dict[str, int]:
        """Replay records, payment keys and attempt counters held now (bounded but the keys)."""
        with self.lock:
            return self._store.counts()

    @abstractmethod
    def _clear(self) -> None:
        """Drop every domain object (cards, holds, transactions...)."""

    @abstractmethod
    def state(self) -> dict[str, Any]:
        """A JSON snapshot of the domain objects, without card numbers or CVVs."""
