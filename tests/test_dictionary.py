"""The compact word dictionary (``docgen.dictionary``) is jieba's own: the same entries and
frequencies, and the same cuts of real titles and names."""
from __future__ import annotations

import random

import jieba
import pytest

from docgen.dictionary import Frequencies, tokenizer
from tests.helpers import DATA


@pytest.fixture(scope="module")
def reference():
    made = jieba.Tokenizer()
    made.initialize()
    return made


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_same_entries_and_total(reference):
    compact = tokenizer()
    assert isinstance(compact.FREQ, Frequencies)
    assert len(compact.FREQ) == len(reference.FREQ) and compact.total == reference.total
    for word in random.Random(7).sample(sorted(reference.FREQ), 5000):
        assert compact.FREQ[word] == reference.FREQ[word] and word in compact.FREQ
    assert "不是词语的一串字" not in compact.FREQ and compact.FREQ.get("不是词语的一串字") is None


@pytest.mark.slow  # cuts the whole seeds' text: seconds
def test_same_cuts_of_the_seeds_text(reference):
    lines = [line.strip() for path in sorted(DATA.glob("*/**/*.yaml"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:3000]
    assert len(lines) > 500
    compact = tokenizer()
    for line in lines:
        assert list(compact.cut(line, HMM=False)) == list(reference.cut(line, HMM=False)), line
