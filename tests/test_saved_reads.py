"""The reads a run saves for the next (``load.saved``): taken only from a file this user's
docgen wrote for the same code and folder, never unpickled otherwise; what cannot be used or
written is simply not, and the data files are read as if nothing were saved."""
from __future__ import annotations

import os
import pickle
import stat
import zlib

import pytest

from docgen import pipeline
from docgen.authoring.specimen import write_specimen
from docgen.load import folder as folder_module
from docgen.load import load_programme, saved
from docgen.options import Options
from docgen.output_tree import OutputTree


@pytest.fixture
def secret_home(tmp_path, monkeypatch):
    """A cache folder of this test's own, for the user's secret."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    saved._secret.cache_clear()
    yield tmp_path / "cache"
    saved._secret.cache_clear()


@pytest.fixture
def programme(tmp_path):
    return write_specimen(tmp_path / "data" / "demo", 3)


def _loaded_reading(root, file, monkeypatch) -> tuple[object, list[str]]:
    """A load that may take the reads saved in ``file``, and the data files it read."""
    read: list[str] = []
    parse = folder_module.parse

    def counted(path, text):
        read.append(path.name)
        return parse(path, text)

    monkeypatch.setattr(folder_module, "parse", counted)
    loaded = load_programme(root, once=True, saved=file)
    monkeypatch.setattr(folder_module, "parse", parse)
    return loaded, read


def test_the_secret_is_the_users_alone_and_a_second_load_reads_nothing(secret_home, programme, tmp_path, monkeypatch):
    file = tmp_path / "out" / ".docgen-build.reads"
    _, first = _loaded_reading(programme, file, monkeypatch)
    assert len(first) == 1 + 3 + 3  # the programme, the pairings, their activity records
    key = secret_home / "docgen" / "reads.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    written = file.stat().st_mtime_ns
    _, second = _loaded_reading(programme, file, monkeypatch)
    assert second == [] and file.stat().st_mtime_ns == written  # nothing changed: nothing written


def test_a_file_changed_or_written_by_another_is_never_unpickled(secret_home, programme, tmp_path, monkeypatch):
    file = tmp_path / "out" / ".docgen-build.reads"
    _loaded_reading(programme, file, monkeypatch)
    raw = bytearray(file.read_bytes())
    # a pickle that would leave a mark if it were ever unpickled, in place of a read
    marker = tmp_path / "unpickled"
    evil = zlib.compress(pickle.dumps(_Mark(str(marker))))  # (a read is compressed: so is this)
    first = len(saved._MAGIC) + 32  # the first read: the programme file's
    raw[first:first + len(evil)] = evil
    file.write_bytes(bytes(raw))
    loaded, read = _loaded_reading(programme, file, monkeypatch)
    assert not marker.exists()
    assert "programme.yaml" in read and len(loaded.pairings) == 3
    # the same file under another user's secret: nothing is taken from it
    _loaded_reading(programme, file, monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another"))
    saved._secret.cache_clear()
    _, read = _loaded_reading(programme, file, monkeypatch)
    assert len(read) == 7


class _Mark:
    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_reads_of_other_code_or_another_folder_are_not_taken(secret_home, programme, tmp_path, monkeypatch):
    file = tmp_path / "out" / ".docgen-build.reads"
    _loaded_reading(programme, file, monkeypatch)
    monkeypatch.setattr(saved, "_code", lambda: b"another version of docgen")
    _, read = _loaded_reading(programme, file, monkeypatch)
    assert len(read) == 7
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(secret_home))
    moved = programme.rename(programme.parent / "moved")
    _, read = _loaded_reading(moved, file, monkeypatch)
    assert len(read) == 7


def test_no_secret_or_no_room_saves_nothing_and_loads_the_same(tmp_path, programme, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the secret cannot be made under a file
    saved._secret.cache_clear()
    try:
        file = tmp_path / "out" / ".docgen-build.reads"
        loaded, read = _loaded_reading(programme, file, monkeypatch)
        assert len(read) == 7 and len(loaded.pairings) == 3 and not file.exists()
    finally:
        saved._secret.cache_clear()


def test_a_load_cut_short_saves_nothing(secret_home, programme, tmp_path, monkeypatch):
    file = tmp_path / "out" / ".docgen-build.reads"

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(folder_module, "_load_activities", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_programme(programme, once=True, saved=file)
    assert not file.exists() and not [p for p in file.parent.iterdir() if p.name.startswith(".tmp-")]


def test_a_run_after_another_reads_only_the_file_edited_since(secret_home, programme, tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.build(programme.parent, out, Options(kinds=("agreement",)))
    file = OutputTree(out).saved_reads("demo")
    assert file.is_file() and not OutputTree(out).is_docgen_output(file)
    read: list[str] = []
    parse = folder_module.parse
    monkeypatch.setattr(folder_module, "parse", lambda path, text: (read.append(path.name), parse(path, text))[1])
    (programme / "pairings" / "p002.yaml").write_text(
        (programme / "pairings" / "p002.yaml").read_text(encoding="utf-8").replace("提升薄弱学科质量。", "提升数学学科质量。"),
        encoding="utf-8")
    os.utime(programme / "pairings" / "p002.yaml", ns=(1, 2))  # (an edit need not move the time forward)
    again = pipeline.build(programme.parent, out, Options(kinds=("agreement",)))
    assert read == ["p002.yaml"] and {d.job.pairing_id for d in again.documents} == {"p002"}


def test_a_disk_full_while_saving_loses_nothing(secret_home, programme, tmp_path, monkeypatch):
    """A save that fails half-way (the disk full) leaves no file, not even a temporary one,
    and the load is whole; the next run reads every file and saves them."""
    file = tmp_path / "out" / ".docgen-build.reads"
    real = os.fdopen

    class Full:
        def __init__(self, handle):
            self.file, self.written = real(handle, "wb"), 0

        def write(self, data):
            self.written += len(data)
            if self.written > 2_000:
                raise OSError(28, "No space left on device")
            return self.file.write(data)

        def tell(self):
            return self.file.tell()

        def close(self):
            self.file.close()

    assert saved._secret() is not None  # (made before the disk fills)
    monkeypatch.setattr(saved.os, "fdopen", lambda handle, mode: Full(handle))
    loaded, read = _loaded_reading(programme, file, monkeypatch)
    assert len(read) == 7 and len(loaded.pairings) == 3
    assert not file.exists() and list(file.parent.iterdir()) == []
    monkeypatch.setattr(saved.os, "fdopen", real)
    _, read = _loaded_reading(programme, file, monkeypatch)
    assert len(read) == 7 and file.exists()
    _, read = _loaded_reading(programme, file, monkeypatch)
    assert read == []
    # full again while the reads taken are copied into the next file: the last file stays
    edited = programme / "pairings" / "p003.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nremark: 改\n", encoding="utf-8")
    before = file.read_bytes()
    monkeypatch.setattr(saved.os, "fdopen", lambda handle, mode: Full(handle))
    _, read = _loaded_reading(programme, file, monkeypatch)
    assert read == ["p003.yaml"] and file.read_bytes() == before
    assert [p.name for p in file.parent.iterdir()] == [file.name]
