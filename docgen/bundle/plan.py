"""What each submission bundle holds: one per pairing that has documents, one for the bureau.

A bundle's documents follow the order their kinds declare (``Kind.bundle_place``); its
cover names the parties and lists every document with its pages.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..documents.jobs import Job, Rendered
from ..documents.scope import CoverFacts
from ..documents.signers import Signer
from ..documents.wording import issuer, recipient_word, school_names, short_names, supporter_word
from ..errors import given
from ..load import Loaded
from ..load.model.pairing import Pairing
from ..output_tree import OutputTree, safe_name
from ..text import cn_count, display_width, join
from .seals import Anchor

ENTRIES_PER_CONTENTS_PAGE = 18


@dataclass
class Part:
    """One document in a bundle; ``file``, ``first`` and ``pages`` locate it in the converted
    body."""

    title: str
    docx: Path
    signers: list[Signer]
    attachments: list[str]
    first: int = 0
    """Its first page (0-based) in the converted body that holds it."""
    pages: int = 0
    file: int = 0
    """Which of the bundle's converted bodies holds it: 0 when its documents are composed into
    one, the part's own (numbered from 0) when they are converted apart (``Spec.apart``)."""
    attachment_pages: list[int] = field(default_factory=list)
    anchors: dict[int, Anchor] = field(default_factory=dict)
    """Where each signer (numbered from 1, in the order of ``signers``) signs in the body."""
    gaps: list[str] = field(default_factory=list)
    """What the document still lacks (draft text, blanks); a part with gaps is not sealed."""
    family: str = ""
    """The document family of its kind (notice, plan, agreement, letter, summary)."""
    day: dt.date | None = None
    """The day its metadata is dated (``documents.dates``)."""


@dataclass
class Spec:
    """What one bundle holds, before it is assembled."""

    key: str
    title: str
    parties: list[str]
    date: dt.date | None
    folder: Path
    pdf_name: str
    parts: list[Part]
    loaded: Loaded
    names: tuple[str, ...] = ()
    """Names the cover's lines must not break inside (the schools, the bureau)."""
    pairing: str | None = None
    """The pairing whose bundle this is; None for the bureau's."""
    inputs: dict[str, str] = field(default_factory=dict)
    """The data files it is made from and their SHA-256, for the manifest."""
    heading: str = "结对帮扶报送材料"
    """What the bundle is, the cover's title: a pairing's material to submit, or the bureau's own
    documents (``BUREAU_HEADING``)."""
    apart: bool = False
    """Its documents are converted one by one and their PDFs merged, not composed into one Word
    body first. The bureau's bundle is made so: its documents list every pairing (at 1 000
    pairings, 442 pages whose Word bodies hold 8 MB of XML), and composing them took a worker
    from 70 MB to 244 MB, a peak that grows with the pairings (issue 22); converted apart,
    they also keep every converter busy rather than one."""

    @property
    def made_on(self) -> dt.date | None:
        """The day the bundle's files are dated: the latest of its documents'."""
        return max((p.day for p in self.parts if p.day is not None), default=None)

    @property
    def uid(self) -> str:
        return self.bundle.uid

    @property
    def zip_path(self) -> Path:
        return self.bundle.zip_path

    @property
    def bundle(self) -> Bundle:
        """Which bundle it is and where its files go: all that is kept of it once it is made."""
        return Bundle(self.loaded.id, self.key, self.folder, self.pdf_name, self.pairing)

    def sheet(self) -> Sheet:
        """What assembling and writing it needs, without the programme it came from."""
        return Sheet(self.loaded.id, self.key, self.title, self.folder, self.pdf_name, self.parts,
                     self.inputs or self.loaded.input_hashes(), self.made_on, self.apart)


@dataclass(frozen=True)
class Bundle:
    """One bundle once it is planned: its programme and pairing and where its files go, without
    its parts (what the run keeps of each bundle it made or failed to make: a few hundred bytes,
    whatever the bundle holds)."""

    programme: str
    key: str
    folder: Path
    pdf_name: str
    pairing: str | None
    """The pairing whose bundle this is; None for the bureau's."""

    @property
    def uid(self) -> str:
        return f"{self.programme}/{self.key}"

    @property
    def apart(self) -> bool:
        """Its documents are converted apart (``Spec.apart``): the bureau's bundle."""
        return self.pairing is None

    @property
    def zip_path(self) -> Path:
        return self.folder.with_suffix(".zip")

    @property
    def pdf(self) -> Path:
        return self.folder / self.pdf_name


@dataclass
class Sheet:
    """One bundle as its assembling worker gets it: its parts, names and inputs, but not the
    loaded programme (a worker process receives a few kilobytes per bundle, whatever the
    number of pairings)."""

    programme: str
    key: str
    title: str
    folder: Path
    pdf_name: str
    parts: list[Part]
    inputs: dict[str, str]
    made_on: dt.date | None
    apart: bool = False
    """As ``Spec.apart``."""

    @property
    def zip_path(self) -> Path:
        return self.folder.with_suffix(".zip")


