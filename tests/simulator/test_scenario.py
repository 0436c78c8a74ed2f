"""The scenario schema and loader: exact amounts, UTC times, INDEX semantics, policy overrides."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

BASE = """
name: t
start: 2026-01-01T00:00:00Z
duration: {months: 1}
"""

ACME = """
accounts:
  - id: acme
    country: us
    payment_methods:
      - card: {number: "4242 4242 4242 4242", exp: "12/30", cvv: "123", name: "ACME LTD"}
        threeds: abandon
      - paypal: {email: "ap@acme.test", threshold: 50.10, funding_source: false, approve: true}
        at: 2026-01-10T00:00:00Z
    usage:
      - {product: qwen-max, daily: 150.00}
      - {product: qwen-plus, monthly: "744", from: 2026-01-05, until: 2026-01-20T00:00:00+08:00}
    actions:
      - at: 2026-01-11T00:00:00Z
        link: {card: {number: "4000000000009995", exp: "01/31", cvv: "999", name: "ACME LTD"}}
      - {at: 2026-01-15T10:00:00Z, repay: {amount: "200.00", method: 1}}
      - {at: 2026-01-16T00:00:00Z, repay: {amount: all}}
      - {at: 2026-01-17T00:00:00Z, set_default: {method: 2}}
      - {at: 2026-01-18T00:00:00Z, buy_plan: {plan: pro, method: 0}}
      - {at: 2026-01-19T00:00:00Z, activate: {product: qwen-turbo}}
      - {at: 2026-01-20T00:00:00Z, unlink: {method: 0}}
      - {at: 2026-01-21T00:00:00Z, deactivate: {}}
