"""A programme's reads saved between runs: ``docgen bundle`` after ``docgen build`` (or any
second run) reads and checks again only the data files that changed since.

A load reuses the reads of an earlier load of the same folder for the files unchanged since
(``folder.Reads``; the workspace keeps its last load in memory). The command line starts a
new process each time, so the reads of its load are saved beside the build record
(``OutputTree.saved_reads``) and the next run takes them from there: at 5 000 pairings,
reading and checking the 10 000 data files took 15 s of every run (most of the 23.5 s a
shard's ``docgen bundle`` spent before its first bundle); taking them from here, 6–7 s.

A saved file holds the reads one after the other, each pickled and compressed, then their
index. A read is taken from the file only when its data file is found unchanged, one at a
time (a load holds no more than it would have read), and copied as it is into the next
file; a new one is written to the next file at once. Nothing is written when every data
file is as it was. A pairing's read refers to the programme's models it shares (the cycle
it adopted) by their place in the programme's model, and to the sets of written fields
that every model shares (``shared_fields``) by their names.

Unpickling runs code, so a read is unpickled only if it carries a keyed hash (HMAC) made
with a secret of this user's (``~/.cache/docgen/reads.key``, readable by the user alone),
over the read, its data file's name and that file's mark: a file written by anyone else,
or changed, is not unpickled, and the data files are read as if nothing were saved. Nor is
a file saved by another version of docgen (any of its sources), of Python, pydantic or
PyYAML, or for the folder reached by another path. None of this is a problem a user meets:
what cannot be used is not used, and the next save replaces it.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import io
import marshal
import os
import pickle
import secrets
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pydantic
import yaml
from pydantic import BaseModel

from .model.common import SharedFields, shared_fields
from .origins import Origin
from .yaml_source import Loc

Mark = tuple
"""A data file's size, times and inode (``folder.file_mark``): the same mark, the same content."""

_MAGIC = b"docgen reads 2\n"
_KEY_BYTES = _MAC_BYTES = _SECRET_BYTES = 32
_TRAILER = 8 + _MAC_BYTES
"""The index's length and keyed hash, at the end of a saved file."""
_PROGRAMME = ""
"""The name the programme file's read is kept under (no data file's path is empty)."""


@dataclass(frozen=True)
class _Entry:
    """Where one data file's read is in a saved file, and the keyed hash that vouches for it."""

    mark: Mark
    offset: int
    length: int
    mac: bytes


