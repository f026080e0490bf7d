"""A template as docgen wrote it, after a clerk saved it in Word, WPS or LibreOffice.

A word processor's save keeps what the clerk sees but rewrites what docgen finds its way by:
- **style identifiers**: the styles keep their names (公文正文, 署名, 发文字号 …) but get new
  identifiers (LibreOffice: ``Style14``; Word gives a style with a Chinese name one like
  ``a0``). The layout steps, the signature marks that seals and the preflight rely on, and the
  merged table cells all look styles up by identifier: each style named as one of docgen's
  takes back docgen's identifier, found in docgen's own templates;
- **hanging punctuation**: LibreOffice reads ``w:overflowPunct`` the other way round and writes
  ``false`` into every style; without docgen's setting a comma that hangs past a full line is
  not printed (see ``authoring/layout.py``). The document default is set again and the
  overrides dropped;
- **tracked changes** (修订) and comments: docxtpl would fill the deleted text too, and every
  document would carry the revision marks. The changes are accepted (what the clerk's
  template shows with 接受所有修订), the comments and revision tracking removed;
- **table layouts**: LibreOffice and WPS save every table with fixed columns; the tables docgen
  sizes from their content (``render/columns.py``) are marked so again, where the template
  still has docgen's tables;
- **settings** the layout counts on: punctuation not compressed, East Asian line layout, no
  hyphenation.

A template that needs none of this (docgen's own) is used byte for byte as it is.
"""
from __future__ import annotations

import functools
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


STYLE_REFERENCES = {_w(t) for t in ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link", "numStyleLink",
                                    "styleLink")}
"""Elements whose ``w:val`` names a style by identifier."""

DROPPED = {_w(t) for t in ("del", "moveFrom", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
                           "moveToRangeEnd", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                           "tblGridChange", "trPrChange", "tcPrChange", "numberingChange", "cellIns", "cellDel",
                           "commentRangeStart", "commentRangeEnd")}
"""Revision and comment markup removed when the changes are accepted (a deleted run, the
record of an earlier format, a comment's anchors)."""

UNWRAPPED = {_w("ins"), _w("moveTo")}
"""Inserted text: kept, its revision wrapper removed."""

_CHANGED = (b"<w:ins ", b"<w:del ", b"<w:moveFrom", b"<w:moveTo", b"Change ", b"Change>", b"<w:commentR",
            b"<w:cellIns", b"<w:cellDel")


@dataclass
class Restored:
    """What was put back in a template (for ``docgen templates check`` to say)."""

    styles: dict[str, str] = field(default_factory=dict)
    """Style name -> the identifier the template had (taken back to docgen's)."""
    revisions: int = 0
    """Tracked changes and comment marks accepted or removed."""
    hanging: bool = False
    """The hanging-punctuation setting restored."""
    tables: int = 0
    """Tables sized from their content again."""
    settings: bool = False
    """Document settings docgen's layout counts on restored."""

    def __bool__(self) -> bool:
        return bool(self.styles or self.revisions or self.hanging or self.tables or self.settings)


@dataclass(frozen=True)
class Own:
    """What docgen's own template of a name says of its styles and tables."""

    styles: dict[tuple[str, str], str]
    """(style type, style name) -> identifier, in all of docgen's own templates."""
    tables: tuple[tuple[int, str], ...]
    """Each table of the template of this name, in document order: its number of columns and
    its layout (``autofit``: the columns are sized from the content, ``render/columns.py``)."""


@functools.cache
def _own_styles(folder: Path) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.docx")):
        with zipfile.ZipFile(path) as package:
            root = etree.fromstring(package.read("word/styles.xml"))
        for style in root.iter(_w("style")):
            name = style.find(_w("name"))
            if name is not None:
                out.setdefault((style.get(_w("type"), ""), name.get(_w("val"), "")), style.get(_w("styleId"), ""))
    return out


