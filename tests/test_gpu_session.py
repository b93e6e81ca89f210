"""`benchmarks/gpu_session.sh` runs on a lent GPU, rarely. Here its smoke mode runs every step of every part on this
CPU with tiny sizes (each benchmark end to end, with the options the GPU run passes but torch.compile's backend, and
every file one step hands the next), the notebooks the GPU run selects are selected with options `nbdev_test` has,
and each part's steps fit its call, so the script cannot rot between GPU sessions."""
import json, os, re, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT/'benchmarks'/'gpu_session.sh'
PART_BUDGET = 250 # seconds of step limits per part: with installing and imports, a part fits 5 minutes

def script()->str: return SCRIPT.read_text().replace('\\\n', ' ')

def help_text(*cmd)->str:
    return subprocess.run([*cmd, '--help'], capture_output=True, text=True, check=True, cwd=ROOT).stdout

def check_flags(args:str, helps:str, what:str):
    flags = re.findall(r'(?<![\w-])(--[a-z][\w-]*)', args)
    assert flags, f'no options found for {what}'
    missing = [f for f in flags if not re.search(rf'{re.escape(f)}\b', helps)]
    assert not missing, f'{what}: {missing} not among its options'

def test_real_only_options_exist():
    "The smoke run passes every option the steps pass, but the notebooks' selection (`NB`) and the compile options differ"
    nbdev = help_text(str(Path(sys.executable).parent/'nbdev_test'))
    nb = re.findall(r'\bNB=\(([^)]*)\)', script())
    assert len(nb) == 2, nb
    for args in nb: check_flags(args, nbdev, 'nbdev_test')
    compile_ = re.findall(r'\bCOMPILE=\(([^)]*)\)', script()) # the smoke run's backend is not the GPU run's
    assert len(compile_) == 2, compile_
    helps = help_text(sys.executable, str(ROOT/'benchmarks'/'train_throughput.py'))
    for args in compile_: check_flags(args, helps, 'train_throughput.py')

def part_limits()->dict:
    "Each part's step limits, in seconds"
    body = script().split('for p in "${parts[@]}"; do case "$p" in', 1)[1].split('esac; done', 1)[0]
    parts = re.findall(r'^(\w+)\)(.*?);;', body, flags=re.M | re.S)
    return {name: [int(s) for s in re.findall(r'\bstep (\d+) ', steps)] for name, steps in parts}

def test_parts_fit_their_call():
    limits = part_limits()
    assert set(limits) == {'speed', 'accuracy', 'predict'} and all(limits.values()), limits
    for name, ls in limits.items(): assert sum(ls) <= PART_BUDGET, f'{name}: steps may take {sum(ls)} s, over {PART_BUDGET} s'

def test_smoke(tmp_path):
    "All three parts on this CPU with tiny sizes: every step ends well, hands its files on, and shows in the summary"
    env = {**os.environ, 'OUT': str(tmp_path), 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1',
           'PATH': f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run(['bash', str(SCRIPT), 'smoke'], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    steps = [l.split() for l in (tmp_path/'steps.txt').read_text().splitlines()]
    names = [s for s, *_ in steps]
    assert names == [n for ns in [['throughput', 'time_to_mae_20_no_mixup'], ['accuracy_age_gender', 'prepare', 'similarity'],
                                  ['nbdev_test_cuda', 'predict_speed']] for n in ns]
    assert all(rc == '0' for _, rc, _ in steps), steps
    summary = (tmp_path/'summary.md').read_text()
    for n in names: assert f'### {n}: exit 0' in summary
    assert summary.count('| date | device |') >= 2 # the benchmarks' Markdown rows are in it

    t = json.loads((tmp_path/'throughput'/'throughput.json').read_text())
    assert min(t['default_img_s'], t['fast_img_s'], t['model_only_img_s'], t['fast_compiled_img_s']) > 0
    assert t['cache_reuse_s'] < t['cache_build_s'] + 1 and t['cudnn'] == 'deterministic' # seeded as `agefast train`
    assert t['compile_backend'] == 'aot_eager' # (d) traced and run; the GPU run generates kernels (inductor)
    m = t['time_to_mae'] # ages are 0-116 and the output is squashed into 0-120: any model is within 200 years
    assert m['epochs_run'] == 1 and m['seconds_to_target'] > 0 and m['best_test_mae'] <= 200 and m['test_faces'] > 0
    m = json.loads((tmp_path/'time_to_mae_20_no_mixup'/'throughput.json').read_text())
    assert 'fast_img_s' not in m and m['time_to_mae']['mixup'] == 0 and m['time_to_mae']['epochs_run'] == 1

    acc = tmp_path/'age_gender'
    res, preds = json.loads((acc/'results.json').read_text()), pd.read_csv(acc/'test_predictions.csv')
    assert res['test_faces'] == len(preds) > 0 and set(preds.split) == {'test'}
    assert set(res['agefast']) == {'mae', 'rmse', 'cs@5', 'gender_acc'} and res['tta'] and res['fast']
    from agefast.export import load_model
    assert load_model(acc/'model.safetensors').saved_config['size'] == 32 # a file any machine loads
    sim = json.loads((tmp_path/'similarity'/'similarity.json').read_text())
    assert len(sim['real']) == len(sim['generated']) == 4 and 0 <= sim['age_agreement']['ratio'] # the model's embeddings
    rec = {(g['n_trees'], g['search_k']): g['recall'] for g in sim['generated']}
    assert rec[(8, 400)] >= rec[(2, -1)] and rec[(8, 400)] > 0.9 # more trees and search: more exact
    assert sim['batch'][0]['recall'] == 1.0 and (tmp_path/'similarity'/'similarity.png').stat().st_size > 0

    rows = json.loads((tmp_path/'predict_speed'/'speed.json').read_text())
    assert int(rows[0]['faces_found'].split('/')[0]) >= 4 and rows[0]['single_p50_ms'] > 0
    assert [r['model_device'] for r in rows] == ['cpu', 'cuda'][:len(rows)] # each row ran where it says
