"""Fixtures: programme folders to write into, one converter pool for the whole session, and
the outputs of data/ made once and read by many tests."""
from __future__ import annotations

import sys

# Compiled test modules (with pytest's assertions rewritten) and docgen's own are cached in
# __pycache__/ (ignored by git) even where PYTHONDONTWRITEBYTECODE is set: rewriting every
# test module's assertions anew costs about 5 s of each run, more than half the time pytest
# takes to collect
sys.dont_write_bytecode = False

import contextlib
import functools
import gc
import hashlib
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import DATA, HARD, MINI_PAIRING, MINI_PROGRAMME, ROOT, run

if TYPE_CHECKING:
    from docgen import pipeline
    from docgen.convert import Pool

# docgen itself is imported by the fixtures that use it, not here: pytest-xdist's controller
# process reads this file too, before it starts the processes that run the tests, and never
# runs a test itself (importing docgen there cost 0.5 s of every run's start)

GARBAGE_EVERY = 30000
"""Objects allocated (and not freed) between two collections of the youngest generation of
Python's garbage collector in the suite's processes: about forty times Python's 700. A test run builds
and reads thousands of documents (lxml, YAML, pydantic: millions of short-lived objects), and
with Python's threshold the collector ran 2,600 times and walked every long-lived object 15
times in a run of the inner loop (1.9 s of the collector's CPU, 1.2 s of it in those 15 full
collections); with this one, 170 times and 3 full (1.0 s). Measured with a gc.callbacks probe,
-n 0, two runs each: the tests' CPU 27.5/26.8 -> 26.2/25.5 s. Over the whole suite (a
gc.callbacks probe in each of the two processes), 7000 made 423/36/17 and 395/35/4
collections of the three generations (6.3 s of the collector in each process); 30000 made
66/5/12 and 103/9/6 (3.6 and 4.8 s). What is garbage is still collected, only in larger
batches; no test measures the memory of its own process."""
gc.set_threshold(GARBAGE_EVERY, *gc.get_threshold()[1:])

MEMORY = Path("/dev/shm")
"""A file system in memory, where there is one: the tests' temporary folders go there."""
ROOM = 2 * 2**30
"""What the memory file system must have free for the tests' folders (a run keeps up to about
600 MB of its last three runs'): a container's /dev/shm is often only 64 MB."""


def _roomy(folder: Path) -> bool:
    try:
        return folder.is_dir() and os.access(folder, os.W_OK) and shutil.disk_usage(folder).free >= ROOM
    except OSError:
        return False


if "PYTEST_DEBUG_TEMPROOT" not in os.environ and _roomy(MEMORY):
    # The suite writes and removes tens of thousands of files (programme copies, Word files,
    # bundles), and pytest removes the folders of older runs when a run ends, whoever made
    # them: on this disk under load that took up to 24 s of a run, in memory a fifth of a
    # second. Each checkout has its own root, so a run only ever removes its own older runs
    # (pytest keeps the last three; a folder a running session still uses is never removed).
    os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY / f"docgen-tests-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]}")
    Path(os.environ["PYTEST_DEBUG_TEMPROOT"]).mkdir(mode=0o700, exist_ok=True)


