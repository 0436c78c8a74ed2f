"""The mutant catalogue keeps applying as the code moves: every patch of mutants/ applies cleanly
to a copy of the current tree and names a rule of docs/rules.md; and the runner's own readers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.mutants import (
    CatalogueError,
    blamed_rules,
    catalogue,
    check_imports,
    copy_tree,
    git_apply,
    read_mutant,
)
from simulator.rules import rule_registry

MUTANTS = catalogue()
#: each rule family must have mutants in the main set (H: its money rule, H-3)
FAMILIES = ("OV", "AUTO", "PAY", "CARD", "3DS", "PAYPAL", "LINK", "PLAN", "H")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the work tree as it is now, which `git apply --check` reads, never writes."""
    path = tmp_path_factory.mktemp("mutants") / "tree"
    copy_tree(path)
    yield path


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_patch_applies_and_names_a_rule(mutant, tree):
    assert mutant.rule in rule_registry(), f"{mutant.name}: unknown rule {mutant.rule}"
    assert git_apply(tree, mutant.path, check=True) is None


def test_the_catalogue_is_large_and_spread_over_every_family():
    main = [m for m in MUTANTS if m.set == "main"]
    assert len(main) >= 40
    assert len([m for m in MUTANTS if m.set == "holdout"]) >= 10
    assert {m.rule.split("-")[0] for m in main} >= set(FAMILIES)
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)


def test_a_copy_imports_its_own_packages(tree):
    check_imports(tree)  # raises if the editable install's packages were imported instead


def test_a_patch_without_its_rule_is_refused(tmp_path):
    patch = tmp_path / "001-x.patch"
    patch.write_text("Bug: something\n\ndiff --git a/x b/x\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="no Rule"):
        read_mutant(patch, "main")


def test_a_patch_that_no_longer_applies_is_told(tmp_path, tree):
    patch = tmp_path / "001-stale.patch"
    lines = MUTANTS[0].path.read_text(encoding="utf-8").splitlines(keepends=True)
    # a line the patch removes, as if the code had moved on since the patch was made
    removed = next(i for i, line in enumerate(lines) if line.startswith("-") and line[1:3] != "--")
    lines[removed] = "-# moved on" + lines[removed][1:]
    patch.write_text("".join(lines), encoding="utf-8")
    assert "patch does not apply" in (git_apply(tree, patch, check=True) or "")


def test_blamed_rules_from_the_printed_section_or_the_json_verdict(tmp_path):
    printed = (
        "==== billing rules ====\n"
        "rules with failing scenarios (how many failed with the rule's tag):\n"
        "  AUTO-2     3 failing  With a card as default...\n"
        "  PAY-5      1 failing  A payment settles...\n"
    )
    assert blamed_rules(printed) == ["AUTO-2", "PAY-5"]
    verdict = tmp_path / "verdict.json"
    verdict.write_text('{"failed": [], "blamed_rules": ["OV-1"]}', encoding="utf-8")
    assert blamed_rules(printed, verdict) == ["OV-1"]
    assert blamed_rules("145 passed", tmp_path / "absent.json") == []
