"The benchmark scripts run end to end on a small generated set, so that they cannot rot between GPU sessions."
import json, os, subprocess, sys
from conftest import ROOT

def test_utkface_accuracy_smoke(tmp_path):
    from agefast.data import synth_faces
    data = synth_faces(tmp_path/'utk', n=160, seed=0)
    r = subprocess.run([sys.executable, str(ROOT/'benchmarks'/'utkface_accuracy.py'), '--data', str(data), '--task', 'age_gender',
                        '--sizes', '32', '--epochs', '1', '--bs', '32', '--workers', '0', '--no-peer', '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path/'out'/'results.json').read_text())
    import pandas as pd
    preds = pd.read_csv(tmp_path/'out'/'test_predictions.csv')
    assert res['test_faces'] == len(preds) > 0 and set(preds.split) == {'test'}
    assert set(res['agefast']) == {'mae', 'rmse', 'cs@5', 'gender_acc'}
    for f in ('test_predictions.csv', 'by_group.csv', 'history.csv', 'model.pth'): assert (tmp_path/'out'/f).stat().st_size > 0
    assert r.stdout.strip().splitlines()[-1].startswith('| ') # the RESULTS.md row

def test_predict_speed_smoke(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'benchmarks'/'predict_speed.py'), '--n-photos', '6', '--repeats', '2', '--bs', '8',
                        '--workers', '0', '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-2000:]
    rows = json.loads((tmp_path/'out'/'speed.json').read_text())
    assert int(rows[0]['faces_found'].split('/')[0]) >= 4 and rows[0]['single_p50_ms'] > 0 # real (dlib) or generated (Haar) photos
    assert r.stdout.strip().splitlines()[-1].startswith('| ')

def test_similarity_smoke(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'benchmarks'/'similarity.py'), '--n-generated', '3000', '--n-queries', '50',
                        '--trees', '2', '8', '--search-k', '-1', '400', '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path/'out'/'similarity.json').read_text())
    rec = {(g['n_trees'], g['search_k']): g['recall'] for g in res['generated']}
    assert rec[(8, 400)] > rec[(2, -1)] and rec[(8, 400)] > 0.9 # more trees and search: more exact
    assert res['batch'][0]['recall'] == 1.0 and (tmp_path/'out'/'similarity.png').stat().st_size > 0

def test_train_throughput_smoke(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT/'benchmarks'/'train_throughput.py'), '--generated', '--size', '32', '--bs', '16',
                        '--batches', '3', '--workers', '0', '--target-mae', '200', '--epochs', '1', '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path/'out'/'throughput.json').read_text())
    assert min(res['default_img_s'], res['fast_img_s'], res['model_only_img_s']) > 0 and res['cache_reuse_s'] < res['cache_build_s'] + 1
    t = res['time_to_mae'] # ages are 0-116 and the output is squashed into 0-120: any model is within 200 years
    assert t['epochs_run'] == 1 and t['seconds_to_target'] > 0 and t['best_test_mae'] <= 200 and t['test_faces'] > 0
    assert r.stdout.strip().splitlines()[-1].startswith('| ')

def test_time_to_mae_alone(tmp_path):
    "`--batches 0` skips the throughput runs; `--mixup 0` trains without mixup"
    r = subprocess.run([sys.executable, str(ROOT/'benchmarks'/'train_throughput.py'), '--generated', '--size', '32', '--bs', '16',
                        '--batches', '0', '--target-mae', '200', '--epochs', '1', '--mixup', '0', '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads((tmp_path/'out'/'throughput.json').read_text())
    assert 'fast_img_s' not in res and res['time_to_mae']['mixup'] == 0 and res['time_to_mae']['epochs_run'] == 1
    assert r.stdout.strip().splitlines()[-1].startswith('| ')