class SavedReads:
    """The reads the last run saved in ``file`` for the programme at ``root`` (none, when they
    may not be used), and this run's, saved there in turn by ``close``."""

    def __init__(self, file: Path, root: Path):
        self.file, self.secret, self.key = Path(file), _secret(), _key(Path(root))
        self.saving = self.secret is not None
        """Whether this run's reads are still to be saved (not after a failure to write them)."""
        self.source: BinaryIO | None = None
        self.earlier: dict[str, _Entry] = {}
        """The last run's reads that may still be taken."""
        self.saved_names: set[str] = set()
        """Every data file the last run's file has a read of."""
        self.pending: dict[str, _Entry] = {}
        """Reads taken from the last run's file, to copy into the next one if one is written."""
        self.out: BinaryIO | None = None
        self.temporary: Path | None = None
        self.index: dict[str, _Entry] = {}
        """The reads written to the next file, where they are in it."""
        if self.secret is not None:
            self._open()

    # ------------------------------------------------------------ the last run's

    def _open(self) -> None:
        try:
            source = self.file.open("rb")
        except OSError:
            return
        index = self._index_of(source)
        if index is None:
            source.close()
            return
        self.source, self.earlier, self.saved_names = source, index, set(index)

    def _index_of(self, source: BinaryIO) -> dict[str, _Entry] | None:
        try:
            head = source.read(len(_MAGIC) + _KEY_BYTES)
            size = source.seek(0, os.SEEK_END)
            if head != _MAGIC + self.key or size < len(head) + _TRAILER:
                return None
            source.seek(size - _TRAILER)
            trailer = source.read(_TRAILER)
            length = int.from_bytes(trailer[:8], "little")
            if length > size - len(head) - _TRAILER:
                return None
            source.seek(size - _TRAILER - length)
            raw = source.read(length)
            if not hmac.compare_digest(trailer[8:], self._mac(raw)):
                return None
            return {name: _Entry(*fields) for name, fields in marshal.loads(raw).items()}
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def _mac(self, *parts: bytes) -> bytes:
        assert self.secret is not None  # (nothing is read or written without it)
        signed = hmac.new(self.secret, self.key, "sha256")
        for part in parts:
            signed.update(len(part).to_bytes(8, "little") + part)
        return signed.digest()

    def _entry_mac(self, name: str, mark: Mark, packed: bytes) -> bytes:
        return self._mac(name.encode("utf-8", "surrogateescape"), repr(mark).encode(), packed)

    def _bytes(self, entry: _Entry) -> bytes | None:
        """What the last run's file holds at ``entry`` (None if it cannot be read whole)."""
        if self.source is None:
            return None
        try:
            packed = os.pread(self.source.fileno(), entry.length, entry.offset)
        except OSError:
            return None
        return packed if len(packed) == entry.length else None

    def _take(self, name: str, mark: Mark, shared: Shared) -> object | None:
        entry = self.earlier.get(name)
        if entry is None or entry.mark != mark:
            return None
        packed = self._bytes(entry)
        if packed is None or not hmac.compare_digest(entry.mac, self._entry_mac(name, mark, packed)):
            return None
        try:
            return _unpack(packed, shared)
        except Exception:  # noqa: BLE001 - a read this user's docgen saved and cannot read back is read from its file
            return None

    def programme_read(self, mark: Mark) -> object | None:
        """The programme file's read, if the file still has ``mark``."""
        return self._take(_PROGRAMME, mark, NOTHING_SHARED)

    def file_read(self, path: Path, mark: Mark, shared: Shared) -> object | None:
        """The read of ``path``, if the file still has ``mark`` (``shared``: the programme's
        models it may refer to, ``shared_models``)."""
        return self._take(str(path), mark, shared)

    def forget(self) -> None:
        """Nothing more is taken from the last run's file (the programme file changed)."""
        self.earlier = {}

    # ------------------------------------------------------------ the next run's

    def keep_programme(self, mark: Mark, read: object) -> None:
        self._keep(_PROGRAMME, mark, read, NOTHING_SHARED)

    def keep(self, path: Path, mark: Mark, read: object, shared: Shared) -> None:
        """``read`` saved for ``path`` (as the last run saved it, when it was taken from there)."""
        self._keep(str(path), mark, read, shared)

    def _keep(self, name: str, mark: Mark, read: object, shared: Shared) -> None:
        if not self.saving:
            return
        entry = self.earlier.get(name)
        if entry is not None and entry.mark == mark:
            if self.out is None:
                self.pending[name] = entry
            else:
                self._copy(name, entry)
            return
        try:
            packed = _pack(read, shared)
        except Exception:  # noqa: BLE001 - a read that cannot be pickled is not saved, nor any this time
            self._drop()
            return
        if self._start():
            self._write(name, mark, packed)

    def _start(self) -> bool:
        """The next file begun (with the reads taken so far), if it is not yet."""
        if self.out is None and self.saving:
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.file.parent)
                self.out, self.temporary = os.fdopen(handle, "wb"), Path(temporary)
                self.out.write(_MAGIC + self.key)
                for name, entry in self.pending.items():
                    self._copy(name, entry)
            except OSError:
                self._drop()
        return self.out is not None

    def _copy(self, name: str, entry: _Entry) -> None:
        packed = self._bytes(entry)
        if packed is not None:  # (else left out: the next run reads that file)
            self._write(name, entry.mark, packed, entry.mac)

    def _write(self, name: str, mark: Mark, packed: bytes, mac: bytes | None = None) -> None:
        if self.out is None:  # (dropped meanwhile)
            return
        try:
            offset = self.out.tell()
            self.out.write(packed)
        except OSError:
            self._drop()
            return
        self.index[name] = _Entry(mark, offset, len(packed), mac or self._entry_mac(name, mark, packed))

    def _drop(self) -> None:
        """Nothing saved this time (no room, or not allowed): the next run reads the files."""
        self.saving = False
        if self.out is not None:
            self.out.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
        self.out = self.temporary = None

    def close(self, save: bool = True) -> None:
        """The next run's reads put in place of the last run's, if they differ from them
        (unless not ``save``: a load cut short saves nothing)."""
        if not save:
            self._drop()
        if self.saving and self.out is None and set(self.pending) != self.saved_names:
            self._start()  # (files gone since: the reads of those left are saved without them)
        if self.saving and self.out is not None and self.temporary is not None:
            try:
                raw = marshal.dumps({name: (e.mark, e.offset, e.length, e.mac) for name, e in self.index.items()})
                self.out.write(raw + len(raw).to_bytes(8, "little") + self._mac(raw))
                self.out.close()
                os.chmod(self.temporary, 0o600)
                os.replace(self.temporary, self.file)
            except OSError:
                self._drop()
        if self.source is not None:
            self.source.close()
        self.source = self.out = self.temporary = None


@dataclass(frozen=True)
class Shared:
    """The models and lists of a programme's model that the reads of its other files may
    refer to, in an order that is the same for the same model wherever it was unpickled, and
    the place of each (found once per load, not for each read pickled)."""

    models: list[object]
    places: dict[int, int]


NOTHING_SHARED = Shared([], {})


def shared_models(model: object) -> Shared:
    models = list(_walk(model))
    return Shared(models, {id(item): place for place, item in enumerate(models)})


