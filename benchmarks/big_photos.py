"""Phone-camera photos (108 and 200 Mpx JPEGs, generated) through `predict_files`: time and peak memory.

    git worktree add /tmp/before 640add6   # agefast before this change, for the `before` rows
    python benchmarks/big_photos.py [--before /tmp/before] [--chips ../shared/data/utkface] [--out DIR]

Each photo shows one face (a real UTKFace chip, found by dlib, when --chips has them; else a generated face, found
by OpenCV's Haar cascade) filling 40 % of its height. Each run is its own process and is measured alone: wall time
of `predict_files` on the photo and the most memory it took above what was in use before (Linux VmHWM after a
reset). Three ways, side by side in one run: `reduced` (what agefast does: the JPEG decoded at the scale face search
needs, the crop read as finely as the model uses), `full decode` (the same with the photo decoded whole, as a
naive raise of the size limit would do), and `before` (agefast at 640add6, from --before: JPEGs over 40 Mpx refused,
faces searched at full size)."""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
from agefast.core import BadImageError
from agefast.synth import synth_photo, synth_big_photo

CHILD = r'''
import json, sys, time
from pathlib import Path
how, photo, warm, detector = sys.argv[1:5]
if how == 'before': # the old checkout on PYTHONPATH, not this editable install
    sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in getattr(f, '__module__', '')]
import agefast.core as core
from agefast.export import load_model
from agefast.predict import predict_files
def mem_mb(key):
    line = next(l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith(key))
    return int(line.split()[1]) / 1024
if how == 'full decode': core._jpeg_scale = lambda *a, **k: 1; core.open_image.__defaults__ = (10**10, None)
m = load_model('utkface-resnet18')
predict_files([warm], m, detector=detector, n_workers=0, progress=False) # loaded and warm
Path('/proc/self/clear_refs').write_text('5')
base, t0 = mem_mb('VmRSS:'), time.perf_counter()
r = predict_files([photo], m, detector=detector, n_workers=0, progress=False)
print(json.dumps(dict(seconds=time.perf_counter() - t0, extra_mb=mem_mb('VmHWM:') - base,
                      error=r.error[0], age=None if r.error[0] else r.pred_age[0], agefast=core.__file__)))
'''

def measure(how, photo, warm, detector, before=None):
    env = dict(os.environ, PYTHONPATH=str(before)) if how == 'before' else None # the old package first
    out = subprocess.run([sys.executable, '-c', CHILD, how, str(photo), str(warm), detector],
                         capture_output=True, text=True, env=env, cwd=Path(photo).parent) # not this repo
    if out.returncode: raise SystemExit(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert (how == 'before') == (str(before) in r.pop('agefast')), 'the wrong agefast was measured'
    return r

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--chips', type=Path, default=Path('../shared/data/utkface'), help='real face chips, if any')
    ap.add_argument('--before', type=Path, help='a checkout of agefast before this change (git worktree)')
    ap.add_argument('--out', type=Path, default=None, help='where the photos go (default: a temporary folder)')
    a = ap.parse_args(argv)
    tmp = None if a.out else tempfile.TemporaryDirectory() # removed when the script ends
    out = a.out or Path(tmp.name); out.mkdir(parents=True, exist_ok=True)
    chips = sorted(a.chips.glob('3[0-9]_*.jpg')) if a.chips.is_dir() else []
    if chips:
        from agefast.core import open_image
        face, detector = open_image(chips[0]), 'dlib'
    else: face, detector = synth_photo(ages=(30,), genders=(0,), races=(0,))[0], 'haar'
    print(f"face: {chips[0].name if chips else 'generated'}; detector {detector}")
    warm = synth_big_photo(out/'warm.jpg', face, size=(800, 600))
    rows = []
    for name, size in (('12 Mpx', (4000, 3000)), ('108 Mpx', (12_000, 9000)), ('200 Mpx', (16_320, 12_240))):
        t0 = time.perf_counter(); p = synth_big_photo(out/f"{name.split()[0]}mpx.jpg", face, size=size)
        print(f"{name}: {size[0]}x{size[1]}, {p.stat().st_size / 2**20:.1f} MiB, written in {time.perf_counter() - t0:.0f}s")
        for how in ('before', 'full decode', 'reduced')[0 if a.before else 1:]:
            r = measure(how, p, warm, detector, a.before)
            rows.append(dict(photo=name, how=how, **r))
            print(f"  {how:12s} {r['seconds']:6.2f} s  +{r['extra_mb']:6.0f} MiB  "
                  + (f"age {r['age']:.1f}" if not r['error'] else f"error: {r['error']}"), flush=True)
    print(f"\n| photo | how | seconds | extra memory (MiB) | result |\n|---|---|---|---|---|")
    for r in rows: print(f"| {r['photo']} | {r['how']} | {r['seconds']:.2f} | {r['extra_mb']:.0f} | "
                         + (f"age {r['age']:.1f}" if not r['error'] else r['error']) + " |")
    return rows

if __name__ == '__main__': main()
