"""The `agefast` console script end to end, as a user runs it: `--help`, `prepare` with its defaults and the main job
(prepare, train, evaluate, predict) run the installed script as subprocesses. Every other call (bad input, refusals, a
second predict) runs `agefast.cli.main`, the function the script calls, in this process (`conftest.cli`): each
subprocess would spend some 6 s importing torch and fastai."""
import pandas as pd, pytest
from conftest import cli, script, snapshot

def test_help():
    r = script('--help')
    assert r.returncode == 0 and 'usage: agefast' in r.stdout

def test_prepare_default_end_to_end(tmp_path):
    r = script('prepare', '--n-synth', 60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path/'runs'/'prepare'
    faces = pd.read_csv(out/'faces.csv')
    assert len(faces) == 57 and set(faces.split) == {'train', 'valid', 'test'}
    assert sorted(pd.read_csv(out/'skipped.csv').reason) == ['age 140 outside 0-116', 'bad name: 3 fields, race missing', 'empty', 'not an image', 'truncated']
    for f in ('age_hist.png', 'age_dist.png', 'categories.png', 'samples.png', 'counts.csv', 'split_summary.csv'): assert (out/f).stat().st_size > 0
    assert 'split: train' in r.stdout

def test_prepare_other_formats_and_bad_input(tmp_path):
    from agefast.synth import synth_faces
    wiki, appa = synth_faces(tmp_path/'wiki', 60, 'imdb-wiki'), synth_faces(tmp_path/'appa', 60, 'appa-real')
    before = snapshot(tmp_path)
    r = cli('prepare', wiki, appa, '--out', tmp_path/'out', '--no-plots')
    assert r.returncode == 0, r.stderr
    faces = pd.read_csv(tmp_path/'out'/'faces.csv')
    assert set(faces.source) == {'imdb-wiki', 'appa-real'}
    assert {k: v for k, v in snapshot(tmp_path).items() if '/out/' not in k} == before # inputs untouched
    r = cli('prepare', tmp_path/'nope', '--out', tmp_path/'x')
    assert r.returncode == 1 and r.stderr.strip() == f"agefast prepare: error: {tmp_path/'nope'}: no such folder"
    r = cli('prepare', wiki, '--format', 'appa-real', '--out', tmp_path/'x')
    assert r.returncode == 1 and 'no gt_avg_train/valid/test.csv' in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli('prepare', '--test-pct', '0.95', '--out', tmp_path/'x')
    assert r.returncode == 1 and 'must be in [0, 1)' in r.stderr
    r = cli('prepare', '--seed', 'x')
    assert r.returncode == 2

def test_every_command_has_help(capsys):
    "In this process (the console script's own `--help` is above): each sub-command's help, from the parser"
    from agefast.cli import build_parser
    for cmd in ('prepare', 'train', 'evaluate', 'calibrate', 'predict', 'index', 'similar', 'demo'):
        with pytest.raises(SystemExit) as e: build_parser().parse_args([cmd, '--help'])
        assert e.value.code == 0 and f'usage: agefast {cmd}' in capsys.readouterr().out, cmd

def test_main_job_end_to_end(tmp_path):
    "prepare -> train -> evaluate -> predict with their defaults chaining through runs/ (a smaller training run)"
    steps = [('prepare', '--n-synth', 100), ('train', '--sizes', 32, '--epochs', 2, '--bs', 16),
             ('evaluate',), ('predict',)]
    for s in steps:
        r = script(*s, cwd=tmp_path)
        assert r.returncode == 0, (s, r.stderr[-2000:])
    runs = tmp_path/'runs'
    for f in ('train/model.safetensors', 'train/history.png', 'evaluate/by_group.csv', 'evaluate/pred_vs_true.png', 'predict/predictions.csv'):
        assert (runs/f).stat().st_size > 0, f
    faces = pd.read_csv(runs/'prepare'/'faces.csv')
    preds = pd.read_csv(runs/'predict'/'predictions.csv')
    assert len(preds) == (faces.split == 'test').sum() and preds.pred_age.between(0, 120).all()
    assert 'mae' in pd.read_csv(runs/'evaluate'/'summary.csv')
    # predict on a photo folder with Haar; a model file that is not one: one-line error, exit 1
    from agefast.synth import synth_photo
    (tmp_path/'photos').mkdir(); synth_photo(seed=2)[0].save(tmp_path/'photos'/'two.png')
    r = cli('predict', 'photos', '--detector', 'haar', '--out', 'p2', cwd=tmp_path)
    assert r.returncode == 0 and len(pd.read_csv(tmp_path/'p2'/'predictions.csv')) == 2, r.stderr[-2000:]
    r = cli('predict', 'photos', '--model', 'runs/prepare/faces.csv', cwd=tmp_path)
    assert r.returncode == 1 and 'not an agefast model file' in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # a model name agefast does not know: one line naming the models it has; the predictions stay
    before = (runs/'predict'/'predictions.csv').read_bytes()
    r = cli('predict', '--model', 'utkface-resnet1000', cwd=tmp_path)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert 'utkface-resnet1000: no such model file or model name' in r.stderr
    assert (runs/'predict'/'predictions.csv').read_bytes() == before
    # every prediction comes with its range, calibrated when the model was trained
    assert (preds.age_lo <= preds.pred_age).all() and (preds.pred_age <= preds.age_hi).all()

def test_resume_refusals(tmp_path):
    "--resume with no checkpoint, a new run over a stopped one, a checkpoint of other settings: one line, exit 1, nothing written"
    assert cli('prepare', '--n-synth', 60, '--no-plots', cwd=tmp_path).returncode == 0
    r = cli('train', '--resume', '--out', 'runs/t', cwd=tmp_path)
    assert r.returncode == 1 and 'no checkpoint to resume' in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # a stopped run: train it one epoch, then put its checkpoint back as if the run had been killed
    args = ('train', '--sizes', 32, '--epochs', 1, '--bs', 16, '--workers', 0, '--out', 'runs/t')
    assert cli(*args, cwd=tmp_path).returncode == 0
    import torch
    ck = tmp_path/'runs'/'t'/'checkpoint.pth'
    settings = dict(faces='runs/prepare/faces.csv', task='age_dist_gender', arch='resnet18', pretrained=False, sizes=[32],
                    epochs=5, lr=0.003, bs=16, seed=42, fast=False, mixup=0.2, ema=0.0) # all but epochs as here
    torch.save(dict(model={}, opt={}, rows=[], ema=None, settings=settings), ck)
    before = {p.name: p.read_bytes() for p in (tmp_path/'runs'/'t').iterdir()}
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 1 and 'a stopped run is in' in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli(*args, '--resume', cwd=tmp_path)
    assert r.returncode == 1 and 'checkpoint of another run: epochs 5 there, 1 here' in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in (tmp_path/'runs'/'t').iterdir()} == before # nothing overwritten
