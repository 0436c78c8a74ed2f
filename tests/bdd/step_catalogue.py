"""The Gherkin step catalogue (docs/steps.md, `billing-sim steps`), generated from this package's
step definitions and the feature files using them; and the steps closest to a mistyped one."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

from simulator.rules import scenario_count

from . import customer_words, steps_given, steps_then, steps_when
from .step_rules import declared_rules
from .step_templates import template

ROOT = Path(__file__).resolve().parents[2]
FEATURES_DIR = ROOT / "features"
STEPS_MD = ROOT / "docs" / "steps.md"
REGENERATE = ".venv/bin/billing-sim steps > docs/steps.md"
KEYWORDS = ("given", "when", "then")
_STEP_MODULES = (steps_given, steps_when, steps_then)
_STEP_LINE = re.compile(r"^\s*(Given|When|Then|And|But|\*) (.+?)\s*$")


@dataclass(frozen=True)
class FeatureStep:
    keyword: str  # given, when or then (And and But take the one before)
    text: str
    feature: str  # file name

    def __str__(self) -> str:
        return f"{self.keyword.capitalize()} {self.text}"


@dataclass
class StepDefinition:
    keyword: str
    words: str  # the pattern as a feature writer reads it
    context: StepFunctionContext = field(repr=False)
    uses: list[FeatureStep] = field(default_factory=list)

    @property
    def summary(self) -> str:
        doc = self.context.step_func.__doc__ or ""
        return " ".join(doc.strip().split("\n\n")[0].split())

    def matches(self, text: str) -> bool:
        return bool(self.context.parser.is_matching(text))


def feature_steps(features_dir: Path = FEATURES_DIR) -> list[FeatureStep]:
    """Every step line of the feature files; outline steps with `<placeholders>` left out."""
    found = []
    for path in sorted(features_dir.glob("*.feature")):
        keyword = "given"
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _STEP_LINE.match(line)
            if match is None:
                continue
            if match[1] not in ("And", "But", "*"):
                keyword = match[1].lower()
            if "<" not in match[2]:
                found.append(FeatureStep(keyword, match[2], path.name))
    return found


def step_definitions(features_dir: Path = FEATURES_DIR) -> list[StepDefinition]:
    """This package's step definitions, Given then When then Then, each in source order, with
    the feature steps each one matches."""
    modules = {module.__name__ for module in _STEP_MODULES}
    contexts = [
        c for c in step_function_context_registry.values() if c.step_func.__module__ in modules
    ]
    contexts.sort(
        key=lambda c: (KEYWORDS.index(c.type or "given"), c.step_func.__code__.co_firstlineno)
    )
    definitions = [StepDefinition(c.type or "given", template(c.parser.name), c) for c in contexts]
    for step in feature_steps(features_dir):
        for definition in definitions:
            if definition.keyword == step.keyword and definition.matches(step.text):
                definition.uses.append(step)
                break
    return definitions


def closest(text: str, keyword: str, limit: int = 3) -> list[StepDefinition]:
    """The definitions most like `text` (by its words and the steps features already use),
    those of `keyword` first."""

    def likeness(definition: StepDefinition) -> float:
        candidates = [definition.words] + [step.text for step in definition.uses[:20]]
        best = max(difflib.SequenceMatcher(None, text, c).ratio() for c in candidates)
        return best + (0.1 if definition.keyword == keyword else 0)

    ranked = sorted(step_definitions(), key=likeness, reverse=True)
    return ranked[:limit]


def suggestion(text: str, keyword: str) -> str:
    """What to tell someone whose step matched no definition."""
    lines = [f"No step definition matches {keyword.capitalize()} {text!r}. The closest known:"]
    for definition in closest(text, keyword):
        example = f"  (e.g. {definition.uses[0]})" if definition.uses else ""
        lines.append(f"  {definition.keyword.capitalize()} {definition.words}{example}")
    lines.append("Every step: docs/steps.md, or `billing-sim steps`.")
    return "\n".join(lines)


# --- the catalogue as Markdown ----------------------------------------------------------------

_HEADER = f"""\
# Gherkin steps

Every step the conformance features may use, generated from the step definitions in
`tests/bdd/`. Do not edit it by hand: a test fails when it is out of date, and
`{REGENERATE}` writes it again. How to read a step:

- `<name>` is a value of your own: a person (who is also their account, `Ada`), an amount
  (`USD 1,000.00`), a moment (`Friday 9 January 2026 15:00 UTC`, `08:00 UTC on 31 January
  2026`, `1 February 2026`), a month (`January 2026`), a product (`qwen-max`), or a phrase from
  the vocabulary at the end.
- `[...]` may be left out; `(a|b)` is one of the choices; `…` is any text.
- A payment method is named by its label later on: `Visa card`, `Mastercard`, `PayPal`, ...
- Example lines come from the feature files; a step no feature uses yet says so.
- A Then step names the rules it checks: when it fails, the run's `billing rules` section
  blames that rule, not every tag of the scenario (docs/driver.md).
"""


def _section(keyword: str, definitions: list[StepDefinition]) -> list[str]:
    lines = ["", f"## {keyword.capitalize()}", ""]
    for definition in definitions:
        if definition.keyword != keyword:
            continue
        lines.append(f"- **{keyword.capitalize()}** `{definition.words}`")
        if definition.summary:
            lines.append(f"  - {definition.summary}")
        rules = sorted(declared_rules(definition.context.step_func))
        if len(rules) == 1:
            lines.append(f"  - checks {rules[0]}: a failure here blames it")
        elif rules:
            lines.append(
                f"  - checks {', '.join(rules)}: a failure here blames those the scenario is "
                "tagged with (or the rule its words name)"
            )
        if definition.uses:
            files = list(dict.fromkeys(step.feature for step in definition.uses))
            more = f" and {len(files) - 3} more" if len(files) > 3 else ""
            lines.append(f"  - e.g. `{definition.uses[0]}` (in {', '.join(files[:3])}{more})")
        else:
            lines.append("  - no feature uses it yet")
    return lines


def _vocabulary() -> list[str]:
    words = customer_words
    tables = [
        ("Cards (`a <phrase>`)", [f"{p}: {c.number}" for p, c in words.CARDS.items()]),
        ("Mistyped cards (`links a card with <mistake>`)", list(words.CARD_MISTAKES)),
        ("Countries (`an account in <where>`)", list(words.COUNTRIES)),
        (
            "Reasons (`because <why>`)",
            [f"{phrase}: `{code}`" for phrase, code in words.REASONS.items()],
        ),
        ("Settings (`<setting> lasts <days> days`)", list(words.DAY_SETTINGS)),
    ]
    lines = ["", "## Vocabulary", "", "Defined in `tests/bdd/customer_words.py`."]
    for title, entries in tables:
        lines += ["", f"### {title}", ""] + [f"- {entry}" for entry in entries]
    return lines


def scenarios_line(features_dir: Path = FEATURES_DIR) -> str:
    """The suite's size as the catalogue states it, from the one count (`scenario_count`)."""
    count = scenario_count(features_dir)
    return (
        f"The feature files hold {count} scenarios (an outline counts once per Examples row,\n"
        "as pytest runs it and `billing-sim rules` counts it)."
    )


def markdown() -> str:
    definitions = step_definitions()
    lines = [_HEADER.rstrip("\n"), "", scenarios_line()]
    for keyword in KEYWORDS:
        lines += _section(keyword, definitions)
    lines += _vocabulary()
    return "\n".join(lines) + "\n"
