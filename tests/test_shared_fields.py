"""The models read from the data share their sets of written fields (``SharedFields``): the
largest part of a loaded programme otherwise. What pydantic and docgen read of those sets is
unchanged, and a model given a value afterwards changes only its own set."""
from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import BaseModel

from docgen.load.folder import load_programme
from docgen.load.model.common import SharedFields, Strict
from tests.helpers import DATA


def _models(value: object):
    """Every model inside ``value`` (a model, list or dict), each once."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, BaseModel):
            if id(item) in seen:
                continue
            seen.add(id(item))
            yield item
            todo.extend(item.__dict__.values())
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.values())


@pytest.fixture(scope="module")
def loaded():
    return load_programme(DATA / "yichun-2022")


def test_models_with_the_same_written_fields_share_one_set(loaded):
    given_an_id = {id(p) for p in loaded.pairings}  # (a pairing is given its id after it is read)
    models = [m for m in _models([loaded.programme, loaded.pairings, loaded.activities]) if id(m) not in given_an_id]
    assert all(type(m.__pydantic_fields_set__) is SharedFields for m in models)
    sets = {id(m.__pydantic_fields_set__) for m in models}
    names = {frozenset(m.model_fields_set) for m in models}
    assert len(models) > 100 and len(sets) == len(names) < len(models) / 4


def test_what_was_written_reads_as_before(loaded):
    programme = loaded.programme
    assert isinstance(programme.__pydantic_fields_set__, SharedFields)
    assert "title" in programme.model_fields_set and "bureau" in programme.model_fields_set
    person = next(m for p in loaded.pairings for m in _models(p) if type(m).__name__ == "Person")
    assert person.model_dump(exclude_unset=True).keys() == person.model_fields_set
    assert person.model_dump() == type(person).model_validate(person.model_dump()).model_dump()
    for again in (copy.copy(person), copy.deepcopy(person), pickle.loads(pickle.dumps(person))):
        assert again == person and again.model_fields_set == person.model_fields_set


def test_a_model_given_a_value_changes_only_its_own_set(loaded):
    people = [m for p in loaded.pairings for m in _models(p) if type(m).__name__ == "Person"]
    shared = people[0].__pydantic_fields_set__
    neighbours = [m for m in people[1:] if m.__pydantic_fields_set__ is shared]
    assert neighbours and "phone" not in shared
    before = set(shared)
    edited = copy.copy(people[0])
    edited.__pydantic_fields_set__ = shared  # as it was read, before it is given a value
    edited.phone = "0795-1234567"
    assert "phone" in edited.model_fields_set and type(edited.__pydantic_fields_set__) is set
    assert shared == before and all(m.model_fields_set == before for m in neighbours)
    with pytest.raises(TypeError):
        shared.add("phone")
    with pytest.raises(TypeError):
        shared |= {"phone"}


def test_a_model_not_read_from_a_file_keeps_a_set_of_its_own():
    class Small(Strict):
        name: str
        note: str = ""

    small = Small(name="甲")
    assert type(small.__pydantic_fields_set__) is set
    small.note = "乙"
    assert small.model_fields_set == {"name", "note"}
