"""jieba's word dictionary, kept compact: the same words and frequencies in about 9 MB
instead of the 62 MB of jieba's own (a Python dict of half a million strings), which a
long-running process (``docgen serve``) would otherwise hold from its first title on.

The dictionary is jieba's prefix dictionary exactly (``Tokenizer.gen_pfdict`` of its
``dict.txt``), sorted and stored as one block of UTF-8 bytes with two arrays (offsets and
frequencies); a lookup is a binary search. It is made once per version of jieba's file by a
child process (so that the big dict never lives in the caller) and kept in the temporary
folder beside jieba's own cache. ``tokenizer()`` cuts exactly as ``jieba.cut`` does.
"""
from __future__ import annotations

import array
import bisect
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_MAGIC = b"docgen-words-1\n"
_lock = threading.Lock()
_tokenizer = None


class _Keys:
    """The sorted entries as a sequence of bytes, for ``bisect``."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: bytes, offsets: array.array):
        self.blob, self.offsets = blob, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.blob[self.offsets[i]:self.offsets[i + 1]]


class Frequencies:
    """Word -> frequency (0: only the beginning of a longer word), read-only, as much of a
    mapping as jieba uses (``in``, ``[]``, ``get``)."""

    def __init__(self, blob: bytes, offsets: array.array, freqs: array.array):
        self._keys = _Keys(blob, offsets)
        self._freqs = freqs

    def _find(self, word: str) -> int:
        key = word.encode("utf-8")
        i = bisect.bisect_left(self._keys, key)
        return i if i < len(self._keys) and self._keys[i] == key else -1

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) >= 0

    def __getitem__(self, word: str) -> int:
        i = self._find(word)
        if i < 0:
            raise KeyError(word)
        return self._freqs[i]

    def get(self, word: str, default: int | None = None) -> int | None:
        i = self._find(word)
        return self._freqs[i] if i >= 0 else default

    def __len__(self) -> int:
        return len(self._keys)


def _source() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def _cache_path(source: Path) -> Path:
    stat = source.stat()
    tag = hashlib.sha1(f"{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"docgen-words-{tag}.bin"


def write(source: Path, target: Path) -> None:
    """Make the compact file of jieba's dictionary ``source`` (run in a child process)."""
    import jieba

    with open(source, "rb") as f:
        freq, total = jieba.Tokenizer.gen_pfdict(f)
    keys = sorted(word.encode("utf-8") for word in freq)
    offsets = array.array("I", [0])
    freqs = array.array("I")
    at = 0
    for key in keys:
        at += len(key)
        offsets.append(at)
        freqs.append(freq[key.decode("utf-8")])
    blob = b"".join(keys)
    header = _MAGIC + f"{total} {len(keys)} {len(blob)}\n".encode()
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        with open(temporary, "wb") as out:
            out.write(header + blob + offsets.tobytes() + freqs.tobytes())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _read(path: Path) -> tuple[Frequencies, int]:
    data = path.read_bytes()
    if not data.startswith(_MAGIC):
        raise ValueError(path)
    end = data.index(b"\n", len(_MAGIC))
    total, count, size = (int(v) for v in data[len(_MAGIC):end].split())
    at = end + 1
    blob = data[at:at + size]
    at += size
    offsets = array.array("I")
    offsets.frombytes(data[at:at + 4 * (count + 1)])
    at += 4 * (count + 1)
    freqs = array.array("I")
    freqs.frombytes(data[at:at + 4 * count])
    if len(offsets) != count + 1 or len(freqs) != count:
        raise ValueError(path)
    return Frequencies(blob, offsets, freqs), total


def frequencies() -> tuple[Frequencies, int]:
    """The compact dictionary and jieba's total of frequencies, made first if need be."""
    source = _source()
    path = _cache_path(source)
    try:
        return _read(path)
    except (OSError, ValueError):
        pass
    subprocess.run([sys.executable, "-m", "docgen.dictionary", str(source), str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _read(path)


def tokenizer():
    """A jieba tokenizer on the compact dictionary (one per process)."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            made = jieba.Tokenizer()
            made.FREQ, made.total = frequencies()
            made.initialized = True
            _tokenizer = made
        return _tokenizer


if __name__ == "__main__":
    write(Path(sys.argv[1]), Path(sys.argv[2]))