def has_libreoffice() -> bool:
    return any(Path(p).exists() for p in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"))


needs_libreoffice = pytest.mark.libreoffice
"""A test that converts with LibreOffice: marked ``libreoffice`` (and so ``slow``), skipped
where LibreOffice is not installed (see ``pytest_collection_modifyitems``)."""

BUNDLING = ("example_bundles", "gaotai_bundles", "hard_bundles", "data_pdfs")
"""Session fixtures that bundle with LibreOffice: a test that uses one converts too."""

WHOLE = ("built", "built_outcome")
"""Session fixtures that build whole programmes (seconds, without LibreOffice): slow."""


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    """The markers follow from what a test uses: one that bundles converts with LibreOffice;
    one that converts or drives a browser is ``slow`` (``pytest -m "not slow"`` is the inner
    loop; ``bash scripts/test.sh`` runs everything)."""
    missing = pytest.mark.skip(reason="LibreOffice is installed by scripts/setup.sh")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
        fixtures = getattr(item, "fixturenames", ())
        if any(name in fixtures for name in BUNDLING):
            item.add_marker(pytest.mark.libreoffice)
        if any(name in fixtures for name in WHOLE):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("libreoffice") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("libreoffice") and not has_libreoffice():
            item.add_marker(missing)
        if config.getoption("loadgroup", False):  # (set in pytest-xdist's processes, whose own "dist" is "no")
            _put_in_group(item, _group(item, fixtures))
    if config.getoption("loadgroup", False):
        items.sort(key=_first_the_longest)


def _first_the_longest(item) -> int:
    """Where a test is handed out when pytest-xdist spreads the suite (``--dist loadgroup``
    hands out groups in the order the tests come): the browser's and LibreOffice's first,
    the many short ones after, to fill in. Handed out last, the browser's tests (14 s) kept
    one process busy while the other had nothing left to do. (A stable sort: the order within
    each class is the collection's; run in one process, the order is the collection's.)"""
    if item.get_closest_marker("browser"):
        return 0
    return 1 if item.get_closest_marker("libreoffice") else 2


def pytest_xdist_auto_num_workers(config):
    """How many processes ``-n auto`` (pyproject.toml's addopts) spreads a run over: one per
    core, up to four, for a run of the suite or of folders of it (``pytest``, ``pytest -m "not
    slow"``, CI); none for a run of named test files or tests, which two processes would only
    slow down (each imports docgen and collects before the first test). ``-n 0`` runs in this
    process, ``-n 2`` in two, whatever is named; PYTEST_XDIST_AUTO_NUM_WORKERS decides too."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own reading of it
    if any("::" in arg or arg.endswith(".py") for arg in config.args):
        return 0
    cores = len(os.sched_getaffinity(0))
    return min(cores, 4) if cores >= 2 else 0


WHOLLY_SLOW = re.compile(r"^pytestmark = (pytest\.mark\.slow|needs_libreoffice)\b", re.MULTILINE)
"""A test module whose every test is slow says so in one line at its top."""


def pytest_ignore_collect(collection_path: Path, config):
    """In the inner loop (``-m "not slow"``, exactly) the modules whose every test is slow, and
    the browser tests, are not even imported: every test of theirs would be deselected after
    it was collected (a fifth of the time collecting takes)."""
    if config.getoption("markexpr") != "not slow":
        return None
    if collection_path == ROOT / "tests" / "browser":
        return True
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_") \
            and WHOLLY_SLOW.search(collection_path.read_text("utf-8")):
        return True
    return None


SHARED = {"built": "examples", "built_outcome": "examples", "examples": "examples", "example_bundles": "examples", "gaotai_bundles": "gaotai",
          "hard_bundles": "hard"}
"""Session fixtures that take seconds to make, and the group of tests that shares each one."""


def _put_in_group(item, group: str) -> None:
    """What pytest-xdist does with an ``xdist_group`` mark: the group after an ``@`` at the end of
    the test's id, where ``--dist loadgroup`` reads it. pytest-xdist 3.8 still writes the id
    where pytest before 9.2 kept it (``_nodeid``); since 9.2 pytest keeps it in ``_id``, and
    the mark alone leaves every test in a group of its own."""
    tagged = f"{item.nodeid}@{group}"
    if hasattr(item, "_id"):
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(tagged)
    else:
        item._nodeid = tagged
    assert item.nodeid == tagged, item.nodeid


def _group(item, fixtures) -> str:
    """Where a test runs when pytest-xdist spreads the suite over processes (``--dist
    loadgroup``): the tests of one costly session fixture together, so that it is made once
    and not once per process; every other test with its module, whose module fixtures are then
    made once too."""
    for name, group in SHARED.items():
        if name in fixtures:
            return group
    return item.nodeid.split("::", 1)[0]


WORKER = os.environ.get("PYTEST_XDIST_WORKER")
"""This process's name when pytest-xdist runs the suite in several (``-n 2``), else None."""


@pytest.fixture(scope="session")
def converters():
    """The session's converter pool (two warm LibreOffice processes; one in each of
    pytest-xdist's processes, which run side by side), started on first use."""
    if not has_libreoffice():
        yield None
        return
    from docgen.convert import Pool

    pool = Pool(jobs=1 if WORKER else 2, timeout=120)
    yield pool
    pool.close()


def reusing(pool: Pool):
    """A stand-in for ``pipeline.open_pool`` that hands out ``pool`` and leaves it open."""

    @contextlib.contextmanager
    def open_pool(jobs, timeout):
        pool.timeout = timeout
        yield pool

    return open_pool


@pytest.fixture(autouse=True)
def shared_pool(converters, monkeypatch):
    """Every run of the pipeline in a test converts with the session's pool, warm from the
    first conversion on, instead of starting LibreOffice anew."""
    if converters is not None:
        from docgen import pipeline

        monkeypatch.setattr(pipeline, "open_pool", reusing(converters))


@functools.cache
def _real_hasher():
    """docgen's own ``accounts._hasher``, read before any test replaces it."""
    from docgen.serve import accounts

    return accounts._hasher


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch):
    """Accounts hash passwords with Argon2id at the lowest cost in tests (8 KiB, one pass: 0.1 ms
    instead of 64 MiB and 0.2 s of a core for each hash and each check): what the tests of accounts
    assert is who may log in, when and what they are told, never how long a hash takes. The cost
    docgen uses is checked by a test that asks for ``real_passwords``."""
    from argon2 import PasswordHasher, profiles

    from docgen.serve import accounts

    _real_hasher()
    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