"""


def parse(text: str) -> Scenario:
    return parse_scenario(text, source="s.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse(text)
    return caught.value.problems


def test_full_account_parses_with_exact_values_and_utc_times():
    s = parse(BASE + ACME)
    acme = s.accounts[0]
    assert acme.country == "US"
    card, paypal = acme.payment_methods
    assert card.card is not None and card.card.number == "4242424242424242"
    assert (card.card.exp_month, card.card.exp_year, card.threeds) == (12, 2030, "abandon")
    assert paypal.paypal is not None and paypal.paypal.threshold == Decimal("50.10")
    assert paypal.paypal.funding_source is False and paypal.kind == "paypal"
    daily, monthly = acme.usage
    assert daily.daily == Decimal("150.00") and daily.rate_kind == "daily"
    assert monthly.from_ == datetime(2026, 1, 5, tzinfo=UTC)
    assert monthly.until == datetime(2026, 1, 19, 16, tzinfo=UTC)  # +08:00 converted to UTC
    assert [a.kind for a in acme.actions] == [
        "link", "repay", "repay", "set_default", "buy_plan", "activate", "unlink", "deactivate"
    ]  # fmt: skip
    assert acme.actions[1].method == 1 and acme.actions[2].method == "default"
    assert acme.actions[2].repay is not None and acme.actions[2].repay.amount == "all"
    assert s.end == datetime(2026, 2, 1, tzinfo=UTC)


def test_yaml_float_stays_exact_decimal_h3():
    """H-3: 0.1 written in YAML is Decimal('0.1'), never the float 0.1000000000000000055..."""
    s = parse(
        BASE + "policy: {card_threshold: 0.1}\n" + ACME.replace("daily: 150.00", "hourly: 0.1")
    )
    assert s.accounts[0].usage[0].hourly == Decimal("0.1")
    assert s.make_policy().card_threshold == Fraction(1, 10)
    assert s.accounts[0].payment_methods[1].paypal.threshold == Decimal("50.10")  # type: ignore[union-attr]


def test_usage_rate_per_hour_is_exact():
    s = parse(BASE + ACME)
    daily, monthly = s.accounts[0].usage
    jan = datetime(2026, 1, 7, 3, tzinfo=UTC)
    assert daily.pretax_per_hour(jan) == Fraction(15000, 2400)
    assert monthly.pretax_per_hour(jan) == Fraction(1)  # 744 over January's 744 hours
    assert monthly.pretax_per_hour(datetime(2026, 2, 3, tzinfo=UTC)) == Fraction(744, 672)


def test_link_attempts_give_method_ids_in_order():
    s = parse(BASE + ACME)
    attempts = s.accounts[0].link_attempts(s.start)
    assert [e.kind for _, e in attempts] == ["card", "paypal", "card"]
    assert [at.day for at, _ in attempts] == [1, 10, 11]


def test_card_number_and_cvv_stay_out_of_repr_h4():
    """H-4: no card number or CVV in a repr."""
    text = repr(parse(BASE + ACME))
    assert "4242424242424242" not in text and "4000000000009995" not in text
    assert "cvv='123'" not in text and "'999'" not in text


def test_bad_card_number_error_does_not_echo_it_h4():
    text = BASE + ACME.replace('"4242 4242 4242 4242"', '"4242x4242424242424242"')
    (line,) = problems(text)
    assert line.startswith("s.yaml: accounts[0].payment_methods[0].card.number: expected a card")
    assert "4242x" not in line


def test_naive_time_refused_with_hint():
    (line,) = problems(BASE.replace("00:00:00Z", "00:00:00"))
    assert line == (
        "s.yaml: start: time 2026-01-01T00:00:00 has no time zone: add Z for UTC "
        "(e.g. 2026-01-01T00:00:00Z)"
    )


def test_date_means_midnight_utc():
    s = parse(
        BASE.replace("2026-01-01T00:00:00Z", "2026-03-01") + ACME.replace("2026-01", "2026-03")
    )
    assert s.start == datetime(2026, 3, 1, tzinfo=UTC)


def test_method_index_beyond_link_attempts_names_the_field():
    text = BASE + ACME.replace("set_default: {method: 2}", "set_default: {method: 3}")
    (line,) = problems(text)
    assert line.startswith("s.yaml: accounts[0].actions[3].set_default.method: no payment method 3")
    assert "(indices 0..2)" in line


def test_method_index_counts_only_links_attempted_by_then():
    text = BASE + ACME.replace('repay: {amount: "200.00", method: 1}', "unlink: {method: 2}")
    text = text.replace("at: 2026-01-11T00:00:00Z", "at: 2026-01-15T10:00:00Z")
    text = text.replace("2026-01-15T10:00:00Z, unlink", "2026-01-15T11:00:00Z, unlink")
    assert parse(text).accounts[0].actions[1].kind == "unlink"  # the link at 10:00 came first
    early = text.replace("2026-01-15T11:00:00Z, unlink", "2026-01-15T09:00:00Z, unlink")
    lines = problems(early)
    assert "s.yaml: accounts[0].actions[1].at: actions must be in time order" in lines[0]
    assert "actions[1].unlink.method: no payment method 2" in lines[1]


def test_link_attempts_out_of_time_order_refused():
    text = BASE + ACME.replace("at: 2026-01-10T00:00:00Z", "at: 2026-01-12T00:00:00Z")
    (line,) = problems(text)
    assert line.startswith(
        "s.yaml: accounts[0].actions[0].at: link attempt 2 at 2026-01-11T00:00:00Z"
    )


def test_actions_outside_run_span_refused():
    (line,) = problems(BASE + ACME.replace("2026-01-21T00:00:00Z", "2026-02-01T00:00:00Z"))
    assert line == (
        "s.yaml: accounts[0].actions[7].at: 2026-02-01T00:00:00Z is outside the run "
        "[2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z)"
    )


def test_paypal_threshold_must_be_an_amount_but_range_is_the_engines_auto3():
    """AUTO-3: the range 8..500 is the engine's rule; the schema only wants an amount."""
    assert parse(BASE + ACME.replace("threshold: 50.10", "threshold: 5000"))
    (line,) = problems(BASE + ACME.replace("threshold: 50.10", "threshold: fifty"))
    assert line == (
        "s.yaml: accounts[0].payment_methods[1].paypal.threshold: "
        "expected a decimal amount such as \"12.50\", got 'fifty'"
    )


def test_card_expiry_format():
    (line,) = problems(BASE + ACME.replace('"12/30"', '"2030-12"'))
    assert line.startswith(
        "s.yaml: accounts[0].payment_methods[0].card.exp: expected the expiry as MM/YY"
    )


