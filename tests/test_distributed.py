"Distributed training through fastai's distrib_ctx: two CPU processes under gloo, launched as a user launches GPUs."
import json, os, shutil, subprocess, sys
from pathlib import Path
import pytest
from conftest import agefast_cmd

def test_train_two_processes(tmp_path):
    torchrun = Path(sys.executable).with_name('torchrun')
    if not torchrun.exists(): torchrun = shutil.which('torchrun')
    pytest.importorskip('accelerate')
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MPLBACKEND': 'Agg'}
    r = subprocess.run(agefast_cmd() + ['prepare', '--n-synth', '100', '--no-plots', '--workers', '0'], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([str(torchrun), '--nproc_per_node', '2', agefast_cmd()[0], 'train', '--sizes', '32', '--epochs', '1', '--bs', '8', '--workers', '0'],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    info = json.loads((tmp_path/'runs'/'train'/'train.json').read_text())
    assert info['processes'] == 2 and info['valid']['mae'] > 0
    assert (tmp_path/'runs'/'train'/'model.safetensors').stat().st_size > 0
    assert r.stdout.count('wrote runs/train/model.safetensors') == 1 # only the first process writes