def quick_lock_poll(monkeypatch):
    """A run waiting for another's lock on a programme folder looks again every 20 ms instead
    of every second (``output_tree.WAIT_POLL``): a test that makes one run wait for another
    then waits for the release, not for the rest of a second after it."""
    from docgen import output_tree

    monkeypatch.setattr(output_tree, "WAIT_POLL", 0.02)


@pytest.fixture
def real_passwords(monkeypatch):
    """Passwords hashed at docgen's own cost (RFC 9106's low-memory profile)."""
    from docgen.serve import accounts

    monkeypatch.setattr(accounts, "_hasher", _real_hasher())


@pytest.fixture
def make_programme(tmp_path):
    """Write a programme folder from YAML strings; returns its path."""

    def make(programme: str = MINI_PROGRAMME, pairings: dict[str, str | bytes] | None = None) -> Path:
        root = tmp_path / "prog"
        (root / "pairings").mkdir(parents=True, exist_ok=True)
        (root / "programme.yaml").write_text(textwrap.dedent(programme), encoding="utf-8")
        for name, body in (pairings if pairings is not None else {"p1": MINI_PAIRING}).items():
            path = root / "pairings" / f"{name}.yaml"
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body), encoding="utf-8")
        return root

    return make


@pytest.fixture
def example_copy(tmp_path):
    """A writable copy of one example programme."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(DATA / name, target)
        return target

    return copy


SMALL_PAIRINGS = ("sanzhong", "guoqing")
"""The pairings of the small programme: one recipient with activity records, and two recipients."""


@pytest.fixture(scope="session")
def small_source(tmp_path_factory):
    """data/gaotai-2020 cut down to two pairings (see ``SMALL_PAIRINGS``), made once. It asks its
    pairings for agreements too, which the example does not (its seed has none), so that the
    tests of agreements, their seals and their file names have some."""
    root = tmp_path_factory.mktemp("small") / "gaotai"

    def ignore(folder: str, names: list[str]) -> list[str]:
        kept = {f"{p}.yaml" for p in SMALL_PAIRINGS} | set(SMALL_PAIRINGS)
        if Path(folder).name in ("pairings", "2020", "evidence"):
            return [n for n in names if n not in kept]
        return []

    shutil.copytree(DATA / "gaotai-2020", root, ignore=ignore)
    programme = root / "programme.yaml"
    text = programme.read_text("utf-8")
    assert "documents: [pairing_plan," in text
    programme.write_text(text.replace("documents: [pairing_plan,", "documents: [pairing_plan, agreement,"), "utf-8")
    return root


@pytest.fixture
def small_copy(small_source, tmp_path):
    """A writable copy of the small two-pairing programme, in ``tmp_path/gaotai``."""
    return Path(shutil.copytree(small_source, tmp_path / "gaotai"))


@pytest.fixture
def county(small_copy) -> Path:
    """The small programme's data folder with a county's accounts (``serve_helpers.COUNTY``)."""
    from tests.serve_helpers import add_county

    add_county(small_copy.parent)
    return small_copy.parent


@pytest.fixture
def county_app(county, tmp_path, converters):
    """The workspace over ``county``, its outputs in ``tmp_path/out``."""
    from docgen.serve.app import create_app

    return create_app(county, tmp_path / "out", pool=converters, warm=False)


@pytest.fixture
def signed_in(county_app):
    """``signed_in(name)``: a client of ``county_app`` signed in as that account (closed after the test)."""
    from tests.serve_helpers import signing

    with signing(county_app) as make:
        yield make


@pytest.fixture(scope="session")
def built_outcome(tmp_path_factory, examples) -> tuple[Path, pipeline.Outcome]:
    """Every Word file of data/ (large programmes sampled), made once by ``docgen build``, and
    what the pipeline said it made (the outcome the command printed from)."""
    from docgen import pipeline

    out = tmp_path_factory.mktemp("built")
    outcomes: list[pipeline.Outcome] = []
    real = pipeline.build

    def build(*args, **kwargs):
        outcomes.append(real(*args, **kwargs))
        return outcomes[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "build", build)
        result = run("build", examples, "-o", out)
    assert result.returncode == 0, result.stderr
    [outcome] = outcomes
    return out, outcome


@pytest.fixture(scope="session")
def built(built_outcome) -> Path:
    """Every Word file of data/ (large programmes sampled), made once by ``docgen build``: the
    tests that read Word files do not wait for LibreOffice. Read it, never change it (the
    example bundles are made over a copy of it)."""
    return built_outcome[0]


def _bundle_once(tmp_path_factory, converters, source: str, start: Path | None = None):
    """``docgen bundle source`` with the session's pool, into a new folder (a copy of ``start``
    when given: Word files a build made there are found unchanged and not rendered again)."""
    if converters is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")
    from docgen import pipeline

    out = tmp_path_factory.mktemp("bundles")
    if start is not None:
        shutil.copytree(start, out, dirs_exist_ok=True)  # copy2: the build record's sizes and times hold
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "open_pool", reusing(converters))
        result = run("bundle", source, "-o", out)
    # 7: documents with fields the data leaves open (dates agreed by the pairs, …) are bundled
    # unsealed and listed as fields to fill; anything else is a failure
    assert result.returncode in (0, 7), result.stdout + result.stderr
    assert result.returncode == 0 or "待填写：" in result.stderr, result.stderr
    return out, result.stdout


SAMPLED = {"changsha-huaihua-2015": ("nc-01", "kg-01", "tj", "gz-01", "zz-01")}
"""Programmes too large to bundle whole on every test run, and the pairings that stand for them
(one of each stage, and the one supporter with two recipients). The README's main command
bundles them whole; tests/test_seeds.py builds and checks the whole programme's plan."""


