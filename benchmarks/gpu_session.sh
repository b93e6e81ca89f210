#!/usr/bin/env bash
# Every GPU measurement and `cuda` test agefast has, in three device calls that each fit the lease's
# 10-minute limit (a session has 30 minutes of device time in all). Logs, JSON and plots go to $OUT.
#
# Here, once (stages the wheels the GPU image lacks, dlib-bin for the face detector, and the data):
#   bash benchmarks/gpu_session.sh stage
# Then one device `run` per part, from the repository root, carrying the folders it names:
#   bash benchmarks/gpu_session.sh speed     # carry [".whl", ".data/utkface_64"]: throughput (a/b/c/d), time to
#                                            #   test MAE <= 5.5 (40- and 20-epoch schedules, with and without mixup)
#   bash benchmarks/gpu_session.sh accuracy  # carry [".whl", ".data/utkface_64"]: 40-epoch UTKFace runs (age +
#                                            #   gender, age, gender), then look-alike search with that model
#   bash benchmarks/gpu_session.sh predict   # carry [".data/utkface"] on the machine warm from the calls before
#                                            #   (it keeps .whl, /tmp/site and .data/utkface_64; all of them at once
#                                            #   pass the 64 MiB carry limit): cuda cells of notebooks 00-13,
#                                            #   prediction speed on 200 px photos, cuda cells of 90_train_utkface
# The research grids (nbs/91-93, `cuda` cells) take about an hour each: they need a longer lease than one
# session has and are not part of this script.
set -uo pipefail
part=${1:?usage: bash benchmarks/gpu_session.sh stage|speed|accuracy|predict}
cd "$(dirname "$0")/.."

if [ "$part" = stage ]; then
  mkdir -p "$(git rev-parse --git-dir)/info" # prepare.sh adds .whl and .data to its exclude file
  bash ../shared/device/prepare.sh utkface_64 utkface || exit 1
  python3 -m pip download -q dlib-bin --no-deps --only-binary=:all: --python-version 3.12 \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 -d .whl 2>&1 | grep -v "is ignored" || true
  ls .whl | grep -q dlib_bin || echo "no dlib-bin wheel staged: 'predict' needs it (the dlib face detector)"
  du -sh .whl .data/*; exit 0
fi

OUT=${OUT:-runs/gpu_session}; mkdir -p "$OUT"
log="$OUT/$part.log"; exec > >(tee -a "$log") 2>&1
if ls .whl/*.whl > /dev/null 2>&1; then # a warm machine keeps /tmp/site from an earlier call
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
fi
export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH AGEFAST_DATA=$PWD/.data AGEFAST_CACHE=/tmp/agefast_cache MPLBACKEND=Agg
AGEFAST=(python3 -c 'import sys; from agefast.cli import main; sys.argv[0] = "agefast"; sys.exit(main())') # no console script here
step() { # step SECONDS NAME COMMAND...: run it under a time limit, say how it ended
  local limit=$1 name=$2; shift 2; local t0=$SECONDS
  echo "=== $name ($(date -u +%FT%TZ), limit ${limit}s): $*"
  timeout "$limit" "$@"; local rc=$?
  echo "=== $name: exit $rc after $((SECONDS - t0)) s"; echo "$name $rc $((SECONDS - t0))" >> "$OUT/steps.txt"
}
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$OUT/gpu.txt"
python3 -c "import torch, fastai, agefast; print('torch', torch.__version__, 'fastai', fastai.__version__, 'agefast', agefast.__version__, 'cuda', torch.cuda.is_available())" || exit 1

case "$part" in
speed) # the issue's command first; then the same target with a one-cycle budget of 20 epochs (the 40-epoch schedule is
       # still at a high learning rate at 20), with and without mixup (the CPU ablation's best was without)
  step 300 throughput python3 benchmarks/train_throughput.py --data .data/utkface_64 --arch resnet18 --size 64 --bs 256 \
    --batches 100 --compile --target-mae 5.5 --epochs 40 --out "$OUT/throughput"
  step 100 time_to_mae_20 python3 benchmarks/train_throughput.py --data .data/utkface_64 --arch resnet18 --size 64 \
    --bs 256 --batches 0 --target-mae 5.5 --epochs 20 --out "$OUT/time_to_mae_20"
  step 100 time_to_mae_20_no_mixup python3 benchmarks/train_throughput.py --data .data/utkface_64 --arch resnet18 --size 64 \
    --bs 256 --batches 0 --target-mae 5.5 --epochs 20 --mixup 0 --out "$OUT/time_to_mae_20_no_mixup" ;;
accuracy)
  step 200 accuracy_age_gender python3 benchmarks/utkface_accuracy.py --data .data/utkface_64 --task age_gender --arch resnet18 \
    --sizes 64 --epochs 40 --bs 256 --lr 3e-3 --tta --fast --no-peer --out "$OUT/age_gender"
  step 100 accuracy_age python3 benchmarks/utkface_accuracy.py --data .data/utkface_64 --task age --arch resnet18 \
    --sizes 64 --epochs 40 --bs 256 --lr 3e-3 --tta --fast --no-peer --out "$OUT/age"
  step 80 accuracy_gender python3 benchmarks/utkface_accuracy.py --data .data/utkface_64 --task gender --arch resnet18 \
    --sizes 64 --epochs 40 --bs 256 --lr 3e-3 --fast --no-peer --out "$OUT/gender"
  step 20 prepare "${AGEFAST[@]}" prepare .data/utkface_64 --out /tmp/prep --no-plots
  step 120 similarity python3 benchmarks/similarity.py --model "$OUT/age_gender/model.safetensors" --faces /tmp/prep/faces.csv \
    --n-generated 1000000 --trees 10 --search-k -1 1000 2000 --out "$OUT/similarity" ;;
predict) # last, so the shortest first: the lease may end before the call's ten minutes do
  step 120 nbdev_test_cuda nbdev_test --flags cuda --n_workers 4 --timing --file_glob '[01]*.ipynb'
  step 150 predict_speed python3 benchmarks/predict_speed.py --arch resnet18 --size 64 --n-photos 400 --repeats 50 --workers 15 \
    --out "$OUT/predict_speed"
  step 300 nbdev_test_90 nbdev_test --flags cuda --timing --path nbs/90_train_utkface.ipynb ;;
*) echo "unknown part $part: use stage, speed, accuracy or predict"; exit 2 ;;
esac
echo "--- steps (name, exit code, seconds):"; cat "$OUT/steps.txt"
