#!/usr/bin/env bash
# Make (or reuse) the project's virtual environment in .venv and install agefast into it, editable.
#   bash tools/install.sh        # runtime: torch + agefast
#   bash tools/install.sh dev    # + nbdev, jupyter, pytest (what the test suite needs)
# torch/torchvision are pinned to the releases this kind of machine holds on local disk
# (pip takes them from there; PyPI's torchvision does not import beside the CPU-only torch file).
# Elsewhere, pass other pins: TORCH_PINS="torch torchvision" bash tools/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${AGEFAST_VENV:-.venv}
TORCH_PINS=${TORCH_PINS:-"torch==2.14.1 torchvision==0.29.1"}
extra=""; [ "${1:-}" = dev ] && extra="[dev]"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
new=""; [ -e "$VENV/.compiled" ] || new=1 # not yet byte-compiled by this script (new, or stopped before)
# pip byte-compiles what it installs one file at a time (17,700 files for dev, about 100 s of one core): the first
# time, compileall does it afterwards on every core. Every process needs them compiled: Python writes no .pyc
# of its own where PYTHONDONTWRITEBYTECODE is set, as it is on our machines
"$VENV/bin/python" -m pip install -q --disable-pip-version-check ${new:+--no-compile} $TORCH_PINS -e ".$extra" 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
if [ -n "$new" ]; then # a few packages ship files that are not Python 3 (templates, tests): not ours to mend
  "$VENV/bin/python" -m compileall -qq -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" || true
  touch "$VENV/.compiled"
fi
"$VENV/bin/python" -c "import agefast, torch; print(f'agefast {agefast.__version__} installed in $VENV (torch {torch.__version__})')"
