"""SQLite's sign-up writers of several processes queue on one turn (``storage.sqlite_writers``):
while one process holds it, the lock file is locked and another process's writer waits for it,
then gets it when the holder lets go."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lti_app.storage import sqlite_writers

HOLDER = """
import sys
from lti_app.storage import sqlite_writers
with sqlite_writers.turn(sys.argv[1], 5.0):
    print("holding", flush=True)
    sys.stdin.readline()  # until the test says go
    open(sys.argv[2], "w").close()  # the last thing done inside the turn
print("released", flush=True)
"""


def _probe_locked(path: str) -> bool:
    """True when some process holds the turn (a fresh descriptor cannot take the lock)."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_another_process_waits_for_the_turn_until_the_holder_lets_go(tmp_path: Path) -> None:
    database = str(tmp_path / "tool.sqlite3")
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, database, str(tmp_path / "leaving")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as holder:  # fmt: skip
        assert holder.stdin is not None and holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        lock_file = sqlite_writers.lock_file_path(database)
        assert _probe_locked(lock_file)
        assert stat.S_IMODE(os.stat(lock_file).st_mode) == 0o600

        # A writer of this process that got in before the holder let go would find no
        # "leaving" mark: the holder writes it only after the test says go.
        found_mark: list[bool] = []

        def writer() -> None:
            with sqlite_writers.turn(database, 5.0):
                found_mark.append((tmp_path / "leaving").exists())

        thread = threading.Thread(target=writer)
        thread.start()
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        thread.join(timeout=30)
        assert found_mark == [True]
        assert not _probe_locked(lock_file)  # let go again after the block
        assert holder.wait(timeout=30) == 0


def test_an_in_memory_database_takes_no_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """There is no file to put it beside: nothing is made (a relative ``:memory:-writers``
    would land in the working folder, here ``tmp_path``), and the turn is still taken."""
    monkeypatch.chdir(tmp_path)
    entered = []
    for database in (":memory:", None):
        with sqlite_writers.turn(database, 1.0):
            entered.append(database)
    assert entered == [":memory:", None]
    assert list(tmp_path.iterdir()) == []


def test_threads_of_one_process_take_the_turn_one_at_a_time(tmp_path: Path) -> None:
    writers = 8
    database = str(tmp_path / "tool.sqlite3")
    inside = 0
    most = 0
    guard = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer() -> None:
        nonlocal inside, most
        barrier.wait(30)
        for _ in range(50):
            with sqlite_writers.turn(database, 5.0):
                with guard:
                    inside += 1
                    most = max(most, inside)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert most == 1
