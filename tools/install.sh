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
# --no-compile: pip would byte-compile all 17,000 files of what it installs (a minute or more on two cores); Python
# compiles the modules agefast imports the first time it imports them, and keeps them
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-compile $TORCH_PINS -e ".$extra" 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
"$VENV/bin/python" -c "import agefast, torch; print(f'agefast {agefast.__version__} installed in $VENV (torch {torch.__version__})')"