@pytest.fixture(scope="session")
def examples(tmp_path_factory) -> Path:
    """A copy of data/ with the large programmes cut to their sample pairings."""
    root = tmp_path_factory.mktemp("examples")
    for programme in sorted(p.parent for p in DATA.glob("*/programme.yaml")):
        shutil.copytree(programme, root / programme.name)
        keep = SAMPLED.get(programme.name)
        for pairing in (root / programme.name / "pairings").glob("*.yaml") if keep else []:
            if pairing.stem not in keep:
                pairing.unlink()
    return root


@pytest.fixture(scope="session")
def example_bundles(tmp_path_factory, converters, examples, built):
    """The bundles of every programme in data/ (large ones sampled), made once over a copy of
    ``built``: (output folder, what was printed)."""
    return _bundle_once(tmp_path_factory, converters, str(examples), start=built)


def signed(root: Path, day: str = "2020-03-28") -> Path:
    """A programme's copy with every pairing's signing date written in, as a school does before it
    seals (the examples leave the date open, as their seeds do)."""
    for path in (root / "pairings").glob("*.yaml"):
        text = path.read_text("utf-8")
        assert "\nsigned_on:" not in text and "\nsupporter:" in text, path
        path.write_text(text.replace("\nsupporter:", f"\nsigned_on: {day}\nsupporter:", 1), "utf-8")
    return root


@pytest.fixture(scope="session")
def gaotai_bundles(tmp_path_factory, converters):
    """The bundles of data/gaotai-2020 once its schools have dated what they sign (see ``signed``):
    (bundles folder, what the command printed). Letters and summaries are sealed; each pairing plan
    keeps the fields its seed leaves to every pair (年度重点帮扶目标, 计划表) and is not."""
    root = tmp_path_factory.mktemp("signed") / "gaotai-2020"
    shutil.copytree(DATA / "gaotai-2020", root)
    out, stdout = _bundle_once(tmp_path_factory, converters, str(signed(root)))
    return out / "gaotai-2020" / "bundles", stdout


