"""Mutation testing (`make mutants`): each patch of mutants/ breaks one billing rule in a copy of
the tree; the features, the invariants and the baselines are run against it and scored."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from simulator.driver.served_suite import ENGINE_URL_ENV

REPO = Path(__file__).resolve().parent.parent
MUTANTS_DIR = REPO / "mutants"
#: the catalogue the suite was tuned on, and the "unseen" set written after it
SETS: dict[str, Path] = {"main": MUTANTS_DIR, "holdout": MUTANTS_DIR / "holdout"}
#: features: the suite from the pristine tree against the mutant served over the driver protocol;
#: in_process: the suite run in the mutated tree itself (a second figure, no target)
ORACLES = ("features", "in_process", "invariants", "baselines")
#: a run too large for a mutant's few seconds
SKIPPED_SCENARIOS = frozenset({"population-10k-year.yaml"})
#: the targets of docs/mutants.md, each a share of a whole set's mutants
TARGETS: dict[str, Fraction] = {
    "features killed": Fraction(95, 100),
    "features named": Fraction(95, 100),
    "invariants killed": Fraction(1, 3),
}
VERDICT_JSON_ENV = "BILLING_SIM_VERDICT_JSON"
#: what a mutant's copy and the pristine suite must not inherit from the caller's environment
_STRIPPED_ENV = ("PYTHONPATH", ENGINE_URL_ENV, VERDICT_JSON_ENV)
_HEADER = re.compile(r"^(Rule|Bug):\s*(.+?)\s*$")
_BLAMED_LINE = re.compile(r"^\s+([A-Z0-9]+-\d+)\s+\d+ failing")
SUITE_TIMEOUT = 900  # seconds: a mutant that loops is killed by the clock, noted as a timeout
RUN_TIMEOUT = 300


class CatalogueError(Exception):
    """A patch without the header naming its rule and its bug."""


@dataclass(frozen=True)
class Mutant:
    name: str  # the file name without .patch, e.g. "006-threshold-strict"
    set: str
    path: Path
    rule: str
    bug: str


def read_mutant(path: Path, set_name: str) -> Mutant:
    """A patch and its header: `Rule: ID` and `Bug: one line`, before the diff."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("diff --git"):
            break
        if match := _HEADER.match(line):
            header[match[1]] = match[2]
    missing = [key for key in ("Rule", "Bug") if key not in header]
    if missing:
        raise CatalogueError(f"{path}: no {' or '.join(missing)} line before the diff")
    return Mutant(path.stem, set_name, path, header["Rule"], header["Bug"])


def catalogue(sets: Iterable[str] = SETS) -> list[Mutant]:
    return [read_mutant(path, name) for name in sets for path in sorted(SETS[name].glob("*.patch"))]


# --- a mutated copy of the tree --------------------------------------------------------------


def worktree_files(repo: Path = REPO) -> list[str]:
    """The files of the work tree as they are now: tracked (uncommitted edits included, deleted
    ones left out) and new ones not ignored, as the pristine suite sees them."""
    command = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    listing = subprocess.run(command, cwd=repo, capture_output=True, check=True).stdout
    names = dict.fromkeys(name for name in listing.decode().split("\0") if name)
    return [name for name in names if (repo / name).is_file()]


def copy_tree(dest: Path, repo: Path = REPO) -> None:
    for name in worktree_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)


def git_apply(tree: Path, patch: Path, *, check: bool = False) -> str | None:
    """Apply `patch` to the files of `tree` (not a repository); None, or why it does not apply."""
    # the ceiling keeps git from taking a repository around the temporary directory for the tree
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tree.parent)}
    command = ["git", "apply", *(["--check"] if check else []), str(patch.resolve())]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


def mutant_env(tree: Path) -> dict[str, str]:
    """The environment that makes Python import the packages of `tree`, not the editable
    install of the repository."""
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED_ENV}
    env["PYTHONPATH"] = str(tree)
    return env


def pristine_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _STRIPPED_ENV}


def check_imports(tree: Path) -> None:
    """Fail loudly if the copy's packages are not the ones imported: every score would lie."""
    code = "import billing_engine, mock_gateways, simulator as s; print(s.__file__)"
    for package in ("billing_engine", "mock_gateways"):
        code += f"; print({package}.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=mutant_env(tree), capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    for line in done.stdout.split():
        if not Path(line).resolve().is_relative_to(tree.resolve()):
            raise RuntimeError(f"the mutated tree {tree} imports {line} instead of its own")


# --- the oracles -------------------------------------------------------------------------