def _tables(document) -> tuple[tuple[int, str], ...]:
    out = []
    for table in document.iter(_w("tbl")):
        layout = table.find(f"{_w('tblPr')}/{_w('tblLayout')}")
        out.append((len(table.findall(f"{_w('tblGrid')}/{_w('gridCol')}")),
                    layout.get(_w("type"), "") if layout is not None else ""))
    return tuple(out)


@functools.cache
def own(folder: Path, name: str) -> Own:
    """docgen's own template ``name`` in ``folder`` (its styles, those of all its templates)."""
    path = folder / name
    tables: tuple[tuple[int, str], ...] = ()
    if path.is_file():
        with zipfile.ZipFile(path) as package:
            tables = _tables(etree.fromstring(package.read("word/document.xml")))
    return Own(_own_styles(folder), tables)


def restore(data: bytes, own: Own) -> tuple[bytes, Restored]:
    """The template ``data`` with docgen's style identifiers, hanging punctuation, table
    layouts and no tracked changes; ``data`` itself when it already is so."""
    done = Restored()
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        styles = etree.fromstring(source.read("word/styles.xml"))
    except (zipfile.BadZipFile, KeyError, etree.LxmlError):  # not a Word file: the renderer says so
        return data, done
    names = source.namelist()
    renamed = _renames(styles, own.styles, done)
    parts: dict[str, bytes] = {}
    for name in names:
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        raw = source.read(name)
        tree = styles if name == "word/styles.xml" else None
        if tree is None and not (renamed or name == "word/settings.xml" or b"overflowPunct" in raw
                                 or any(mark in raw for mark in _CHANGED)
                                 or (name == "word/document.xml" and b'w:type="fixed"' in raw)):
            continue
        tree = tree if tree is not None else etree.fromstring(raw)
        changed = _rename(tree, renamed)
        changed |= _accept_changes(tree, done)
        changed |= _hanging(tree, done, is_styles=name == "word/styles.xml")
        if name == "word/settings.xml":
            changed |= _settings(tree, done)
        if name == "word/document.xml":
            changed |= _autofit(tree, own.tables, done)
        if changed:
            parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not parts:
        return data, done
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, parts.get(info.filename, source.read(info.filename)))
    return out.getvalue(), done


def _renames(styles, own: dict[tuple[str, str], str], done: Restored) -> dict[str, str]:
    """Identifier in the template -> identifier it takes: docgen's for a style named as one
    of docgen's; a fresh one for a style of the clerk's that holds an identifier docgen's
    style needs."""
    found = [(s, s.get(_w("styleId"), ""), s.find(_w("name"))) for s in styles.iter(_w("style"))]
    wanted: dict[str, str] = {}
    for style, current, name in found:
        if name is None:
            continue
        own_id = own.get((style.get(_w("type"), ""), name.get(_w("val"), "")))
        if own_id and own_id != current:
            wanted[current] = own_id
            done.styles[name.get(_w("val"), "")] = current
    if not wanted:
        return {}
    taken = {current for _, current, _ in found}
    claimed = set(wanted.values())
    for _, current, _ in found:
        if current in claimed and current not in wanted:  # another style sits on an identifier docgen needs
            fresh = next(f"{current}{n}" for n in range(1, 10_000) if f"{current}{n}" not in taken | claimed)
            wanted[current] = fresh
            taken.add(fresh)
    return wanted


def _rename(tree, renamed: dict[str, str]) -> bool:
    if not renamed:
        return False
    changed = False
    for element in tree.iter():
        if element.tag == _w("style"):
            attribute = _w("styleId")
        elif element.tag in STYLE_REFERENCES:
            attribute = _w("val")
        else:
            continue
        value = element.get(attribute)
        if value in renamed:
            element.set(attribute, renamed[value])
            changed = True
    return changed


