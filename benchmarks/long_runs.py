"""Score finished `agefast train` runs for the long-run study (issue 16): one row per run, weights and TTA.

    python benchmarks/long_runs.py runs/study/reg40_s42 [RUN ...] --faces runs/utk64/prepare/faces.csv \
        --out benchmarks/research/long_runs_cpu.csv [--tta augment flip]

For each run folder (model.safetensors, and last.safetensors where `--ema` kept the last weights beside the
averaged ones) it predicts the valid and the test rows of --faces, calibrates the 80 % age range on the valid
predictions (as `agefast train` and `agefast calibrate` do) and scores the test rows: MAE, RMSE, CS@5, gender
accuracy, range coverage and width, the 13-19 and 70+ bands. Valid decides, test reports. Test-time
augmentation (`tta` column, `agefast evaluate --tta KIND`): `augment` is fastai's four augmented passes blended
with the plain one, `flip` the mean of each face's outputs and its mirror image's (two passes). Rows replace
earlier rows of the same run, weights and TTA; the table is written atomically and printed."""
import argparse, json, time
from pathlib import Path
import pandas as pd
from agefast.core import save_csv # first: it quiets a torch deprecation that fastai's import triggers
from agefast.export import load_model
from agefast.predict import model_learner
from agefast.evaluate import predict_table, group_scores
from agefast.ranges import calibrate_table, age_range
from agefast.split import age_band

KEYS = ['run', 'weights', 'tta']

def score(model_file:Path, df:pd.DataFrame, tta:str)->dict:
    "Valid and test scores of one model file (`tta`: 'no', 'augment' or 'flip'), the range calibrated on valid"
    model = load_model(model_file)
    learn = model_learner(model, df, bs=128)
    valid, test = (predict_table(learn, df[df.split == s], tta) for s in ('valid', 'test'))
    cal = calibrate_table(valid) # as `agefast train` does
    lo, hi = age_range(test.pred_age, cal, test['age_sd'] if 'age_sd' in test else None)
    test = test.assign(age_lo=lo, age_hi=hi)
    s, v = group_scores(test).iloc[0], group_scores(valid).iloc[0]
    bands = group_scores(test.assign(band=age_band(test.age).astype(str)), 'band')
    return dict(valid_mae=v['mae'], valid_gender_acc=v.get('gender_acc'), test_mae=s['mae'],
                test_rmse=s['rmse'], test_cs5=s['cs@5'], test_gender_acc=s.get('gender_acc'),
                coverage=s['coverage'], width=s['width'], mae_13_19=bands['mae'].get('13-19'), # None: no such face
                mae_70plus=bands['mae'].get('70+'))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('runs', type=Path, nargs='+', help='run folders written by agefast train')
    ap.add_argument('--faces', type=Path, required=True, help='the split face table they trained on')
    ap.add_argument('--out', type=Path, default=Path('benchmarks/research/long_runs_cpu.csv'))
    ap.add_argument('--tta', nargs='+', default=[], choices=['augment', 'flip'],
                    help='also score with these test-time augmentations')
    a = ap.parse_args(argv)
    df, rows = pd.read_csv(a.faces), []
    for run in a.runs:
        tj = json.loads((run/'train.json').read_text())
        files = [('averaged' if tj.get('ema') else 'last', run/'model.safetensors')]
        if (run/'last.safetensors').is_file(): files.append(('last', run/'last.safetensors'))
        for weights, f in files:
            for tta in ['no', *a.tta]:
                t0 = time.time()
                rows.append(dict(run=run.name, weights=weights, tta=tta, task=tj['task'],
                                 epochs=tj['epochs'], sizes=' '.join(map(str, tj['sizes'])),
                                 mixup=tj.get('mixup', 0.2), ema=tj.get('ema', 0.), seed=tj['seed'],
                                 bs=tj['bs'], train_minutes=round(tj['seconds'] / 60, 1),
                                 **score(f, df, tta), score_seconds=round(time.time() - t0)))
                print({k: round(v, 3) if isinstance(v, float) else v for k, v in rows[-1].items()},
                      flush=True)
    new = pd.DataFrame(rows)
    if a.out.is_file():
        old = pd.read_csv(a.out)
        old['tta'] = old.tta.replace({False: 'no', True: 'augment', 'False': 'no', 'True': 'augment'})
        keep = ~old.set_index(KEYS).index.isin(new.set_index(KEYS).index)
        new = pd.concat([old[keep], new], ignore_index=True)
    save_csv(new, a.out, index=False)
    print(new.round(3).to_string(index=False))

if __name__ == '__main__': main()
