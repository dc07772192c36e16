"""The worker killed in the middle of a store (issue 13, "nothing lost"): the import is never
half-stored, and it ends as failed, then stores whole when tried again.

Three real processes on one SQLite database of their own: one prepares a checked import, one
stores it and is killed (SIGKILL) once rows are written inside its transaction, one runs the
housekeeping an hour later and tries again. Deterministic: the kill waits for the storing
process to say it is inside the transaction."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "tests" / "fault_store_child.py"


def child(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        CAPNR_DATA_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        CAPNR_DEBUG="false",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return subprocess.Popen(
        [sys.executable, str(CHILD), args[0], str(folder), *args[1:]],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_a_store_killed_midway_leaves_nothing_and_can_be_tried_again(tmp_path: Path) -> None:
    prepare = child(tmp_path, "prepare")
    out, err = prepare.communicate(timeout=300)
    assert prepare.returncode == 0, err
    import_id = out.strip().splitlines()[-1]

    store = child(tmp_path, "store", import_id)
    marker = tmp_path / "inside-the-transaction"
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert store.poll() is None, store.communicate()[1]
        assert time.monotonic() < deadline, "the store never reached its first rows"
        time.sleep(0.05)
    store.send_signal(signal.SIGKILL)
    store.wait(timeout=60)

    recover = child(tmp_path, "recover")
    out, err = recover.communicate(timeout=300)
    assert recover.returncode == 0, err
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["before"] == {"status": "storing", "assets": 0}  # nothing half-stored
    assert seen["failed"]["status"] == "failed" and seen["failed"]["recovered"] == 1
    assert "rien n'a été enregistré" in seen["failed"]["message"]
    assert seen["after"] == {"status": "done", "assets": 3000}
