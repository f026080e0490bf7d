"""The one-pass reading of a data file (libyaml's events) gives what the node-by-node reading
gives: the same data, positions of values and keys, problems and dropped places, on every
kind of value a clerk writes or gets wrong, and on every data file of ``data/``."""
from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import SourceError
from docgen.load import yaml_source
from docgen.load.folder import validate_source
from docgen.load.model.activity import ActivityLog
from docgen.load.yaml_source import _parse_nodes, _read_events, _Unusual, bad_characters, parse
from tests.helpers import DATA

CASES = {
    "scalars": "a: 1\nb: -2_0\nc: 1.5\nd: .inf\ne: true\nf: no\ng: ~\nh: null\ni: 2022-09-01\nj: 2022-09-01 08:30:00\n"
               "k: 8:30\nl: 0536123\nm: '12'\nn: \"x\"\no: ''\np: 0x1F\nq: 1e3\nr: 1.0e+3\n",
    "explicit tags": "a: !!int '12'\nb: !!str 12\nc: !!float 1\nd: !!bool true\ne: !!map {x: 1}\nf: !!seq [1]\n"
                     "g: !!null ''\nh: !!timestamp 2022-01-02\ni: !!str\n",
    "other tags": "a: !foo 1\nb: !bar {x: 1, y: [2]}\nc: !!python/name:os.system ''\nd: ! 12\ne: !baz [1, {z: 2}]\n",
    "bad values": "a: 2022-02-30\nb: !!int abc\nc: !!float x\nd: !!bool maybe\ne: !!timestamp soon\nf: !!null x\n"
                  "g: 2022-13-01\n",
    "keys": "1: a\n2022-01-01: b\ntrue: c\n? [1, 2]\n: d\n? {x: 1}\n: e\nf：g: 1\n\"h\u3000i\": 2\nj: 3\nj: 4\nk: {j: 1, j: [5]}\n",
    "escapes": 'a: "x\\x01y"\nb: "\\u200bz"\nc: "\\ufeffw"\nd: "ok\\tfine"\ne: "\\x7f"\nf: "\U000f0001"\n',
    "nesting": "a:\n  - b: [1, [2, [3, {c: d}]]]\n    e:\n      - - f\n        - g: h\n  - {}\n  - []\nz: [[[], {}], \"\"]\n",
    "blocks": "a: |\n  line 1\n  line 2\nb: >\n  folded\n  text\nc: |-\n  x\nd: >+\n  y\n\ne: plain\n  continued\n",
    "flow": "{a: 1, b: [x, y], c: {d: e}}\n",
    "top list": "- 1\n- a: 2\n",
    "top scalar": "just text\n",
    "documents": "---\na: 1\n...\n",
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: &x 1\nb: *x\n",
    "alias under a duplicate": "a: 1\na: &x [1]\nb: *x\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax": "a: [1, 2\nb: 3\n",
    "deep": "a: " + "[" * 60 + "]" * 60 + "\n",
    "deep under a duplicate": "a: 1\na: " + "[" * 55 + "]" * 55 + "\n",
    "deep key": "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 50)) + "  " * 50 + "z: 1\n",
    "merge": "base: {x: 1}\n<<: {y: 2}\n",
    "unicode": "名称: 城南小学\n人员: [张三, 李四]\n备注: 喆\n",
}


def _read(reader, text: str):
    path = Path("p.yaml")
    try:
        src = reader(path, text)
    except SourceError as exc:
        return ("error", exc.problems)
    return (src.data, dict(src.values), dict(src.keys), src.problems, src.broken, src.marks)


def _nodes(path: Path, text: str):
    return _parse_nodes(path, text, bad_characters(text))


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_pass_reads_as_the_nodes_do(name):
    text = CASES[name]
    assert _read(parse, text) == _read(_nodes, text)


def test_one_pass_reads_the_usual_files_itself():
    """(Else the comparison above would compare the node reading with itself.)"""
    for name in ("scalars", "explicit tags", "other tags", "bad values", "keys", "escapes", "nesting", "unicode",
                 "deep under a duplicate"):
        if name == "deep under a duplicate":
            with pytest.raises(_Unusual):
                _read_events(Path("p.yaml"), CASES[name])
        else:
            _read_events(Path("p.yaml"), CASES[name])


def test_one_pass_reads_every_data_file_as_the_nodes_do():
    files = sorted(DATA.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _read(parse, text) == _read(_nodes, text), path
        assert yaml_source.yaml.__with_libyaml__
        _read_events(path, text)  # each of them the one-pass way


@pytest.mark.parametrize("text", ["a: !!bool maybe\n", "a: !!timestamp soon\n"])
def test_a_value_its_tag_cannot_read_is_a_problem_at_its_place(text):
    """(PyYAML raises KeyError/AttributeError for these: a crash, before.)"""
    with pytest.raises(SourceError) as exc:
        validate_source(parse(Path("p.yaml"), text), ActivityLog)
    [problem] = exc.value.problems
    assert (problem.line, problem.column, problem.field) == (1, 4, "a")
    assert "不能按标记“!!" in problem.message and "读取" in problem.message


def test_a_loaded_files_positions_are_kept_packed_and_answer_as_before():
    """A loaded programme keeps the positions of every value of every file (issue 22: about
    30 MB at 1 000 pairings as dicts): they are kept compressed, and every place a model's
    origin asks for is where a fresh reading of the file puts it."""
    from docgen.load import load_programme
    from docgen.load.origins import where
    from docgen.load.yaml_source import Packed, read

    loaded = load_programme(DATA / "gaotai-2020")
    pairing = loaded.pairings[0]
    origin = pairing._origin
    assert isinstance(origin.values, Packed)
    fresh = read(origin.path).values
    assert dict(origin.values.items()) == {loc: fresh[loc] for loc in fresh}
    assert len(origin.values._data) < sum(len(repr(k)) for k in fresh) / 4  # compressed, not a dict kept
    at = where(pairing, "supporter")
    assert at is not None and (at.line, at.col) == fresh[("supporter",)]
    for other in loaded.pairings[1:]:  # another file's positions between two asks of the first one's
        assert where(other, "supporter") is not None
    assert where(pairing.supporter, "name").line == fresh[("supporter", "name")][0]
