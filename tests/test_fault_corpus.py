"""The corpus of bad input and faults (tests/faults/cases.py), each run as ``docgen build``
of the Word files on a copy of the small two-pairing programme, over the outputs of an
earlier valid run. Each case must keep the promise of issue 11."""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from docgen.incremental.record import PREFIX as RECORD_PREFIX
from docgen.output_tree import STALE
from tests.faults.cases import CASES, Case, Ctx
from tests.helpers import PROBLEM_LINE, run

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop

KIND = ("-k", "pairing_plan")
"""One document per pairing keeps the corpus fast; the faults are in the input, not the kind."""

_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    """Every file and folder this process opens while a case runs (an audit hook stays for
    good, so it records only when ``_opened`` is a list)."""
    if (_opened is not None and event in ("open", "os.listdir", "os.scandir") and args
            and isinstance(args[0], (str, bytes, os.PathLike))):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)


def _digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(RECORD_PREFIX)}


@pytest.fixture(scope="session")
def reference(small_source, tmp_path_factory):
    """The small programme built once, valid: (its out/ folder, the digest of every file)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    work = tmp_path_factory.mktemp("reference-src") / "gaotai"
    shutil.copytree(small_source, work)
    result = run("build", work, "-o", out, *KIND)
    assert result.returncode == 0, result.stderr
    return out, _digests(out)


def _outside(tmp_path: Path, root: Path) -> Path:
    """Files beside the programme a mutation may point at; none of them may ever be read."""
    outside = tmp_path / "outside"
    shutil.copytree(root / "pairings", outside / "pairings")
    shutil.copy(root / "pairings" / "guoqing.yaml", outside / "pairing.yaml")
    shutil.copy(root / "programme.yaml", outside / "programme.yaml")
    shutil.copy(root / "seals" / "sample-school.png", outside / "seal.png")
    (outside / "evidence.txt").write_text("证明材料")
    return outside


def _owner(relative: str) -> str:
    """The pairing an output file belongs to ("" for the programme's own)."""
    parts = relative.split("/")
    return parts[1] if len(parts) > 2 else ""


LEFTOVER = (".tmp-", ".~lock.")


def victims_of(case: Case) -> set[str]:
    return set(case.victim.split("|")) if case.victim not in ("", "*") else set()


def _moved_aside(after: dict[str, str]) -> dict[str, str]:
    """Files the cleaner moved into <programme>/过期/<date>/, by their path before, and out of ``after``."""
    moved = {}
    for relative in [r for r in after if r.split("/")[1:2] == [STALE]]:
        parts = relative.split("/")
        digest = after.pop(relative)
        if parts[-1] != "说明.txt":
            moved["/".join([parts[0], *parts[3:]])] = digest
    return moved


def _check_outputs(case: Case, out: Path, before: dict[str, str]) -> None:
    after = _digests(out)
    moved = _moved_aside(after)
    for relative, digest in moved.items():  # nothing is deleted: what went out of date is moved aside, whole
        assert before.get(relative) == digest, f"moved aside, yet not an earlier output: {relative}"
        assert case.victim == "*" or _owner(relative) in victims_of(case), f"moved aside, yet not out of date: {relative}"
    victims = victims_of(case)
    for relative, digest in before.items():
        if case.victim == "*":
            assert relative not in after, f"stale: {relative}"
            assert relative in moved, f"stale, yet not moved aside: {relative}"
        elif _owner(relative) not in victims:
            assert after.get(relative) == digest, f"lost or changed: {relative}"
    for relative in after:
        name = relative.rsplit("/", 1)[-1]
        assert not name.startswith(LEFTOVER) and not (name.startswith("lu") and name.endswith(".tmp")), relative
        assert relative in before or _owner(relative) in victims or relative in case.kept, f"foreign: {relative}"
    for relative in case.kept:
        assert relative in after, f"not docgen's, yet removed: {relative}"
    made = [r for r in after if _owner(r) in victims and r not in case.kept]
    if victims:
        assert bool(made) != case.rejected, f"{case.victim}: {made}"


def _check_message(case: Case, result) -> None:
    said = result.stdout + result.stderr
    assert "Traceback" not in said and "Error:" not in said, said
    assert case.words in said, said
    if case.unsaid:
        assert case.unsaid not in said, said
    if case.file:
        lines = [line for line in said.splitlines() if case.file in line and case.words in line]
        assert lines, said
        if case.field:
            matches = [m for m in map(PROBLEM_LINE.match, lines) if m and m["field"] == case.field]
            assert matches, lines
            assert int(matches[0]["line"]) > 0


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(case: Case, small_copy, reference, tmp_path, monkeypatch):
    global _opened
    out = tmp_path / "out"
    shutil.copytree(reference[0], out)
    ctx = Ctx(small_copy, out, _outside(tmp_path, small_copy), monkeypatch)
    case.mutate(ctx)
    _opened = []
    try:
        # --force: every document is written again, so a fault in writing is met (the build
        # record would otherwise skip the unchanged ones)
        result = run("build", small_copy, "-o", out, *KIND, "--force", *case.args)
    finally:
        read, _opened = _opened, None
    assert result.returncode == case.code, result.stdout + result.stderr
    _check_message(case, result)
    _check_outputs(case, out, reference[1])
    outside = os.path.realpath(ctx.outside)
    assert not [p for p in read if p == outside or p.startswith(outside + os.sep)], "read outside the programme"
