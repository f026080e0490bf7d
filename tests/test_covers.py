"""What a bundle's cover says it is and whose it is (review 000-S7, 003-I5): a pairing's bundle
is the material it submits (报送材料), in the programme's words for its parties; the bureau's
bundle holds the programme's own documents, named by who issued them, and only where the data
names an issuer."""
from __future__ import annotations

from pathlib import Path

import pytest

from docgen.bundle.plan import bundled, cover_facts
from docgen.documents.cover import cover
from docgen.documents.jobs import Rendered, plan_jobs
from docgen.documents.kinds import built_kinds
from docgen.documents.scope import Scope
from docgen.load import load_programme
from tests.helpers import DATA, plan_bundles


def _covers(programme: str, tmp_path: Path) -> dict[str, tuple]:
    """Each bundle of an example programme: (its PDF's name, what its cover says)."""
    loaded = load_programme(DATA / programme)
    done = [Rendered(job, job.path.stem) for job in plan_jobs(loaded, built_kinds(), tmp_path) if bundled(job)]
    out = {}
    for spec in plan_bundles(loaded, done, tmp_path):
        said = cover(Scope(loaded, cover=cover_facts(spec, 2, False)))
        out[spec.key] = (spec.pdf_name, "\n".join([*said["title_lines"], *said["subtitle_lines"], *said["parties"]]))
    return out


def test_the_bureau_s_bundle_is_its_own_documents_not_a_submission(tmp_path):
    """000-S7: the yichun bureau bundle holds the bureau's notice; it submits nothing."""
    name, said = _covers("yichun-2022", tmp_path)["bureau"]
    assert said.splitlines()[0] == "结对帮扶工作文件" and "报送" not in said
    assert "宜春市教育体育局" in said  # who issued them, as the notice says
    assert name == "工作文件_宜春市教育体育局.pdf"
    pairing_name, pairing_said = _covers("yichun-2022", tmp_path)["fengcheng"]
    assert pairing_said.splitlines()[0] == "结对帮扶报送材料" and pairing_name.startswith("报送材料_")


@pytest.mark.parametrize("programme", ["hongsibu-2023", "changsha-huaihua-2015", "sichuan-2025"])
def test_a_plan_whose_issuer_the_data_does_not_name_is_not_given_one(programme, tmp_path):
    """hongsibu's plan names no issuer: its bundle is not named after the office the team's plan
    is filed with (bureau.name), and its cover names nobody."""
    prog = load_programme(DATA / programme).programme
    name, said = _covers(programme, tmp_path)["bureau"]
    assert prog.bureau.name not in name and prog.bureau.name not in said
    assert name == f"工作文件_{prog.title}.pdf"
    title, *rest = said.splitlines()
    assert title == "结对帮扶工作文件" and "".join(rest) == prog.title  # the plan's title, no party under it


def test_a_team_is_not_called_a_school_on_its_cover(tmp_path):
    """003-I5: the supporter is labelled by what it is (a team), the recipients by the programme's term."""
    _, said = _covers("hongsibu-2023", tmp_path)["team"]
    assert "帮扶团队：“组团式”教育帮扶团队" in said and "支援学校" not in said
    assert "受援学校：红寺堡区罗山中学" in said
    _, gaotai = _covers("gaotai-2020", tmp_path)["chengguan"]
    assert "帮扶学校：城关初中" in gaotai and "被帮扶学校：南华初中" in gaotai  # the programme's own terms
