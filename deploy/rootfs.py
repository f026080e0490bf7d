#!/usr/bin/env python3
"""Build the image of deploy/Containerfile without a container runtime, and run docgen in it.

    python3 deploy/rootfs.py [--root DIR] [--keep] [--no-tests] [-- PYTEST ARGS]

Where podman or docker cannot run a container (a machine that forbids the limits a runtime
sets), this does what ``podman build -f deploy/Containerfile .`` would, step by step, as root:

1. ``FROM debian:bookworm-slim``: ``mmdebstrap --variant=minbase bookworm`` with the slim
   image's dpkg excludes (no manuals, no documentation but copyright files, no translations);
2. every ``ENV``, ``WORKDIR``, ``USER`` and ``RUN`` of the Containerfile in order, each ``RUN``
   by ``chroot`` (as the ``USER`` then in force) with /proc, /dev and /dev/shm mounted, and
   ``COPY . /opt/docgen`` from ``git archive HEAD`` less what ``.containerignore`` names (the
   image is built from a commit, never from a work tree's leftovers);
3. then, as the image's user and through its ENTRYPOINT: the main job on the example data
   (``docgen validate``, ``templates check``, ``bundle`` — exit 7 is the examples' expected
   state — and ``report``), and the whole test suite (``python -m pytest``).

It prints what it ran and exits non-zero if any step fails. Nothing here is specific to
this machine: the same script verifies the Containerfile anywhere mmdebstrap runs.
"""
from __future__ import annotations

import argparse
import fnmatch
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONTAINERFILE = REPO / "deploy" / "Containerfile"
SLIM_EXCLUDES = [  # what debian:bookworm-slim leaves out (its /etc/dpkg/dpkg.cfg.d/docker)
    "path-exclude=/usr/share/man/*", "path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright",
    "path-exclude=/usr/share/locale/*", "path-include=/usr/share/locale/locale.alias",
    "path-exclude=/usr/share/info/*", "path-exclude=/usr/share/lintian/*", "path-exclude=/usr/share/linda/*",
]


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in path.read_text("utf-8").splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        line, pending = pending + line, ""
        word, _, rest = line.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def env_pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in shlex.split(text):
        key, _, value = item.partition("=")
        pairs[key] = value
    return pairs


