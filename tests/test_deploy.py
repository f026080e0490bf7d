"""The container and the cluster files (issue 21): one image for the Indexed Job and the
workspace, a non-root user and docgen as entry point, one replica of the workspace that is
never rolled over itself, and a rootfs script that reads the Containerfile it verifies."""
from __future__ import annotations

import importlib.util

import yaml

from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def _rootfs():
    spec = importlib.util.spec_from_file_location("rootfs", DEPLOY / "rootfs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_containerfile_runs_setup_as_a_workstation_does_and_docgen_as_a_non_root_user():
    steps = _rootfs().instructions(DEPLOY / "Containerfile")
    words = [w for w, _ in steps]
    assert steps[0] == ("FROM", "docker.io/library/debian:bookworm-slim")
    assert ("RUN", "bash scripts/setup.sh && rm -rf /var/lib/apt/lists/* /root/.cache/pip") in steps
    user = [rest for w, rest in steps if w == "USER"]
    assert user == ["docgen"] and words.index("USER") > max(i for i, w in enumerate(words) if w == "RUN")
    assert ("ENTRYPOINT", '["docgen"]') in steps
    assert set(words) <= {"FROM", "ENV", "RUN", "COPY", "WORKDIR", "USER", "ENTRYPOINT", "CMD"}  # what rootfs.py runs


def test_the_job_and_the_workspace_use_that_image():
    job = yaml.safe_load((DEPLOY / "k8s-indexed-job.yaml").read_text("utf-8"))
    docs = list(yaml.safe_load_all((DEPLOY / "k8s-serve.yaml").read_text("utf-8")))
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    service = next(d for d in docs if d["kind"] == "Service")
    job_container = job["spec"]["template"]["spec"]["containers"][0]
    serve_container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert job_container["image"] == serve_container["image"] == "registry.example.cn/docgen:0.1.0"
    assert job_container["args"][0] == "bundle" and serve_container["args"][:2] == ["serve", "/data"]
    assert deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"] == {"type": "Recreate"}
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    claims = [d for d in docs if d["kind"] == "PersistentVolumeClaim"]
    assert claims and all(c["spec"]["accessModes"] == ["ReadWriteOnce"] for c in claims)
    first = deployment["spec"]["template"]["spec"]["initContainers"][0]["command"][-1]
    assert "< /secret/password" in first and "--password" not in first  # never an argument
