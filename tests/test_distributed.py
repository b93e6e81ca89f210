"Distributed training through fastai's distrib_ctx: two CPU processes under gloo, launched as a user launches GPUs."
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import pandas as pd, pytest
from conftest import agefast_cmd

def test_train_two_processes(tmp_path):
    torchrun = Path(sys.executable).with_name('torchrun')
    if not torchrun.exists(): torchrun = shutil.which('torchrun')
    pytest.importorskip('accelerate')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg', 'CUDA_VISIBLE_DEVICES': ''} # CPU processes even beside a GPU
    r = subprocess.run(agefast_cmd() + ['prepare', '--n-synth', '100', '--no-plots', '--workers', '0'], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([str(torchrun), '--nproc_per_node', '2', agefast_cmd()[0], 'train', '--sizes', '32', '--epochs', '1', '--bs', '8', '--workers', '0'],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    info = json.loads((tmp_path/'runs'/'train'/'train.json').read_text())
    assert info['processes'] == 2 and info['valid']['mae'] > 0
    assert (tmp_path/'runs'/'train'/'model.safetensors').stat().st_size > 0
    assert r.stdout.count('wrote runs/train/model.safetensors') == 1 # only the first process writes
    # each process's batches and model sit on one device, its own (the CPU here; under GPUs, the one LOCAL_RANK names)
    devices = re.findall(r'process (\d) of 2: batches on (\S+), model on (\S+)', r.stdout)
    assert sorted(p for p, *_ in devices) == ['0', '1'] and all(b == m for _, b, m in devices), devices

    # the valid scores the first process reports cover both processes' shares, the padding left out: they equal the
    # scores of the saved model on the same faces in one process
    from agefast.export import load_model
    from agefast.predict import model_learner
    from agefast.evaluate import evaluate
    df = pd.read_csv(tmp_path/'runs'/'prepare'/'faces.csv')
    assert (df.split == 'valid').sum() % 2 == 1 # an odd number: one face is repeated to give both processes as many
    ev = evaluate(model_learner(load_model(tmp_path/'runs'/'train'/'model.safetensors'), df), df, split='valid')
    for k in ('mae', 'rmse', 'cs@5', 'gender_acc'):
        assert abs(ev.summary[k].iloc[0] - info['valid'][k]) < 1e-4, (k, ev.summary[k].iloc[0], info['valid'][k])
