"""The converter's copy of a long document is marked and cut as it is read
(``convert/marked.py``, issue 22: the bureau's notice at 5,000 pairings took its worker from
90 to 360 MB as one tree): the same bytes as the whole tree gives, without holding the tree;
a document of a shape it does not stream goes to the whole tree."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.convert import marked
from docgen.convert.long_tables import CHUNK_ROWS
from tests.helpers import specimen_notice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
VARIANTS = [("", 1, None), ("notice", 2, None), ("", 3, ["无此人", "李四", "张三"])]
"""(family, index in a bundle, signers): every printed name, or names out of order and one not printed."""


def _both(path: Path, family: str, index: int, names: list[str] | None) -> tuple[bytes, bytes | None]:
    """The marked document.xml of ``path`` from the whole tree, and streamed (None if not)."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/document.xml")
        whole = marked._whole(z.read(info.filename), family, index, names)
        out = io.BytesIO()
        streamed = marked.marked_xml(lambda: z.open(info), index, names, family, out)
    return whole, out.getvalue() if streamed else None


@pytest.fixture(scope="module")
def notice(tmp_path_factory) -> Path:
    """The bureau's notice of a programme of 120 pairings: its list has 240 rows."""
    return specimen_notice(tmp_path_factory.mktemp("notice"), 120)


def test_every_built_document_streams_to_the_whole_trees_bytes(built):
    documents = sorted(p for p in built.rglob("*.docx") if "以前的版本" not in p.parts)
    assert len(documents) > 50
    for path in documents:
        for family, index, names in VARIANTS[1:] if "协议书" in path.name or "责任书" in path.name else VARIANTS[:2]:
            whole, streamed = _both(path, family, index, names)
            assert streamed is not None, f"{path.name} was not streamed"
            assert streamed == whole, path.name


@pytest.mark.slow  # about half a second or more: left out of the inner loop
def test_the_notices_long_list_is_cut_as_it_is_read(notice):
    for family, index, names in VARIANTS:
        whole, streamed = _both(notice, family, index, names)
        assert streamed == whole
    cut = etree.fromstring(streamed)
    with zipfile.ZipFile(notice) as z:
        source = etree.fromstring(z.read("word/document.xml"))
    assert len(cut.findall(f".//{{{W}}}tbl")) > len(source.findall(f".//{{{W}}}tbl"))


def test_the_tree_holds_the_element_at_hand_not_the_document(notice, monkeypatch):
    """Each element is let go once printed: at no time does the tree hold more than a block
    read ahead (mutation: without the take, it holds the whole list)."""
    held: list[int] = []
    take = marked._take

    def counting(parent, element):
        held.append(sum(1 for _ in parent.getroottree().getroot().iter()))
        take(parent, element)

    monkeypatch.setattr(marked, "_take", counting)
    with zipfile.ZipFile(notice) as z:
        info = z.getinfo("word/document.xml")
        total = sum(1 for _ in etree.fromstring(z.read(info.filename)).iter())
        assert marked.marked_xml(lambda: z.open(info), 1, None, "notice", io.BytesIO())
    assert len(held) > 2 * 240  # every row, twice (survey, then marking)
    assert max(held) < total / 5


def _paragraph(text: str = "", style: str = "", keep: bool = False) -> str:
    properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep else "")
    return (f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}"
            f"{f'<w:r><w:t>{text}</w:t></w:r>' if text else ''}</w:p>")


def _cell(content: str, merge: str | None = None) -> str:
    merged = f'<w:vMerge w:val="{merge}"/>' if merge else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="2000"/>{merged}</w:tcPr>{content}</w:tc>'


def _row(cells: list[str], heading: bool = False) -> str:
    return "<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if heading else "") + "".join(cells) + "</w:tr>"


