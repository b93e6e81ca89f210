"""The scoring benchmarks of issue 16 end to end on generated faces: `utkface_accuracy.py --model` scores a trained
model without training one, and `long_runs.py` scores a finished run folder with and without test-time augmentation."""
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]

def bench(*args, cwd=ROOT):
    r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                       env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return r.stdout

@pytest.fixture(scope='module')
def faces_and_model(tmp_path_factory):
    "60 generated UTKFace files, their fixed split, and an untrained age + gender model saved as a run folder"
    from agefast.synth import synth_faces
    from agefast.model import AgeGenderModel
    from agefast.export import save_model
    from agefast.core import save_csv
    sys.path.insert(0, str(ROOT/'benchmarks'))
    from utkface_accuracy import fixed_split
    tmp = tmp_path_factory.mktemp('bench')
    data = synth_faces(tmp/'utk', n=60, seed=3)
    df = fixed_split(data)
    save_csv(df, tmp/'faces.csv', index=False)
    run = tmp/'run_s0'; run.mkdir()
    save_model(AgeGenderModel('resnet18', pretrained=False), run/'model.safetensors', 64)
    (run/'train.json').write_text(json.dumps(dict(task='age_gender', epochs=1, sizes=[64], seed=0, bs=16, seconds=6.)))
    return data, df, tmp

def test_accuracy_scores_a_given_model(faces_and_model):
    data, df, tmp = faces_and_model
    out = tmp/'acc'
    text = bench('benchmarks/utkface_accuracy.py', '--data', data, '--model', tmp/'run_s0'/'model.safetensors',
                 '--no-peer', '--bs', 16, '--out', out)
    res = json.loads((out/'results.json').read_text())
    assert res['model'].endswith('model.safetensors') and res['train_seconds'] == 0 and res['epochs_per_size'] == 0
    assert res['task'] == 'age_gender' and res['test_faces'] == (df.split == 'test').sum()
    assert 0 < res['agefast']['mae'] < 120 and 0 <= res['agefast']['gender_acc'] <= 1
    pred = pd.read_csv(out/'test_predictions.csv')
    assert len(pred) == res['test_faces'] and pred.pred_age.notna().all()
    assert not (out/'model.safetensors').exists() # nothing trained, nothing saved
    assert '| model.safetensors' not in text and 'run_s0' in text.splitlines()[-1] # the Markdown row names the model

def test_long_runs_tta_rows(faces_and_model):
    data, df, tmp = faces_and_model
    csv = tmp/'long.csv'
    pd.DataFrame([dict(run='old', weights='last', tta=True, test_mae=9.)]).to_csv(csv, index=False) # a bool-era row
    bench('benchmarks/long_runs.py', tmp/'run_s0', '--faces', tmp/'faces.csv', '--tta', 'flip', '--out', csv)
    t = pd.read_csv(csv)
    assert t.set_index(['run', 'weights', 'tta']).index.is_unique
    assert t[t.run == 'old'].tta.tolist() == ['augment'] # True read as the augmented TTA it meant
    mine = t[t.run == 'run_s0'].set_index('tta')
    assert sorted(mine.index) == ['flip', 'no'] and (mine.weights == 'last').all()
    assert mine.test_mae.between(0, 120).all() and mine.coverage.between(0, 1).all()
    assert mine.loc['flip', 'test_mae'] != mine.loc['no', 'test_mae'] # the mirror images changed the predictions