@pytest.fixture(scope="session")
def hard_bundles(tmp_path_factory, converters):
    """The bundles of tests/programmes/stress: a supporter with five recipients in five
    counties, two bureaus on each agreement, 30-40 character names with & < > " ' and
    characters outside GB2312, fifteen teacher pairs. (output folder, what was printed)."""
    out, stdout = _bundle_once(tmp_path_factory, converters, str(HARD))
    return out / "stress" / "bundles", stdout


@pytest.fixture(scope="session")
def data_pdfs(tmp_path_factory, converters):
    """``pdfs(programme, *options)``: what ``docgen build data/<programme> --pdf *options`` made
    (exit code and output folder), converted once for the session however many tests measure
    the same PDFs. Read it, never change it."""
    if converters is None:
        pytest.skip("LibreOffice is installed by scripts/setup.sh")
    from docgen import pipeline

    made: dict[tuple[str, ...], tuple[int, Path, str]] = {}

    def pdfs(programme: str, *options: str) -> tuple[int, Path, str]:
        key = (programme, *options)
        if key not in made:
            out = tmp_path_factory.mktemp("pdfs")
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(pipeline, "open_pool", reusing(converters))
                result = run("build", DATA / programme, "-o", out, "--pdf", *options)
            made[key] = result.returncode, out, result.stderr
        return made[key]

    return pdfs


STUB_WORKER = Path(__file__).resolve().parent / "stub_worker.py"


@pytest.fixture
def stub_converters(monkeypatch):
    """Pools made in this test start ``tests/stub_worker.py`` instead of LibreOffice: the
    pool's own mechanics (timeouts, kills, retries, interrupts) in milliseconds, without a
    cold start of LibreOffice for each test. What a conversion makes is tested with the
    session's real pool (``converters``)."""
    from docgen.convert import pool as convert

    monkeypatch.setattr(convert, "WORKER", STUB_WORKER)
    monkeypatch.setattr(convert, "find_soffice", lambda: "stub-office")
    monkeypatch.setattr(convert, "find_uno_python", lambda: sys.executable)


MYPY = [sys.executable, "-m", "mypy", "docgen"]
"""mypy over docgen/ as pyproject.toml configures it (its cache in .mypy_cache)."""
_MYPY_RUN = pytest.StashKey[subprocess.Popen]()


def pytest_collection_finish(session):
    """When ``tests/test_habits.py::test_mypy_finds_nothing`` is among the tests, mypy starts
    now, beside the other tests, instead of when its turn comes: without its cache (a fresh
    checkout, CI) it takes about 10 s of a core.

    And what collecting made and left alive (the modules imported, the tests and their marks:
    about 180,000 objects, all kept to the end of the run) is frozen once the garbage is
    collected (``gc.freeze``): the full collections Python makes while the tests run no longer
    walk them all again (measured: 0.5 s of the collector's time in each process)."""
    if WORKER is None and any(item.name == "test_mypy_finds_nothing" for item in session.items):
        # (in pytest-xdist's processes, each of which collects every test, mypy runs in its
        # turn, in the one process that runs its test)
        session.config.stash[_MYPY_RUN] = subprocess.Popen(MYPY, cwd=ROOT, stdout=subprocess.PIPE,
                                                           stderr=subprocess.STDOUT, text=True)
    if session.config.pluginmanager.has_plugin("hypothesispytest"):
        # hypothesis's plugin imports hypothesis when the run ends, if no test did: imported
        # after the freeze, it would not find the referrers of the random generators it is
        # handed (gc.get_referrers ignores frozen objects) and would warn that they are unused
        import hypothesis  # noqa: F401
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)  # after pytest's own last collection of garbage (unraisableexception)
def pytest_unconfigure(config):
    """A run stopped before mypy's test (``-x``, Ctrl-C) leaves no mypy behind. And what is still
    alive once the run is over is frozen (``gc.freeze``): pytest has just collected the garbage
    and reported what its finalizers raised, and a process of the suite holds about 750,000
    objects by then, which each later full collection walks again (pytest's cleanup, then
    several while Python shuts down): 1.2-1.5 s of every process's exit, which pytest-xdist's
    controller waits for before it ends."""
    process = config.stash.get(_MYPY_RUN, None)
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    gc.freeze()


@pytest.fixture
def mypy_says(request) -> tuple[int, str]:
    """mypy's exit status and what it printed: from the run started with the session, else
    from a run made now."""
    process = request.config.stash.get(_MYPY_RUN, None)
    if process is None:
        done = subprocess.run(MYPY, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return done.returncode, done.stdout
    output, _ = process.communicate()
    return process.returncode, output