def _document(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<w:body>{body}</w:body></w:document>").encode()


def _long_table(rows: int) -> str:
    """A list under a heading: a county merged down the whole list, a school merged down
    pairs of rows, a signer's name and date in every 37th row, row 99 kept with the next."""
    body = []
    for i in range(rows):
        third = _paragraph(f"签名{i}", "SignName") + _paragraph("年 月 日") if i % 37 == 5 else _paragraph(str(i), keep=i == 99)
        body.append(_row([_cell(_paragraph("甲县" if i == 0 else ""), "restart" if i == 0 else "continue"),
                          _cell(_paragraph(f"学校{i // 2}" if i % 2 == 0 else ""), "restart" if i % 2 == 0 else "continue"),
                          _cell(third)]))
    return ('<w:tbl><w:tblPr><w:tblW w:w="6000"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
            + _row([_cell(_paragraph(t)) for t in ("县", "学校", "序号")], heading=True) + "".join(body) + "</w:tbl>")


CRAFTED = (_paragraph("关于开展结对帮扶的通知", "DocTitle")
           + '<w:bookmarkStart w:id="7" w:name="old"/><w:bookmarkEnd w:id="7"/>'
           + _paragraph("附件1", "AttachmentLabel")
           + _paragraph("张三", "SignName") + _paragraph("2024年3月1日")
           + _long_table(CHUNK_ROWS * 2 + 31)
           + _paragraph("附件2", "AttachmentLabel")
           + _paragraph("李四", "Signer")
           + '<w:tbl><w:tblPr/><w:tblGrid/>' + _row([_cell(_paragraph("王五", "SignName") + _paragraph("日期"))]) + "</w:tbl>"
           + _paragraph("赵六", "SignName")
           + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>')


def _docx(tmp_path: Path, xml: bytes, notice: Path) -> Path:
    """``notice`` with its document.xml replaced by ``xml``."""
    path = tmp_path / "crafted.docx"
    with zipfile.ZipFile(notice) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, xml if info.filename == "word/document.xml" else source.read(info.filename))
    return path


def test_names_dates_labels_and_cuts_of_a_crafted_document(tmp_path, notice):
    """Names at the body's level (the date is the next paragraph, read after the name), in a
    long table's rows and in a short table; labels; an old bookmark; a merge at each cut; rows
    kept together."""
    path = _docx(tmp_path, _document(CRAFTED), notice)
    for family, index, names in [*VARIANTS, ("plan", 4, ["张三", "签名42", "李四", "王五", "赵六"])]:
        whole, streamed = _both(path, family, index, names)
        assert streamed == whole, (family, index, names)
    tree = etree.fromstring(streamed)
    marks = {b.get(f"{{{W}}}name"): b.getparent() for b in tree.iter(f"{{{W}}}bookmarkStart")}
    text = {name: "".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for name, p in marks.items()}
    assert text["docgenpart4"] == text["docgenkindplan"] == "关于开展结对帮扶的通知"
    assert text["docgenpart4att1"] == "附件1" and text["docgenpart4att2"] == "附件2"
    assert text["docgensign4k1w0"] == "张三" and text["docgendate4k1"] == "2024年3月1日"
    assert text["docgensign4k2w2000"] == "签名42" and text["docgendate4k2"] == "年 月 日"
    assert text["docgensign4k3w0"] == "李四" and "docgendate4k3" not in text  # a table follows
    assert text["docgensign4k4w2000"] == "王五" and text["docgendate4k4"] == "日期"
    assert text["docgensign4k5w0"] == "赵六" and "docgendate4k5" not in text  # the section follows
    ids = sorted(int(b.get(f"{{{W}}}id")) for b in tree.iter(f"{{{W}}}bookmarkStart"))
    assert ids == [7, *range(1008, 1008 + len(ids) - 1)]
    tables = tree.findall(f"{{{W}}}body/{{{W}}}tbl")
    assert len(tables) == 4  # the list in three pieces, the short table whole
    assert all("".join(t.itertext()).startswith("县学校序号甲县") for t in tables[:3])  # the county named in each piece


@pytest.mark.parametrize("change", [
    pytest.param(lambda xml: xml.replace("<w:body>", "<w:body><!-- a clerk's note -->"), id="comment in the body"),
    pytest.param(lambda xml: xml.replace("</w:p><w:p>", "</w:p>\n  <w:p>"), id="indented"),
    pytest.param(lambda xml: xml.replace("<w:tblGrid><w:gridCol/>", '<w:bookmarkStart w:id="9" w:name="t"/>'
                                         "<w:tblGrid><w:gridCol/>", 1), id="a long table holding a bookmark"),
    pytest.param(lambda xml: xml.replace(_paragraph("附件2", "AttachmentLabel"),
                                         _paragraph("附件2", "AttachmentLabel").replace(
                                             "<w:p>", '<w:p xmlns:x="urn:x">')), id="a paragraph declaring a namespace"),
    pytest.param(lambda xml: xml.replace("<w:body>", '<w:background w:color="FFFFFF"/><w:body>'),
                 id="something beside the body"),
])
def test_a_shape_not_streamed_goes_to_the_whole_tree(tmp_path, notice, monkeypatch, change):
    xml = change(_document(CRAFTED).decode()).encode()
    assert xml != _document(CRAFTED)
    path = _docx(tmp_path, xml, notice)
    whole, streamed = _both(path, "notice", 1, None)
    if streamed is not None:  # streamed after all: then the same bytes
        assert streamed == whole
    copies = []
    for threshold in (0, 1 << 40):
        monkeypatch.setattr(marked, "STREAM_FROM", threshold)
        copies.append(marked.marked_copy(path, tmp_path / f"m{threshold}.docx", "notice").read_bytes())
    assert copies[0] == copies[1]


def test_marked_copy_streams_from_the_threshold_with_the_same_file(tmp_path, notice, monkeypatch):
    taken: list[str] = []
    monkeypatch.setattr(marked, "marked_xml", lambda *a, _real=marked.marked_xml: taken.append("s") or _real(*a))
    copies = []
    for threshold in (0, 1 << 40):
        monkeypatch.setattr(marked, "STREAM_FROM", threshold)
        copies.append(marked.marked_copy(notice, tmp_path / f"m{threshold}.docx", "notice", 2, None).read_bytes())
    assert taken == ["s"]
    assert copies[0] == copies[1]
