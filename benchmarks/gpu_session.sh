#!/usr/bin/env bash
# Every GPU measurement and `cuda` test agefast has, in three parts of at most 5 minutes each (step limits add up to
# 250 s or less, leaving 50 s for installing the wheels and the first imports). A session has 15 minutes of device
# time, a machine's start (1-2 min) included: two parts fit with room to rerun one step, so run them in this order,
# `speed`, `accuracy`, `predict`, across sessions, and say in benchmarks/RESULTS.md which ran.
#
# Here, once (stages the wheels the GPU image lacks, dlib-bin for the face detector, and the data):
#   bash benchmarks/gpu_session.sh stage
# Then one device `run` per part, from the repository root, carrying the folders it names, the next call right after
# the last (a machine stays warm 30 s):
#   bash benchmarks/gpu_session.sh speed     # carry [".whl", ".data/utkface_64"]: throughput (a/b/c/d) and time to test
#                                            #   MAE <= 5.5 (40-epoch schedule), then the 20-epoch schedule without mixup
#   bash benchmarks/gpu_session.sh accuracy  # carry [".whl", ".data/utkface_64"]: a 40-epoch age+gender UTKFace run,
#                                            #   then look-alike search with that model
#   bash benchmarks/gpu_session.sh predict   # carry [".whl", ".data/predict"]: cuda cells of notebooks 00-13,
#                                            #   prediction speed on 200 px photos (1,000 UTKFace chips: all 9,175 and the
#                                            #   wheels together pass the 64 MiB a call may carry)
# Each part writes its log, each step's output (NAME.out), steps.txt (name, exit code, seconds) and summary.md (each
# step with the Markdown rows it printed for RESULTS.md) into $OUT, and exits 1 if a step failed.
#
#   bash benchmarks/gpu_session.sh smoke     # all three parts on this CPU, tiny sizes and generated faces: every step's
#                                            #   wiring and every file one step hands the next (the test suite runs it)
# Not here: 90_train_utkface's cuda cells (about 5 min) and the research grids (91-93, about an hour each).
set -uo pipefail
part=${1:?usage: bash benchmarks/gpu_session.sh stage|speed|accuracy|predict|smoke}
cd "$(dirname "$0")/.."