def test_unknown_policy_setting_lists_known_names():
    (line,) = problems(BASE + "policy: {grace: 3}\n" + ACME)
    assert line.startswith("s.yaml: policy.grace: unknown policy setting; known: currency, ")
    assert "overdue_grace_days" in line and "card_threshold" in line


def test_policy_overrides_apply_with_units_and_tuples():
    text = BASE + "policy: {overdue_grace_days: 3, preauth_release_business_days: [2, 2]}\n" + ACME
    policy = parse(text).make_policy()
    assert policy.overdue_grace.days == 3
    assert policy.preauth_release_business_days == (2, 2)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("overdue_grace: 3", "policy.overdue_grace: give a unit: overdue_grace_days"),
        ("overdue_grace_days: 1.5", "policy.overdue_grace_days: expected a whole number from 0"),
        ("card_threshold: lots", "policy.card_threshold: expected a decimal amount such as"),
        ("threeds_required_countries: MY", "policy.threeds_required_countries: expected a list"),
    ],
)
def test_bad_policy_values_named(override: str, expected: str):
    (line,) = problems(BASE + f"policy: {{{override}}}\n" + ACME)
    assert line.startswith(f"s.yaml: {expected}")


def test_unknown_plan_refused_plan1():
    """PLAN-1: plans are the policy's plan_prices."""
    (line,) = problems(BASE + ACME.replace("plan: pro", "plan: gold"))
    assert line == (
        "s.yaml: accounts[0].actions[4].buy_plan.plan: unknown plan 'gold'; "
        "known (policy.plan_prices): lite, pro"
    )


def test_unknown_field_lists_expected_fields():
    (line,) = problems(BASE + ACME.replace("country: us", "country: us\n    colour: red"))
    assert line == (
        "s.yaml: accounts[0].colour: unknown field; expected one of: id, country, tax_rate, "
        "balance, payment_methods, usage, actions"
    )


def test_several_problems_one_line_each():
    text = BASE + ACME.replace('"12/30"', '"12/3"').replace("daily: 150.00", "daily: -1")
    lines = problems(text)
    assert len(lines) == 2
    assert all(line.startswith("s.yaml: accounts[0].") for line in lines)


def test_country_no_is_norway_not_false():
    s = parse(BASE + ACME.replace("country: us", "country: NO"))
    assert s.accounts[0].country == "NO"


def test_duplicate_keys_refused():
    (line,) = problems(BASE + "seed: 1\nseed: 2\n" + ACME)
    assert line.startswith("s.yaml:6:1: YAML: duplicate key 'seed'")


def test_duplicate_account_ids_refused():
    text = BASE + ACME + ACME.replace("accounts:\n", "").replace("2026-01-1", "2026-01-1")
    lines = problems(text)
    assert "s.yaml: accounts[1].id: 'acme' is already the id of accounts[0]" in lines


def test_yaml_syntax_error_names_line_without_echoing_it():
    (line,) = problems(BASE + 'accounts: [{id: a, card: "4242424242424242"\n')
    assert line.startswith("s.yaml:") and "YAML:" in line
    assert "4242424242424242" not in line


def test_empty_scenario_file_refused_but_empty_scenario_in_code_allowed():
    assert problems(BASE) == ["s.yaml: accounts: no accounts: give accounts: or population:"]
    bare = Scenario(name="bdd", start="2026-01-01T00:00:00Z", duration={"months": 36})
    assert bare.accounts == [] and bare.end == datetime(2029, 1, 1, tzinfo=UTC)


def test_description_is_one_line():
    (line,) = problems(BASE + "description: |\n  one\n  two\n" + ACME)
    assert line.startswith("s.yaml: description: expected one line")


def test_load_scenario_names_the_file_and_defaults_name(tmp_path: Path):
    path = tmp_path / "my-scenario.yaml"
    path.write_text((BASE + ACME).replace("name: t\n", ""))
    assert load_scenario(path).name == "my-scenario"
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "missing.yaml")
    assert str(caught.value) == f"{tmp_path / 'missing.yaml'}: no such file"