def part_of(document: Rendered) -> Part:
    """A rendered document as a part of its bundle, in plain strings: its title and its
    signers' names and roles without where each run of their words came from (what ``docgen
    explain`` shows; a bundle prints them only: when every bundle was planned before the first
    was made, at 1 000 pairings, the signers' phrases were most of the 29 MB the plans held).
    Each seal image is one path object per load (``Loaded.seal_path``)."""
    job = document.job
    signers = [replace(s, name=str(s.name), role=str(s.role), pending=str(s.pending))
               for s in job.kind.signers(job.scope)]
    return Part(str(document.heading), job.path, signers, [str(a) for a in document.attachments],
                gaps=[str(g) for g in document.gaps], family=job.kind.family, day=job.day)


def bundle_folder(loaded: Loaded, pairing_id: str | None, out_dir: Path) -> Path:
    """Where the bundle of a pairing (None: the bureau's) is written; its zip is beside it."""
    return OutputTree(out_dir).bundle(loaded.id, pairing_id)


def bundled(job: Job) -> bool:
    """Whether a document goes into its bundle."""
    return job.kind.bundle_place is not None and job.kind.in_bundle(job.scope)


def bundle_of(loaded: Loaded, pairing: Pairing | None, out_dir: Path) -> Bundle:
    """Which bundle a pairing's is (None: the bureau's) and where its files go."""
    folder = bundle_folder(loaded, pairing.id if pairing else None, out_dir)
    if pairing is None:
        prog = given(loaded.programme, "a programme")
        by = str(issuer(prog))  # who issued the plan, only where the data says (never bureau.name in its place)
        return Bundle(loaded.id, "bureau", folder, safe_name(f"工作文件_{by or prog.title}") + ".pdf", None)
    pairing_id = given(pairing.id, "a loaded pairing's id")
    return Bundle(loaded.id, pairing_id, folder, safe_name(f"报送材料_{short_names(pairing)}") + ".pdf", pairing_id)


def spec_of(loaded: Loaded, bundle: Bundle, pairing: Pairing | None, documents: list[Rendered]) -> Spec:
    """``bundle`` (``bundle_of`` the pairing; None: the bureau's) planned from its ``documents``,
    rendered."""
    prog = given(loaded.programme, "a programme")
    parts = [part_of(d) for d in sorted(documents, key=lambda d: d.job.kind.bundle_place or 0)]
    if pairing is None:
        notice = prog.issuing_notice
        by = str(issuer(prog))
        return Spec(bundle.key, f"{prog.title}", [by] if by else [], notice.date if notice else None, bundle.folder,
                    bundle.pdf_name, parts, loaded, (by,) if by else (), heading=BUREAU_HEADING, apart=bundle.apart)
    names = f"{pairing.supporter.name}与{join([r.name for r in pairing.recipients])}"
    if display_width(names) > COVER_NAMES and len(pairing.recipients) > 1:  # the cover lists them all below
        names = f"{pairing.supporter.name}与{cn_count(len(pairing.recipients))}所受援学校"
    return Spec(bundle.key, names, [f"{supporter_word(pairing, prog)}：{pairing.supporter.name}"] +
                [f"{recipient_word(prog)}：{r.full_name}" for r in pairing.recipients], pairing.signed_on,
                bundle.folder, bundle.pdf_name, parts, loaded, school_names(pairing), bundle.pairing)


@dataclass(frozen=True)
class Pending:
    """A bundle to make, before it is planned: which bundle it is, the seal images it stamps,
    and how to plan it. A run plans each bundle when its round is made, not all of them before
    the first (the plans of every bundle, held for the whole stage, were 12 MB at 1 000
    pairings and grew with them: issue 22)."""

    bundle: Bundle
    seals: frozenset[Path]
    """The seal images its documents' signers stamp (one with problems fails the bundle)."""
    plan: Callable[[], Spec]


BUREAU_HEADING = "结对帮扶工作文件"
"""The cover's title of the bureau's bundle: the programme's own documents (its notice, its
plan), which the bureau issues rather than submits."""


COVER_NAMES = 54
"""A bundle's title names its schools when they fit three lines of the cover's title."""


def _pad(n: int, duplex: bool) -> int:
    return n + (n % 2 if duplex else 0)


def guess_front_pages(spec: Spec) -> int:
    """Cover plus contents pages, before the cover is converted and counted."""
    return 1 + max(1, math.ceil(len(spec.parts) / ENTRIES_PER_CONTENTS_PAGE))


def cover_facts(spec: Spec, front_pages: int, duplex: bool) -> CoverFacts:
    """The cover of ``spec`` when the cover and contents take ``front_pages`` pages."""
    entries, page = [], _pad(front_pages, duplex) + 1
    for i, part in enumerate(spec.parts, 1):
        entries.append({"no": i, "title": part.title, "pages": part.pages, "start": page})
        page += _pad(part.pages, duplex)
    return CoverFacts(spec.title, spec.parties, spec.date, entries, spec.names, spec.heading)
