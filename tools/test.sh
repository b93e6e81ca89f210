#!/usr/bin/env bash
# The whole test suite, set-up included: install (dev), check that agefast/ is what nbdev_export
# makes from nbs/, run every notebook (nbdev_test), then pytest tests/.
# Then the docs site is built (tools/build_docs.py, in the docs test) and screenshots of it land in artifacts/.
# Cells flagged `slow` (real data) or `cuda` (GPU) are skipped; add them with
#   NBDEV_FLAGS="slow" bash tools/test.sh      (or "slow cuda" on a GPU machine)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh dev
# the docs test opens the built site in Debian's Chromium (driven by Playwright, which downloads no browser)
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  { apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; } >/dev/null 2>&1 \
    || echo "could not install chromium: the docs browser tests will be skipped"
fi
VENV=${AGEFAST_VENV:-.venv}
# every temporary file of the run (the notebooks' examples, pytest's folders, the wheel test's virtual
# environment) goes into one folder, removed at the end whatever happens: runs never fill the disk
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/agefast-test.XXXXXX")
trap 'rm -rf "$TMPDIR"' EXIT
export TMPDIR AGEFAST_CACHE=$TMPDIR/agefast-cache # decoded faces too: their keys are the run's own temporary paths
case $VENV in /*) ;; *) VENV=$PWD/$VENV ;; esac
export PATH="$VENV/bin:$PATH" MPLBACKEND=Agg PYTHONWARNINGS=ignore::FutureWarning
echo "== nbdev_test ${NBDEV_FLAGS:+(flags: $NBDEV_FLAGS)}"
# two notebooks at a time, one torch thread each: two training notebooks with two threads each
# oversubscribe a 2-core machine and run several times slower
time OMP_NUM_THREADS=${NB_THREADS:-1} nbdev_test --n_workers ${NB_WORKERS:-2} --timing --flags "${NBDEV_FLAGS:-}"
# each notebook removes what its examples wrote (a last hidden cell): what else is left is a leak (compiler and
# face caches aside; hidden files are not ours)
left=$(ls "$TMPDIR" | grep -v -E '^(torchinductor_.*|gradio|agefast-cache)$' || true)
[ -z "$left" ] || { echo "the notebooks left in the temporary folder: $left"; exit 1; }
echo "== how the notebooks and modules read (tools/nb_metrics.py; tests/test_nb_metrics.py checks the targets)"
python tools/nb_metrics.py | tail -n 1
echo "== pytest (the docs test keeps its screenshots in ${AGEFAST_ARTIFACTS:-artifacts}/ as CI artifacts)"
# two test files at a time (pytest-xdist; a file's tests stay in one process, so its fixtures are made once): most
# tests wait on a subprocess with one torch thread, and one file at a time would leave a core idle. Files go out in
# the order tests/conftest.py gives them, the longest first (xdist's own order is by number of tests)
time pytest -q -ra -n ${PYTEST_WORKERS:-2} --dist loadfile --no-loadscope-reorder tests ${PYTEST_ARGS:-}
