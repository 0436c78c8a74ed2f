"""Scenario files: the schema (`schema`), its field types (`types`), cross-field checks
(`checks`), YAML loading (`loading`) and problem text (`errors`), re-exported here."""

from simulator.scenario.errors import ScenarioError, format_path, redact
from simulator.scenario.loading import load_scenario, parse_scenario, read_yaml
from simulator.scenario.schema import (
    ACTION_KINDS,
    DEFAULT_OTHER_COUNTRIES,
    AccountSpec,
    Action,
    ActionKind,
    ActivateAction,
    BuyPlanAction,
    CardEntry,
    DeactivateAction,
    Duration,
    Fault,
    MethodRef,
    PaymentMethodEntry,
    PaymentMix,
    PayPalEntry,
    Population,
    RepayAction,
    Scenario,
    SpendSpec,
    UsageEntry,
)
from simulator.scenario.types import ThreeDSBehaviour

__all__ = [
    "ACTION_KINDS",
    "DEFAULT_OTHER_COUNTRIES",
    "AccountSpec",
    "Action",
    "ActionKind",
    "ActivateAction",
    "BuyPlanAction",
    "CardEntry",
    "DeactivateAction",
    "Duration",
    "Fault",
    "MethodRef",
    "PayPalEntry",
    "PaymentMethodEntry",
    "PaymentMix",
    "Population",
    "RepayAction",
    "Scenario",
    "ScenarioError",
    "SpendSpec",
    "ThreeDSBehaviour",
    "UsageEntry",
    "format_path",
    "load_scenario",
    "parse_scenario",
    "read_yaml",
    "redact",
]
