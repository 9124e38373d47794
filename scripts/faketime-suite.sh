#!/usr/bin/env bash
# Runs the whole test suite with the machine's clock moved to a night where calendars
# bite, to show that no test depends on the day it runs (issue 20).
#
#   scripts/faketime-suite.sh weekend      # the next Sunday 23:55 Stockholm time: the run
#                                          # crosses midnight into Monday, a new ISO week
#   scripts/faketime-suite.sh dst-spring   # the next last Sunday of March, 01:55 Stockholm:
#                                          # 02:00 becomes 03:00 five minutes into the run
#   scripts/faketime-suite.sh dst-fall     # the next last Sunday of October, 02:55 summer
#                                          # time: 03:00 becomes 02:00 five minutes in
#   scripts/faketime-suite.sh weekend tests/test_status.py -x   # extra pytest arguments
#
# Needs libfaketime 0.9.11 or later (below: why not 0.9.10, Debian 12's). FAKETIME_LIB
# names its libfaketime.so.1, else the system's is tried. One from upstream's source:
# `git clone -b v0.9.12 https://github.com/wolfcw/libfaketime && make -C libfaketime/src`,
# then FAKETIME_LIB=$PWD/libfaketime/src/libfaketime.so.1. A probe runs first and stops
# the script at once when the library hangs or fails Python's waits.
# PYTHON (default .venv/bin/python) runs pytest with PYTHONPATH set to this checkout, so a
# worktree's code wins in child processes too. TZ is Europe/Stockholm unless set. Prints
# the fake start, the offset, pytest's output (with its random seed) and the duration.
#
# How the clock is moved, and why so:
# * LD_PRELOAD=libfaketime with FAKETIME="+Ns", a relative offset that every process
#   inherits: pytest, the snapshot and scheduler subprocesses, Playwright's driver and
#   Chromium all read the same wall clock, which advances at the real rate. An absolute
#   "@2026-12-05 22:30:00" does not do: each new process starts its own clock at that
#   same instant, so a child reads a time behind its parent's by however long the parent
#   has run (heartbeats, run ids and file times then compare wrongly, and tests of the
#   scheduler's subprocesses fail for that reason alone).
# * FAKETIME_DONT_FAKE_MONOTONIC=1: only the wall clock moves; durations and timeouts
#   (time.monotonic) stay real, as on a machine whose clock says that date.
# * libfaketime 0.9.10 cannot run Python 3.11 under an offset: with the monotonic clock
#   faked, waits on a lock or an Event with a timeout hang (sem_clockwait is passed a fake
#   deadline, upstream issue 390); without, time.sleep fails with OSError [Errno 22]
#   (clock_nanosleep's absolute monotonic deadline gets the offset taken off, issue 426).
#   0.9.11 fixes both.
# * File times are faked too (libfaketime's stat), as files written now carry the fake
#   date on such a machine. That makes Python's imports about 3x slower (every stat goes
#   through the preload): expect the run to take longer than a plain one.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,11p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
night=$1
shift
PYTHON=${PYTHON:-.venv/bin/python}
FAKETIME_LIB=${FAKETIME_LIB:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
[ -f "$FAKETIME_LIB" ] || { echo "no libfaketime at $FAKETIME_LIB: set FAKETIME_LIB" >&2; exit 2; }
export TZ=${TZ:-Europe/Stockholm}

# the target as seconds since the epoch: the next such night after now
target=$("$PYTHON" - "$night" <<'EOF'
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

here = ZoneInfo("Europe/Stockholm")
now = datetime.now(here)
soon = now + timedelta(minutes=5)


def last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1, tzinfo=here) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def upcoming(make):
    return next(m for m in (make(now.year), make(now.year + 1)) if m > soon)


night = sys.argv[1]
if night == "weekend":
    sunday = now.date() + timedelta(days=(6 - now.weekday()) % 7)
    moment = datetime(sunday.year, sunday.month, sunday.day, 23, 55, tzinfo=here)
    if moment <= soon:
        moment += timedelta(days=7)
elif night == "dst-spring":
    moment = upcoming(lambda y: last_sunday(y, 3).replace(hour=1, minute=55))
elif night == "dst-fall":  # fold=0: the first 02:55, still summer time
    moment = upcoming(lambda y: last_sunday(y, 10).replace(hour=2, minute=55, fold=0))
else:
    raise SystemExit(f"unknown night {night!r}: weekend, dst-spring or dst-fall")
print(int(moment.timestamp()))
EOF
)
offset=$((target - $(date +%s)))

faked() {
    LD_PRELOAD=$FAKETIME_LIB FAKETIME="+${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        PYTHONPATH=$PWD "$@"
}

# the waits that 0.9.10 breaks, and a child's clock against its parent's
probe='
import subprocess, sys, threading, time
assert abs(time.time() - int(sys.argv[1])) < 60, "the wall clock was not moved"
lock = threading.Lock()
lock.acquire()
lock.acquire(timeout=0.05)
threading.Event().wait(0.05)
time.sleep(0.05)
child = float(subprocess.run([sys.executable, "-c", "import time; print(time.time())"],
                             capture_output=True, text=True, check=True).stdout)
assert time.time() - 30 < child <= time.time(), "a child reads another clock"
'
if ! faked timeout 20 "$PYTHON" -c "$probe" "$target"; then
    echo "libfaketime at $FAKETIME_LIB hangs or fails Python's waits: use 0.9.11 or later" >&2
    exit 2
fi
echo "fake clock: $(date -d "@$target" '+%a %F %T %Z') (TZ=$TZ), offset +${offset}s" >&2
started=$(date +%s)
status=0
faked "$PYTHON" -m pytest "$@" || status=$?
echo "$night: pytest exit $status in $(( $(date +%s) - started )) s" >&2
exit "$status"
