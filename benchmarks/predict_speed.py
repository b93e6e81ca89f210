"""How fast agefast predicts: single-photo latency (open + find the face + crop + model) and batch throughput
over a folder (`predict_files`), on the CPU, and on the GPU when there is one.

    python benchmarks/predict_speed.py --arch resnet18 --size 64 --n-photos 400 --repeats 50

Photos: real UTKFace 200 px faces from ../shared/data/utkface (or $AGEFAST_DATA) padded into 400x300
scenes, so the detector searches a picture larger than the face; without the real data, generated group
photos (`synth_photo`, Haar detector, as dlib finds no cartoon). The model has random weights: speed does
not depend on what it learnt. Prints a Markdown table for benchmarks/RESULTS.md and writes speed.json."""
import argparse, json, platform, tempfile, time
from datetime import date
from pathlib import Path
import numpy as np, torch
from agefast.core import open_image, atomic_write # first: it quiets a torch deprecation that fastai's import triggers
from PIL import Image
from agefast.data import read_utkface, shared_data
from agefast.model import AgeGenderModel
from agefast.export import save_model, load_model
from agefast.faces import find_faces, crop_face
from agefast.predict import predict_crops, predict_files
from agefast.synth import synth_photo

def make_photos(dest:Path, n:int, seed:int=0)->tuple:
    "n photos in `dest` and the detector that finds their faces"
    real = shared_data('utkface')
    rng = np.random.default_rng(seed)
    if real is None:
        for i in range(n): synth_photo(ages=(int(rng.integers(15, 50)),), genders=(int(rng.integers(2)),), seed=i, face=120)[0].save(dest/f'{i:05d}.png')
        return 'generated group photos (one cartoon face, Haar)', 'haar'
    paths = read_utkface(real).path.sample(n, random_state=seed, replace=n > 9000).tolist()
    for i, p in enumerate(paths):
        scene = Image.new('RGB', (400, 300), tuple(int(v) for v in rng.integers(60, 200, 3)))
        scene.paste(open_image(p), (int(rng.integers(0, 200)), int(rng.integers(0, 100))))
        scene.save(dest/f'{i:05d}.jpg', quality=92)
    return 'real UTKFace 200 px faces in 400x300 scenes (dlib)', 'dlib'

def timed(f, repeats:int)->np.ndarray:
    "Wall times in ms of `repeats` calls of f (after one warm-up call)"
    f(); out = []
    for _ in range(repeats):
        t = time.perf_counter(); f(); out.append((time.perf_counter() - t) * 1e3)
    return np.array(out)

def device_name(dev:str)->str:
    return torch.cuda.get_device_name() if dev == 'cuda' else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads)"

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--arch', default='resnet18')
    ap.add_argument('--size', type=int, default=64, help='model input size')
    ap.add_argument('--n-photos', type=int, default=400, help='photos in the batch folder')
    ap.add_argument('--repeats', type=int, default=50, help='single-photo timings')
    ap.add_argument('--workers', type=int, default=None, help='predict_files processes (default: all cores)')
    ap.add_argument('--bs', type=int, default=256)
    ap.add_argument('--out', type=Path, default=Path('runs/bench_speed'))
    a = ap.parse_args()
    tmp_dir = tempfile.TemporaryDirectory() # the drawn photos and the model: removed when the script ends
    tmp = Path(tmp_dir.name)
    what, detector = make_photos(tmp, a.n_photos)
    model_file = save_model(AgeGenderModel(a.arch, pretrained=False), tmp/'m.safetensors', a.size)
    devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    photo = sorted(tmp.glob('0000*'))[0]
    rows = []
    for dev in devices:
        m = load_model(model_file, device=dev)
        im = open_image(photo); box = find_faces(im, detector)[0]; crop = crop_face(im, box)
        parts = {'open': timed(lambda: open_image(photo), a.repeats),
                 'detect': timed(lambda: find_faces(im, detector), a.repeats),
                 'crop + model': timed(lambda: predict_crops(m, [crop_face(im, box)]), a.repeats)}
        total = timed(lambda: predict_crops(m, [crop_face(open_image(photo), find_faces(open_image(photo), detector)[0])]), a.repeats)
        kw = dict(bs=a.bs, progress=False, device=dev, **({} if a.workers is None else {'n_workers': a.workers}))
        predict_files(tmp, m, detector=detector, **kw) # warm-up
        t = time.perf_counter(); res = predict_files(tmp, m, detector=detector, **kw); photos_s = a.n_photos / (time.perf_counter() - t)
        t = time.perf_counter(); predict_files(tmp, m, detect=False, **kw); crops_s = a.n_photos / (time.perf_counter() - t)
        found = int((res.error == '').sum())
        ran_on = next(m.parameters()).device.type
        if ran_on != dev: raise RuntimeError(f"the {dev} row ran on {ran_on}: its figures would describe another device")
        # the model alone, on a full batch already in memory
        x = np.stack([np.asarray(crop.resize((a.size, a.size)))] * a.bs)
        mdl = timed(lambda: predict_crops(m, list(x), bs=a.bs), max(5, a.repeats // 5))
        row = dict(date=str(date.today()), device=device_name(dev), arch=a.arch, size=a.size, photos=what,
                   single_p50_ms=float(np.median(total)), single_p90_ms=float(np.percentile(total, 90)),
                   **{f'{k}_p50_ms': float(np.median(v)) for k, v in parts.items()},
                   folder_photos_per_s=photos_s, faces_found=f"{found}/{a.n_photos}", folder_crops_per_s=crops_s,
                   model_faces_per_s=a.bs / (np.median(mdl) / 1e3), model_device=ran_on, workers=a.workers or 'all cores', bs=a.bs)
        rows.append(row); print(json.dumps(row, indent=1))
    a.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(a.out/'speed.json') as f: json.dump(rows, f, indent=1)
    print('\n| date | device | arch | size | single photo p50 / p90 (ms) | open / detect / crop+model p50 (ms) | folder, with detection (photos/s) | folder of crops (img/s) | model alone (faces/s, bs) |')
    print('|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['date']} | {r['device']} | {r['arch']} | {r['size']} | {r['single_p50_ms']:.1f} / {r['single_p90_ms']:.1f} | "
              f"{r['open_p50_ms']:.1f} / {r['detect_p50_ms']:.1f} / {r['crop + model_p50_ms']:.1f} | {r['folder_photos_per_s']:.0f} ({r['faces_found']} found) | "
              f"{r['folder_crops_per_s']:.0f} | {r['model_faces_per_s']:.0f} ({r['bs']}) |")

if __name__ == '__main__': main()