@dataclass
class Verdict:
    """One oracle's verdict on one mutant."""

    killed: bool
    #: exit 3 (an internal error), a timeout, or an engine that would not start: killed, told
    #: apart
    error: str | None = None
    #: the features only: the rules the suite's verdict blamed, and whether the mutant's is one
    blamed: list[str] = field(default_factory=list)
    named: bool | None = None
    #: the invariants: the scenarios whose run failed, with their exit
    failing: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: int
) -> tuple[int | None, str]:
    """Exit status (None on a timeout) and the output, stdout and stderr together."""
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout


def _script(name: str) -> str:
    """A console script of the virtualenv that runs this; with PYTHONPATH set it imports the
    mutated copy like everything else."""
    return str(Path(sys.executable).parent / name)


def blamed_rules(output: str, verdict_json: Path | None = None) -> list[str]:
    """The rules the suite blamed: its JSON verdict when it wrote one, else the `billing rules`
    section it printed."""
    if verdict_json is not None and verdict_json.is_file():
        data = json.loads(verdict_json.read_text(encoding="utf-8"))
        return sorted(data.get("blamed_rules", []))
    return sorted({m[1] for line in output.splitlines() if (m := _BLAMED_LINE.match(line))})


def _suite_verdict(mutant: Mutant, cwd: Path, env: dict[str, str], verdict_json: Path) -> Verdict:
    command = [sys.executable, "-m", "pytest", "tests/bdd", "-q", "-p", "no:cacheprovider"]
    env = {**env, VERDICT_JSON_ENV: str(verdict_json)}
    status, output = _run(command, cwd, env, SUITE_TIMEOUT)
    if status is None:
        return Verdict(True, error=f"timeout after {SUITE_TIMEOUT} s", named=False)
    blamed = blamed_rules(output, verdict_json)
    error = None if status in (0, 1) else f"pytest exit {status}"
    return Verdict(status != 0, error=error, blamed=blamed, named=mutant.rule in blamed)