def _walk(model: object) -> Iterator[object]:
    todo = [model]
    while todo:
        item = todo.pop()
        if isinstance(item, BaseModel):
            yield item
            todo += reversed([item.__dict__[name] for name in type(item).model_fields])
        elif isinstance(item, list):
            yield item
            todo += reversed(item)
        elif isinstance(item, dict):
            todo += reversed(list(item.values()))


class _Pickler(pickle.Pickler):
    """Pickles a file's read: its models as their values in field order (``_model``: their
    field names, which are the class's, are not written), the places of its values with
    their field names held once (``_origin``), the sets of written fields and the models of
    the programme (``shared``) as references to those of the process that unpickles them."""

    def __init__(self, file: io.BytesIO, shared: Shared):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.places = shared.places

    def reducer_override(self, obj: object) -> Any:  # (not asked for str, int, list, dict and the like)
        if isinstance(obj, SharedFields):
            return shared_fields, (set(obj),)  # held once per process
        place = self.places.get(id(obj))
        if place is not None:
            return _shared_at, (place,)
        if isinstance(obj, BaseModel):
            kind = type(obj)
            fields = obj.__dict__
            return _model, (kind, tuple(fields[name] for name in kind.model_fields), obj.__pydantic_fields_set__,
                            obj.__pydantic_private__, obj.__pydantic_extra__)
        if isinstance(obj, Origin):
            return _origin, (obj.path, obj.loc, obj.values)
        return NotImplemented


_UNPACKING = threading.local()
"""The programme's models the read being unpickled may refer to (``_shared_at``)."""


def _shared_at(place: int) -> object:
    return _UNPACKING.shared[place]


_set = object.__setattr__
_intern = sys.intern


def _model(kind: type[BaseModel], values: tuple, fields_set: set[str], private: dict | None, extra: dict | None
           ) -> BaseModel:
    """A model as pydantic unpickles one (``BaseModel.__setstate__``), its fields named by its
    class, its text held once per process (as a load of the data files holds the text that
    repeats from file to file: a role, a subject, a remark) and each list the size it needs
    (unpickled item by item, it grew past it)."""
    model = kind.__new__(kind)
    fields: dict[str, object] = _fields_of(kind).copy()  # (the size of a validated model's: see _fields_of)
    fields.update(zip(fields, [_intern(v) if (t := type(v)) is str else _list(v) if t is list else v for v in values],
                      strict=True))
    _set(model, "__dict__", fields)
    if type(fields_set) is set:  # (a model given a value after it was read has a set of its own)
        fields_set = {_intern(name) for name in fields_set}
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", extra)
    _set(model, "__pydantic_private__", private and {_intern(name): value for name, value in private.items()})
    return model


def _list(items: list) -> list:
    return [*[_intern(item) if type(item) is str else item for item in items]] if items else []


@functools.cache
def _fields_of(kind: type[BaseModel]) -> dict[str, object]:
    """A dict of the fields of ``kind``, grown key by key as pydantic grows a model's: its
    copies are no larger than the dicts of models validated."""
    fields: dict[str, object] = {}
    for name in kind.model_fields:
        fields[name] = None
    return fields


def _origin(path: Path, loc: tuple, values: Mapping[Loc, tuple[int, int]]) -> Origin:
    return Origin(path, tuple([_intern(part) if type(part) is str else part for part in loc]), values)


def _pack(read: object, shared: Shared) -> bytes:
    out = io.BytesIO()
    _Pickler(out, shared).dump(read)
    return zlib.compress(out.getbuffer(), 1)


def _unpack(packed: bytes, shared: Shared) -> object:
    _UNPACKING.shared = shared.models
    try:
        return pickle.loads(zlib.decompress(packed))
    finally:
        _UNPACKING.shared = None


# ------------------------------------------------------------ secret and key

def _secret_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "docgen" / "reads.key"


@functools.cache
def _secret() -> bytes | None:
    """This user's secret, made the first time (None when it can neither be read nor made:
    then no reads are saved or taken)."""
    path = _secret_file()
    for _ in range(2):
        try:
            found = path.read_bytes()
        except FileNotFoundError:
            _make_secret(path)
            continue
        except OSError:
            return None
        return found if len(found) == _SECRET_BYTES else None
    return None


def _make_secret(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return  # made by another run meanwhile (read next), or no room (then none)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(secrets.token_bytes(_SECRET_BYTES))
    except OSError:
        path.unlink(missing_ok=True)  # (no room: none this time, and a whole one made next time)


@functools.cache
def _code() -> bytes:
    """What the reads depend on besides the data: every source file of docgen (models, checks,
    messages), and the versions of Python, pydantic and PyYAML."""
    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{yaml.__version__}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _key(root: Path) -> bytes:
    where = f"{root.resolve()}|{root}|{os.getcwd()}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(_code() + where).digest()