def test_population_defaults_and_mix_must_sum_to_one():
    s = parse(BASE + "population: {count: 10}\n")
    assert s.population is not None and s.population.mix.card == Decimal("0.80")
    (line,) = problems(BASE + "population: {count: 10, mix: {card: 0.5}}\n")
    assert line == "s.yaml: population.mix: card + paypal + none must add up to 1, got 0.70"


def test_fault_window_and_latency_shape():
    fault = (
        "faults: [{gateway: card, kind: latency,"
        " from: 2026-01-05T00:00:00Z, until: 2026-01-04T00:00:00Z}]\n"
    )
    lines = problems(BASE + ACME + fault)
    assert lines == ["s.yaml: faults[0]: until: must be after from:"]
    ok = fault.replace("2026-01-04", "2026-01-06").replace("latency,", "latency, latency_ms: 200,")
    assert parse(BASE + ACME + ok).faults[0].latency_ms == 200


def test_fault_rule_is_what_the_mock_gateways_accept():
    from mock_gateways.common.faults import FaultRule

    fault = (
        "faults: [{gateway: card, endpoint: charge, kind: decline,"
        " decline_code: insufficient_funds,"
        " rate: 0.25, from: 2026-01-05T00:00:00Z, until: 2026-01-12T00:00:00Z}]\n"
    )
    rule = FaultRule.from_json(parse(BASE + ACME + fault).faults[0].to_rule())
    assert (rule.kind, rule.endpoint, rule.rate, rule.decline_code) == (
        "decline",
        "charge",
        Fraction(1, 4),
        "insufficient_funds",
    )
    assert (rule.from_, rule.until) == (
        datetime(2026, 1, 5, tzinfo=UTC),
        datetime(2026, 1, 12, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "change",
    [
        ('card: {number: "4242 4242 4242 4242"', 'card: "4242424242424242"\n        x: {a: "1"'),
        ('amount: "200.00"', 'amount: "4000000000000341x"'),
        ("product: qwen-max", "product: [4242424242424242]"),
        ("product: qwen-max", 'product: ["4242  4242  4242  4242"]'),
        ("country: us", 'country: "4242 - 4242 - 4242 - 4242"'),
        ('amount: "200.00"', 'amount: "4242.4242.4242.4242"'),
        ('amount: "200.00"', 'amount: "4242/4242/4242/4242"'),
        ('amount: "200.00"', "amount: 4242_4242_4242_4241"),
    ],
)
def test_card_numbers_in_wrong_places_are_not_echoed_h4(change: tuple[str, str]):
    """H-4: even a card number typed into the wrong field, in any spacing, is not quoted back
    in full."""
    lines = problems(BASE + ACME.replace(*change))
    run = re.compile(r"\d(?:[ \t./_-]*\d){11}")
    assert lines and not any(run.search(line) for line in lines), lines


def test_scalar_where_a_mapping_belongs_lists_its_fields():
    (line,) = problems(BASE.replace("{months: 1}", "1") + ACME)
    assert line == "s.yaml: duration: expected a mapping with fields months, days"


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_any_yaml_decimal_number_is_read_exactly_h3(value: Decimal):
    """H-3: a YAML number keeps exactly the value written, whatever its digits."""
    text = f"{value:f}" if "." in f"{value:f}" else f"{value:f}.0"
    s = parse(BASE + ACME.replace("daily: 150.00", f"hourly: {text}"))
    assert s.accounts[0].usage[0].hourly == Decimal(text)


def test_repay_threeds_defaults_to_pass_and_takes_the_buy_plan_choices():
    s = parse(
        BASE
        + ACME.replace(
            'repay: {amount: "200.00", method: 1}',
            'repay: {amount: "200.00", method: 1, threeds: fail}',
        )
    )
    repay = s.accounts[0].actions[1].repay
    assert repay is not None and repay.threeds == "fail"
    assert s.accounts[0].actions[2].repay.threeds == "pass"  # type: ignore[union-attr]
    with pytest.raises(ScenarioError, match=r"actions\[1\]\.repay\.threeds"):
        parse(BASE + ACME.replace("method: 1}", "method: 1, threeds: maybe}", 1))