@contextmanager
def served(tree: Path) -> Iterator[str | None]:
    """The mutated engine behind the driver protocol (`billing-sim serve` in its copy): its URL,
    or None when it would not start."""
    server = subprocess.Popen(
        [_script("billing-sim"), "serve", "--port", "0"], cwd=tree, env=mutant_env(tree),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        url = None
        assert server.stdout is not None
        for line in server.stdout:  # ends when the server exits
            if line.startswith("engine: "):
                url = line.removeprefix("engine: ").strip()
                break
        # what it prints later must not fill the pipe and stall it
        threading.Thread(target=server.stdout.read, daemon=True).start()
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def features_oracle(mutant: Mutant, tree: Path, scratch: Path) -> Verdict:
    """The suite of the pristine tree against the mutant served, as another team's engine."""
    with served(tree) as url:
        if url is None:
            return Verdict(True, error="the mutated engine did not start", named=False)
        env = {**pristine_env(), ENGINE_URL_ENV: url}
        return _suite_verdict(mutant, REPO, env, scratch / "verdict-served.json")


def in_process_oracle(mutant: Mutant, tree: Path, scratch: Path) -> Verdict:
    """The suite of the mutated tree, its engine in process."""
    return _suite_verdict(mutant, tree, mutant_env(tree), scratch / "verdict-in-process.json")


def invariants_oracle(mutant: Mutant, tree: Path, scratch: Path) -> Verdict:
    """The bundled scenarios but the large one, on the mutated tree, until one kills: exit 1
    (an invariant failed) or 3 (an internal error)."""
    failing: dict[str, int] = {}
    for scenario in sorted((tree / "scenarios").glob("*.yaml")):
        if scenario.name in SKIPPED_SCENARIOS:
            continue
        command = [
            _script("billing-sim"), "run", str(scenario), "--transport", "direct", "--quiet",
            "--out", str(scratch / "runs" / scenario.stem),
        ]  # fmt: skip
        status, _ = _run(command, tree, mutant_env(tree), RUN_TIMEOUT)
        if status != 0:
            failing[scenario.stem] = -1 if status is None else status
        if status in (1, 3, None):
            break  # killed: the other runs would take time and change nothing
    killed = any(status in (1, 3, -1) for status in failing.values())
    odd = sorted(f"{name}: exit {status}" for name, status in failing.items() if status != 1)
    return Verdict(killed, error="; ".join(odd) or None, failing=failing)


def baselines_oracle(mutant: Mutant, tree: Path, scratch: Path) -> Verdict:
    command = [_script("billing-sim"), "baseline", "check", "--dir", "baselines/"]
    status, _ = _run(command, tree, mutant_env(tree), RUN_TIMEOUT)
    if status is None:
        return Verdict(True, error=f"timeout after {RUN_TIMEOUT} s")
    return Verdict(status == 1, error=None if status in (0, 1) else f"exit {status}")


_ORACLE_RUNS = {
    "features": features_oracle,
    "in_process": in_process_oracle,
    "invariants": invariants_oracle,
    "baselines": baselines_oracle,
}


# --- one mutant, then all ----------------------------------------------------------------


@dataclass
class Result:
    mutant: Mutant
    #: why the patch does not apply to the current tree, if it does not
    unapplied: str | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    seconds: float = 0.0


def run_mutant(mutant: Mutant, oracles: Sequence[str]) -> Result:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as temp:
        tree, scratch = Path(temp) / "tree", Path(temp) / "scratch"
        scratch.mkdir()
        copy_tree(tree)
        problem = git_apply(tree, mutant.path)
        if problem is not None:
            return Result(mutant, unapplied=problem)
        check_imports(tree)
        result = Result(mutant)
        for oracle in oracles:
            begun = time.monotonic()
            verdict = _ORACLE_RUNS[oracle](mutant, tree, scratch)
            verdict.seconds = round(time.monotonic() - begun, 1)
            result.verdicts[oracle] = verdict
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _mark(verdict: Verdict | None) -> str:
    if verdict is None:
        return "."
    if not verdict.killed:
        return "-"
    return "error" if verdict.error else "killed"


_COLUMNS = ("features", "named", "in_process", "invariants", "baselines")


def row(result: Result, width: int) -> str:
    head = f"{result.mutant.name:<{width}} {result.mutant.rule:<9}"
    if result.unapplied is not None:
        return f"{head} DOES NOT APPLY: {result.unapplied.splitlines()[0]}"
    verdicts = result.verdicts
    features = verdicts.get("features")
    named = "." if features is None else ("yes" if features.named else "no")
    marks = [
        _mark(features),
        named,
        *(_mark(verdicts.get(oracle)) for oracle in ("in_process", "invariants", "baselines")),
    ]
    return head + "".join(f" {mark:<11}" for mark in marks) + f" {result.seconds:>6.1f}s"


@dataclass(frozen=True)
class Score:
    oracle: str
    killed: int
    total: int
    survivors: list[str]
    errors: list[str]
    named: int | None = None  # the features only

    def share(self, count: int) -> str:
        return f"{count}/{self.total} ({100 * count / self.total:.1f}%)" if self.total else "0/0"


def scores(results: Sequence[Result], oracles: Sequence[str]) -> list[Score]:
    applied = [r for r in results if r.unapplied is None]
    out = []
    for oracle in oracles:
        verdicts = [(r.mutant.name, r.verdicts[oracle]) for r in applied]
        out.append(
            Score(
                oracle,
                killed=sum(v.killed for _, v in verdicts),
                total=len(verdicts),
                survivors=[name for name, v in verdicts if not v.killed],
                errors=[f"{name} ({v.error})" for name, v in verdicts if v.error],
                named=sum(bool(v.named) for _, v in verdicts) if oracle == "features" else None,
            )
        )
    return out


def missed_targets(set_scores: Sequence[Score]) -> list[str]:
    """The targets a whole set's scores miss (only those of the oracles that ran)."""
    by_oracle = {score.oracle: score for score in set_scores}
    checks = []
    if (features := by_oracle.get("features")) is not None:
        assert features.named is not None
        checks += [("features killed", features.killed, features.total)]
        checks += [("features named", features.named, features.total)]
    if (invariants := by_oracle.get("invariants")) is not None:
        checks += [("invariants killed", invariants.killed, invariants.total)]
    return [
        f"{target}: {count}/{total}, target {float(TARGETS[target]):.0%}"
        for target, count, total in checks
        if total and Fraction(count, total) < TARGETS[target]
    ]


def report(
    results: Sequence[Result], oracles: Sequence[str], whole_sets: bool, out: Any = sys.stdout
) -> dict[str, Any]:
    """Print the table, then per set each oracle's score and survivors; the JSON report's
    content, with the targets missed."""
    width = max((len(r.mutant.name) for r in results), default=10)
    print(
        f"\n{'mutant':<{width}} {'rule':<9}"
        + "".join(f" {column:<11}" for column in _COLUMNS)
        + "   time",
        file=out,
    )
    for result in results:
        print(row(result, width), file=out)
    summary: dict[str, Any] = {"sets": {}, "missed": [], "unapplied": []}
    for set_name in dict.fromkeys(r.mutant.set for r in results):
        members = [r for r in results if r.mutant.set == set_name]
        set_scores = scores(members, oracles)
        missed = missed_targets(set_scores) if whole_sets else []
        print(f"\n{set_name}: {len(members)} mutants", file=out)
        for score in set_scores:
            line = f"  {score.oracle:<11} killed {score.share(score.killed)}"
            if score.named is not None:
                line += f", rule named {score.share(score.named)}"
            print(line, file=out)
            print(f"    survivors: {', '.join(score.survivors) or 'none'}", file=out)
            if score.errors:
                print(f"    killed by an error: {', '.join(score.errors)}", file=out)
        for miss in missed:
            print(f"  TARGET MISSED {miss}", file=out)
        summary["sets"][set_name] = {score.oracle: asdict(score) for score in set_scores}
        summary["missed"] += [f"{set_name}: {miss}" for miss in missed]
    summary["unapplied"] = [r.mutant.name for r in results if r.unapplied is not None]
    for name in summary["unapplied"]:
        print(f"\nDOES NOT APPLY to the current tree: {name}", file=out)
    return summary


def _jsonable(result: Result) -> dict[str, Any]:
    return {
        "mutant": result.mutant.name,
        "set": result.mutant.set,
        "rule": result.mutant.rule,
        "bug": result.mutant.bug,
        "unapplied": result.unapplied,
        "seconds": result.seconds,
        "verdicts": {oracle: asdict(verdict) for oracle, verdict in result.verdicts.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulator.mutants",
        description="Apply each mutant of mutants/ to a copy of the tree and run the oracles.",
    )
    parser.add_argument(
        "-k", dest="names", action="append", default=[], metavar="NAME",
        help="run only the mutants whose name contains NAME (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--oracle", action="append", choices=ORACLES, default=[],
        help="run only this oracle (repeatable; default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--set", dest="sets", action="append", choices=list(SETS), default=[],
        help="run only this set (repeatable; default: both)",
    )  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2, help="mutants at once (default 2)")
    parser.add_argument("--json", type=Path, default=REPO / "reports" / "mutants.json")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    oracles = [oracle for oracle in ORACLES if oracle in args.oracle] or list(ORACLES)
    try:
        mutants = catalogue(args.sets or SETS)
    except CatalogueError as bad:
        print(bad, file=sys.stderr)
        return 2
    chosen = [m for m in mutants if not args.names or any(n in m.name for n in args.names)]
    if not chosen:
        print("no mutant matches", file=sys.stderr)
        return 2
    started = time.monotonic()
    print(f"{len(chosen)} mutants, oracles {', '.join(oracles)}, {args.jobs} at once")

    done: list[Result] = []
    lock = threading.Lock()

    def one(mutant: Mutant) -> Result:
        result = run_mutant(mutant, oracles)
        with lock:  # each result reaches the JSON report at once: a run cut short keeps them
            print(row(result, 40), flush=True)
            done.append(result)
            _write_json(args.json, done, {"complete": False, "jobs": args.jobs, "oracles": oracles})
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, interleaved(chosen)))
    wall = round(time.monotonic() - started, 1)
    results.sort(key=lambda result: (list(SETS).index(result.mutant.set), result.mutant.name))
    summary = report(results, oracles, whole_sets=len(chosen) == len(mutants))
    print(f"\nwall time {wall:.0f} s ({wall / 60:.1f} min), {args.jobs} at once")
    head = {"complete": True, "wall_seconds": wall, "jobs": args.jobs, "oracles": oracles}
    _write_json(args.json, results, {**head, **summary})
    print(f"written {args.json}")
    return 1 if summary["missed"] or summary["unapplied"] else 0


def interleaved(mutants: Sequence[Mutant]) -> list[Mutant]:
    """The sets mixed in proportion (a mutant's place in its set, as a share of the set), so
    that a run cut short has scored some of each."""
    sizes = {name: sum(m.set == name for m in mutants) for name in SETS}
    place: dict[str, int] = {}

    def share(mutant: Mutant) -> Fraction:
        place[mutant.set] = place.get(mutant.set, 0) + 1
        return Fraction(place[mutant.set], sizes[mutant.set] + 1)

    return [m for _, m in sorted(((share(m), m) for m in mutants), key=lambda pair: pair[0])]


def _write_json(path: Path, results: Sequence[Result], head: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {**head, "mutants": [_jsonable(result) for result in results]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
