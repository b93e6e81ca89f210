"""The photo path (face search + crop_face) against the crop path on held-out UTKFace chips, same model.

    python benchmarks/photo_path.py --faces runs/utk64/prepare/faces.csv --model runs/utk64/train/model.safetensors \
        --chips ../shared/data/utkface

Takes the test rows of --faces (the split the model was trained on), finds the same file names in --chips (e.g. the
200 px chips), predicts them once as crops (`detect=False`) and once through face search (dlib), and prints the
share of chips where a face was found and the MAE of both paths (the crops' also on the chips face search found)."""
import argparse
from pathlib import Path
import pandas as pd
from agefast.core import save_csv # first: it quiets a torch deprecation that fastai's import triggers
from agefast.predict import predict_files
from agefast.export import load_model

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--faces', type=Path, required=True, help='the split face table the model was trained on')
    ap.add_argument('--model', type=Path, required=True, help='a model file (save_model)')
    ap.add_argument('--chips', type=Path, required=True, help='folder with the same file names (e.g. 200 px chips)')
    ap.add_argument('--workers', type=int, default=2)
    a = ap.parse_args(argv)
    test = pd.read_csv(a.faces).query("split == 'test'")
    t = test.assign(path=[str(a.chips/Path(p).name) for p in test.path])
    t = t[[Path(p).exists() for p in t.path]].reset_index(drop=True)
    if not len(t): raise SystemExit(f"none of the test faces of {a.faces} is in {a.chips}")
    m = load_model(a.model)
    crops = predict_files(t, m, detect=False, n_workers=a.workers, progress=False)
    found = predict_files(t, m, detector='dlib', n_workers=a.workers, progress=False)
    ok = found[found.error == ''].drop_duplicates('path') # each photo's largest face
    mae = lambda d: (d.pred_age - d.age).abs().mean()
    print(f"chips {len(t)}; crops MAE {mae(crops):.3f} (all), {mae(crops[crops.path.isin(ok.path)]):.3f} (those face "
          f"search found); face search: found {len(ok) / len(t):.3f}, MAE {mae(ok):.3f}")

if __name__ == '__main__': main()