def _accept_changes(tree, done: Restored) -> bool:
    """Accept every tracked change and drop the comments' anchors: deleted runs and rows go,
    inserted ones stay without their wrapper, earlier formats are forgotten."""
    changed = False
    for element in list(tree.iter(*UNWRAPPED, *DROPPED, _w("commentReference"))):
        parent = element.getparent()
        if parent is None:
            continue
        done.revisions += 1
        changed = True
        if element.tag == _w("commentReference"):  # the run holding the comment's number
            run = parent if parent.tag == _w("r") else element
            if run.getparent() is not None:
                run.getparent().remove(run)
        elif element.tag == _w("del") and parent.tag == _w("trPr"):  # a deleted table row
            row = parent.getparent()
            if row is not None and row.getparent() is not None:
                row.getparent().remove(row)
        elif element.tag in UNWRAPPED and parent.tag not in (_w("rPr"), _w("trPr")):
            at = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(at + offset, child)
            parent.remove(element)
        else:  # deleted content, a format's history, a paragraph mark's revision
            parent.remove(element)
    return changed


def _hanging(tree, done: Restored, *, is_styles: bool) -> bool:
    """No style or paragraph overrides hanging punctuation; the document default allows it."""
    changed = False
    for element in list(tree.iter(_w("overflowPunct"))):
        parent = element.getparent()
        if parent is None or (is_styles and parent.getparent() is not None
                              and parent.getparent().tag == _w("pPrDefault")):
            continue
        parent.remove(element)
        changed = True
    if is_styles:
        defaults = tree.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")
        if defaults is None:
            holder = tree.find(_w("docDefaults"))
            if holder is None:
                holder = etree.Element(_w("docDefaults"))
                tree.insert(0, holder)
            default = holder.find(_w("pPrDefault"))
            if default is None:
                default = etree.SubElement(holder, _w("pPrDefault"))
            defaults = etree.SubElement(default, _w("pPr"))
        setting = defaults.find(_w("overflowPunct"))
        if setting is None or setting.get(_w("val")) not in ("1", "true", "on"):
            if setting is None:
                setting = etree.Element(_w("overflowPunct"))
                defaults.insert(0, setting)
            setting.set(_w("val"), "1")
            changed = True
    if changed:
        done.hanging = True
    return changed


def _autofit(document, tables: tuple[tuple[int, str], ...], done: Restored) -> bool:
    """The tables docgen sizes from their content, sized so again: LibreOffice and WPS save
    every table with fixed columns. Only where the template still has docgen's tables (as
    many, each with as many columns)."""
    found = list(document.iter(_w("tbl")))
    if len(found) != len(tables):
        return False
    changed = False
    for table, (columns, layout), (own_columns, own_layout) in zip(found, _tables(document), tables, strict=True):
        if own_layout == "autofit" and layout == "fixed" and columns == own_columns:
            table.find(f"{_w('tblPr')}/{_w('tblLayout')}").set(_w("type"), "autofit")
            done.tables += 1
            changed = True
    return changed


_AFTER_SPACING_CONTROL = {_w(t) for t in (
    "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
    "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")}
"""The settings that follow ``w:characterSpacingControl`` in the schema's order (Word refuses a
file whose settings are out of order)."""


def _settings(settings, done: Restored) -> bool:
    """The document settings docgen's layout counts on: punctuation at full width (not
    compressed), East Asian line layout, no hyphenation; documents do not open in 修订 mode."""
    changed = False
    for element in settings.findall(_w("trackRevisions")) + [
            e for e in settings.findall(_w("autoHyphenation")) if e.get(_w("val"), "true") not in ("0", "false", "off")]:
        settings.remove(element)
        changed = True
    if settings.find(_w("characterSpacingControl")) is None:
        control = etree.Element(_w("characterSpacingControl"))
        control.set(_w("val"), "doNotCompress")
        after = next((i for i, e in enumerate(settings) if e.tag in _AFTER_SPACING_CONTROL), len(settings))
        settings.insert(after, control)
        changed = True
    compat = settings.find(_w("compat"))
    if compat is not None and compat.find(_w("useFELayout")) is None:
        later = next((i for i, e in enumerate(compat) if e.tag == _w("compatSetting")), len(compat))
        compat.insert(later, etree.Element(_w("useFELayout")))
        changed = True
    if changed:
        done.settings = True
    return changed
