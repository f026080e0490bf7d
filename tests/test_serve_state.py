"""What the workspace's state file does for speed without changing what it keeps."""
from __future__ import annotations

from docgen.serve.state import State


def test_closing_a_short_connection_does_not_checkpoint_the_log(tmp_path):
    """The state file stays open for the server's life, so closing each request's short-lived
    connection is not closing the last one: SQLite then neither checkpoints the write-ahead
    log nor syncs the disk (tens of ms of every save on a busy disk)."""
    state = State(tmp_path)
    job = state.add_job("p", "bundle", "x", "生成")
    wal = state.path.with_name(state.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the log was checkpointed and removed on close"
    assert state.job(job).label == "生成"
    assert State(tmp_path).job(job).status == "waiting"  # and what was written is there for the next start