if [ "$part" = stage ]; then
  mkdir -p "$(git rev-parse --git-dir)/info" # prepare.sh adds .whl and .data to its exclude file
  bash ../shared/device/prepare.sh utkface_64 || exit 1
  rm -rf .data/predict && mkdir -p .data/predict/utkface
  ls ../shared/data/utkface | shuf -n 1000 --random-source=<(yes) | sed 's|^|../shared/data/utkface/|' | xargs cp -t .data/predict/utkface
  python3 -m pip download -q dlib-bin --no-deps --only-binary=:all: --python-version 3.12 \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .whl 2>&1 | grep -v "is ignored" || true
  ls .whl | grep -q dlib_bin || echo "no dlib-bin wheel staged: 'predict' needs it (the dlib face detector)"
  du -sh .whl .data/*; exit 0
fi
case "$part" in speed|accuracy|predict|smoke) ;; *) echo "unknown part $part: use stage, speed, accuracy, predict or smoke"; exit 2 ;; esac

OUT=${OUT:-runs/gpu_session}; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
exec > >(tee -a "$OUT/$part.log") 2>&1
: > "$OUT/steps.txt"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 # a step stopped at its limit keeps what it printed
if [ "$part" = smoke ]; then # tiny sizes on generated faces, on whatever this machine has
  parts=(speed accuracy predict)
  export AGEFAST_DATA=$OUT/no_data AGEFAST_CACHE=$OUT/cache MPLBACKEND=Agg # no real data: predict_speed draws photos
  mkdir -p "$AGEFAST_DATA"
  $PY -c "import sys; from agefast.synth import synth_faces; synth_faces(sys.argv[1], n=160, seed=0)" "$OUT/faces" || exit 1
  D64=$OUT/faces SIZE=32 BS=16 BATCHES=3 EPOCHS=1 EPOCHS20=1 TARGET=200 WORKERS=(--workers 0)
  NGEN=3000 QUERIES=50 TREES=(2 8) SEARCH_K=(-1 400) PHOTOS=6 REPEATS=2 PBS=8 NB=(--path nbs/06_losses.ipynb)
  COMPILE=(--compile --compile-backend aot_eager) # traced, no kernels generated: inductor's C++ takes a minute here
else
  parts=("$part")
  if ls .whl/*.whl > /dev/null 2>&1; then # a warm machine keeps /tmp/site from an earlier call
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  fi
  export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH AGEFAST_DATA=$PWD/.data/predict AGEFAST_CACHE=/tmp/agefast_cache MPLBACKEND=Agg
  D64=.data/utkface_64 SIZE=64 BS=256 BATCHES=50 EPOCHS=40 EPOCHS20=20 TARGET=5.5 WORKERS=()
  NGEN=1000000 QUERIES=1000 TREES=(10) SEARCH_K=(-1 1000 2000) PHOTOS=300 REPEATS=30 PBS=256
  NB=(--file_glob '[012]*.ipynb' --n_workers 8)
  COMPILE=(--compile)
fi
AGEFAST=($PY -c 'import sys; from agefast.cli import main; sys.argv[0] = "agefast"; sys.exit(main())') # no console script there
step() { # step SECONDS NAME COMMAND...: run it under a time limit, keep its output in $OUT/NAME.out, say how it ended
  local limit=$1 name=$2; shift 2; local t0=$SECONDS
  echo "=== $name ($(date -u +%FT%TZ), limit ${limit}s): $*"
  timeout "$limit" "$@" 2>&1 | tee "$OUT/$name.out"; local rc=${PIPESTATUS[0]}
  echo "=== $name: exit $rc after $((SECONDS - t0)) s"; echo "$name $rc $((SECONDS - t0))" >> "$OUT/steps.txt"
}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>/dev/null | tee "$OUT/gpu.txt" || echo "no nvidia-smi: no GPU here"
$PY -c "import torch, fastai, agefast; print('torch', torch.__version__, 'fastai', fastai.__version__, 'agefast', agefast.__version__, 'cuda', torch.cuda.is_available())" || exit 1

for p in "${parts[@]}"; do case "$p" in
speed) # the issue's command first (throughput and time to MAE <= 5.5 on the 40-epoch schedule), then the same target on
       # a 20-epoch one-cycle without mixup (the 40-epoch schedule is still at a high learning rate at 20)
  step 190 throughput $PY benchmarks/train_throughput.py --data "$D64" --arch resnet18 --size $SIZE --bs $BS \
    --batches $BATCHES "${COMPILE[@]}" --target-mae $TARGET --epochs $EPOCHS "${WORKERS[@]}" --out "$OUT/throughput"
  step 60 time_to_mae_20_no_mixup $PY benchmarks/train_throughput.py --data "$D64" --arch resnet18 --size $SIZE \
    --bs $BS --batches 0 --target-mae $TARGET --epochs $EPOCHS20 --mixup 0 --out "$OUT/time_to_mae_20_no_mixup" ;;
accuracy) # the model it saves is the one the look-alike step embeds with
  step 150 accuracy_age_gender $PY benchmarks/utkface_accuracy.py --data "$D64" --task age_gender --arch resnet18 \
    --sizes $SIZE --epochs $EPOCHS --bs $BS --lr 3e-3 --tta --fast --no-peer "${WORKERS[@]}" --out "$OUT/age_gender"
  step 20 prepare "${AGEFAST[@]}" prepare "$D64" --out "$OUT/prepare" --no-plots
  step 80 similarity $PY benchmarks/similarity.py --model "$OUT/age_gender/model.safetensors" --faces "$OUT/prepare/faces.csv" \
    --n-generated $NGEN --n-queries $QUERIES --trees "${TREES[@]}" --search-k "${SEARCH_K[@]}" --out "$OUT/similarity" ;;
predict)
  step 150 nbdev_test_cuda nbdev_test --flags cuda --timing "${NB[@]}"
  step 90 predict_speed $PY benchmarks/predict_speed.py --arch resnet18 --size 64 --n-photos $PHOTOS --repeats $REPEATS \
    --bs $PBS "${WORKERS[@]}" --out "$OUT/predict_speed" ;;
esac; done

while read -r name rc secs; do # each step's result and the table rows it printed
  printf '### %s: exit %s after %s s\n\n' "$name" "$rc" "$secs"; grep '^|' "$OUT/$name.out"; echo
done < "$OUT/steps.txt" > "$OUT/summary.md"
echo "--- steps (name, exit code, seconds):"; cat "$OUT/steps.txt"; echo "--- summary:"; cat "$OUT/summary.md"
! grep -qv ' 0 [0-9]*$' "$OUT/steps.txt" # exit 1 when a step failed
