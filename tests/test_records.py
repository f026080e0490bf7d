"""The typed records that cross packages: a manifest read back is the manifest written, and
the preflight reads older manifests too."""
from __future__ import annotations

import json

from docgen.records import Box, Finding, Manifest, PlacedDocument, Verdict


def test_every_bundle_manifest_reads_back_to_the_same_bytes(example_bundles):
    out, _ = example_bundles
    manifests = sorted(out.glob("*/bundles/*/manifest.json"))
    assert manifests
    for path in manifests:
        written = path.read_bytes()
        manifest = Manifest.from_json(written)
        assert manifest.to_json() == written, path
        assert manifest.preflight is not None and all(isinstance(v, Verdict) for v in manifest.preflight)
        assert all(isinstance(s.seal_box, Box) for s in manifest.seals)


def test_a_manifest_of_an_earlier_version_is_read_with_its_parts_last():
    older = {"tool": "docgen", "version": "0.0.9", "pdf": {"path": "a.pdf", "pages": 5,
             "documents": [{"title": "协议书", "word": "a.docx", "pages": 3}]},
             "seals": [{"party": "甲中学", "page": 3}]}  # a seal entry without boxes is not a placed seal
    manifest = Manifest.from_json(json.dumps(older))
    assert manifest.documents == [PlacedDocument("协议书", "", "a.docx", None, 3, 3)]
    assert manifest.seals == [] and manifest.preflight is None
    assert "preflight" not in manifest.to_dict()


def test_a_finding_names_its_file_and_document_once_located():
    finding = Finding("页码", 2, "页码不在版心下").at("out/a.pdf", "协议书")
    assert (finding.file, finding.document, finding.rule, finding.page) == ("out/a.pdf", "协议书", "页码", 2)
    assert finding.to_json() == {"rule": "页码", "page": 2, "detail": "页码不在版心下"}