class Rootfs:
    """A root file system with the mounts a RUN needs, and what the Containerfile set so far."""

    def __init__(self, root: Path):
        self.root = root
        self.env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
        self.workdir = "/"
        self.user = "root"
        self.entrypoint: list[str] = []
        self.mounted: list[Path] = []

    def mount(self) -> None:
        for kind, target, options in (("proc", "proc", []), ("bind", "dev", ["--bind", "/dev"]),
                                      ("bind", "dev/pts", ["--bind", "/dev/pts"]), ("tmpfs", "dev/shm", ["-o", "size=1g"])):
            where = self.root / target
            where.mkdir(parents=True, exist_ok=True)
            command = ["mount"] + (options if kind == "bind" else ["-t", kind] + options + [kind]) + [str(where)]
            subprocess.run(command, check=True)
            self.mounted.append(where)
        shutil.copy("/etc/resolv.conf", self.root / "etc" / "resolv.conf")  # apt and pip reach their registries
        hosts = self.root / "etc" / "hosts"  # what a container runtime writes at every start
        if not hosts.exists():
            hosts.write_text("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", encoding="utf-8")

    def unmount(self) -> None:
        for where in reversed(self.mounted):
            if subprocess.run(["umount", str(where)], check=False).returncode:
                subprocess.run(["umount", "-l", str(where)], check=False)
        self.mounted.clear()

    def still_mounted(self) -> list[str]:
        """Mounts left under the root (never delete the tree then: /dev is the host's)."""
        root = str(self.root.resolve())
        with open("/proc/mounts") as mounts:
            return [line.split()[1] for line in mounts if line.split()[1].startswith(root + "/")]

    def trust(self, bundle: Path) -> None:
        """Builds reach their registries through a TLS proxy: its CA bundle, for pip and apt's https."""
        (self.root / "etc" / "ssl").mkdir(parents=True, exist_ok=True)
        shutil.copy(bundle, self.root / "etc" / "ssl" / "build-ca.crt")
        self.env.update({"PIP_CERT": "/etc/ssl/build-ca.crt", "SSL_CERT_FILE": "/etc/ssl/build-ca.crt",
                         "REQUESTS_CA_BUNDLE": "/etc/ssl/build-ca.crt"})

    def run(self, command: str | list[str], *, user: str | None = None, check: bool = True,
            ok: tuple[int, ...] = (0,)) -> int:
        """``command`` in the root file system as the image would run it (a string: by /bin/sh -c)."""
        user = user or self.user
        argv = ["/bin/sh", "-c", command] if isinstance(command, str) else command
        env = [f"{k}={v}" for k, v in self.env.items()]
        if user != "root":
            env = [e for e in env if not e.startswith("HOME=")] + [f"HOME=/home/{user}", f"USER={user}"]
        full = ["chroot"] + ([f"--userspec={user}:{user}"] if user != "root" else []) + [str(self.root),
               "/usr/bin/env", "-i", *env, "/bin/sh", "-c", f"cd {shlex.quote(self.workdir)} && exec \"$@\"", "sh", *argv]
        shown = command if isinstance(command, str) else shlex.join(command)
        print(f"\n$ [{user} in {self.workdir}] {shown}", flush=True)
        started = time.monotonic()
        code = subprocess.run(full).returncode
        print(f"  -> exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if check and code not in ok:
            raise SystemExit(f"step failed (exit {code}): {shown}")
        return code


def copy_context(target: Path) -> None:
    """COPY . : the committed tree (git archive HEAD) less what .containerignore names."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "HEAD"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    ignore = REPO / ".containerignore"
    patterns = [line.strip() for line in ignore.read_text("utf-8").splitlines()
                if line.strip() and not line.startswith("#")] if ignore.is_file() else []
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.removeprefix("**/")) or
               fnmatch.fnmatch(path.name, p.removeprefix("**/")) for p in patterns):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print(f"COPY . {target}: commit {commit.stdout.strip()} (git archive HEAD, .containerignore applied)")


def build(fs: Rootfs, ca: Path | None) -> None:
    steps = instructions(CONTAINERFILE)
    base = steps[0]
    if base[0] != "FROM" or "bookworm-slim" not in base[1]:
        raise SystemExit(f"the Containerfile starts with {base}, not FROM …debian:bookworm-slim")
    started = time.monotonic()
    subprocess.run(["mmdebstrap", "--variant=minbase", *[f"--dpkgopt={o}" for o in SLIM_EXCLUDES], "bookworm",
                    str(fs.root)], check=True)
    print(f"FROM {base[1]}: mmdebstrap --variant=minbase bookworm in {time.monotonic() - started:.0f} s")
    fs.mount()
    if ca is not None:
        fs.trust(ca)
    for word, rest in steps[1:]:
        if word == "ENV":
            fs.env.update(env_pairs(rest))
        elif word == "WORKDIR":
            fs.workdir = rest
            (fs.root / rest.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif word == "USER":
            fs.user = rest
        elif word == "RUN":
            fs.run(rest)
        elif word == "COPY":
            source, destination = rest.split()
            if source != ".":
                raise SystemExit(f"COPY {rest}: only the whole context is copied here")
            copy_context(fs.root / destination.lstrip("/"))
        elif word == "ENTRYPOINT":
            import json

            fs.entrypoint = json.loads(rest)
        elif word in ("CMD", "LABEL", "EXPOSE", "VOLUME"):
            continue
        else:
            raise SystemExit(f"{word}: not an instruction this script knows how to run")


def verify(fs: Rootfs, tests: bool, pytest_args: list[str]) -> None:
    """The main job on the example data, then the tests, as the image's user."""
    docgen = fs.entrypoint
    fs.run(["id"])
    fs.run(docgen + ["validate", "/opt/docgen/data"])
    fs.run(docgen + ["templates", "check"])
    fs.run(docgen + ["bundle", "/opt/docgen/data", "-o", "/out/examples"], ok=(0, 7))
    fs.run(docgen + ["report", "/opt/docgen/data", "-o", "/out/examples"])
    fs.run(["sh", "-c", "ls /out/examples/*/bundles/*.zip | wc -l; du -sh /out/examples"])
    if tests:  # as the image's user, in a copy it may write into (tests make files beside the code)
        fs.run(["cp", "-a", "/opt/docgen/.", "/work/docgen"])
        fs.workdir = "/work/docgen"
        fs.run(["/opt/docgen/.venv/bin/python", "-m", "pytest", "-p", "no:cacheprovider", *pytest_args])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=None, help="where to build (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the root file system afterwards")
    parser.add_argument("--no-tests", action="store_true", help="the main job only")
    parser.add_argument("--ca", type=Path, default=None,
                        help="a CA bundle the build's downloads need (egress through a TLS proxy), e.g. "
                             "/etc/ssl/certs/ca-certificates.crt of the host; not part of the image's own steps")
    parser.add_argument("pytest_args", nargs="*", help="after --: arguments for pytest inside")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (mmdebstrap, mount and chroot need it)")
    root = args.root or Path(tempfile.mkdtemp(prefix="docgen-rootfs-"))
    fs = Rootfs(root)
    try:
        build(fs, args.ca)
        verify(fs, not args.no_tests, args.pytest_args)
        print(f"\nthe image's steps and checks all passed ({root})")
        return 0
    finally:
        fs.unmount()
        left = fs.still_mounted()
        if left:
            print(f"still mounted, {root} kept: {left}", file=sys.stderr)
        elif not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
