"""A load made once (the command line's) keeps each activity log as the text it was checked
from and reads it again when asked: the same logs, with the same places in their files, as
a load the workspace keeps, never all of them in memory at once, and never what the file
says after the load."""
from __future__ import annotations

import gc
import pickle

import pytest

from docgen.authoring.specimen import write_specimen
from docgen.load import load_all, load_programme
from docgen.load.activity_logs import ActivityLogs
from docgen.load.model.activity import ActivityLog
from docgen.load.origins import where

PAIRINGS = 12


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return write_specimen(tmp_path_factory.mktemp("logs") / "specimen", PAIRINGS)


def _places(log: ActivityLog) -> list:
    return [(where(r, "date"), where(r, "description"), where(r, "people", 0)) for r in log.records]


def test_once_gives_the_logs_a_kept_load_gives(root):
    [once] = load_all(root)
    kept = load_programme(root)
    assert once.reads is None and kept.reads is not None
    assert len(once.activities) == len(kept.activities) == PAIRINGS
    assert list(once.activities) == list(kept.activities)
    for key in kept.activities:
        a, b = once.activities[key], kept.activities[key]
        assert a is not b and a.model_dump(mode="json") == b.model_dump(mode="json"), key
        assert _places(a) == _places(b) and all(p[0] is not None for p in _places(a)), key


def test_once_holds_only_the_last_few_logs_read(root):
    [once] = load_all(root)
    gc.collect()
    assert _logs_alive(root) == 0  # each model let go once checked
    read = [once.activities[key] for key in once.activities]
    assert len(read) == PAIRINGS
    del read
    gc.collect()
    assert _logs_alive(root) == ActivityLogs.RECENT
    key = next(iter(once.activities))
    assert once.activity_log(*key) is once.activity_log(*key)  # read again once, then kept a while


def _logs_alive(root) -> int:
    """Activity logs alive in this process that were read from ``root`` (other tests' loads,
    kept by their fixtures, may be alive beside them)."""
    return sum(isinstance(o, ActivityLog) and o._origin is not None and o._origin.path.is_relative_to(root)
               for o in gc.get_objects())


def test_a_log_reads_as_it_was_checked_whatever_the_file_says_later(tmp_path):
    folder = write_specimen(tmp_path / "specimen", ActivityLogs.RECENT + 1)
    [once] = load_all(folder)
    key = ("p001", "2022")
    first = once.activities[key]
    before = first.model_dump(mode="json")
    path = folder / "activities" / "2022" / "p001.yaml"
    path.write_text("records: 不是列表\n", encoding="utf-8")  # would not even validate
    for other in once.activities:  # the others read: this log is no longer among the last read
        once.activities[other]
    again = once.activities[key]
    assert again is not first and again.model_dump(mode="json") == before


def test_the_roll_up_counts_the_same_from_texts(root):
    from docgen.activities.rollup import rollup

    [once] = load_all(root)
    kept = load_programme(root)
    assert rollup(once, "2022", as_of=None) == rollup(kept, "2022", as_of=None)


def test_years_of_a_pairing_and_a_copy(root):
    [once] = load_all(root)
    assert once.activities.years("p001") == ["2022"] and once.activities.years("nobody") == []
    copy = pickle.loads(pickle.dumps(once.activities))
    assert list(copy) == list(once.activities) and copy.years("p001") == ["2022"]
    assert copy["p001", "2022"].model_dump() == once.activities["p001", "2022"].model_dump()
    del copy["p001", "2022"]
    assert ("p001", "2022") not in copy and copy.years("p001") == []
