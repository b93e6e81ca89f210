"""A phone camera's 108 Mpx JPEG (generated) through `predict_files`: decoded at a reduced scale in bounded memory,
with the same faces and ages as the same photo at 12 Mpx. Its own process, so that its peak memory is its own."""
import json, subprocess, sys
from agefast.synth import synth_photo, synth_big_photo

CHILD = r'''
import json, sys
from pathlib import Path
from agefast.export import load_model
from agefast.predict import predict_files
def mem_mb(key): # Linux: VmRSS now, VmHWM its peak since the last reset
    line = next(l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith(key))
    return int(line.split()[1]) / 1024
m = load_model('utkface-resnet18')
def run(p): # the photo's faces, and the most memory predicting them took above what was in use
    Path('/proc/self/clear_refs').write_text('5') # the peak starts again from here
    base = mem_mb('VmRSS:')
    res = predict_files([p], m, detector='haar', n_workers=0, progress=False).to_dict('list')
    return dict(res, extra_mb=mem_mb('VmHWM:') - base)
run(sys.argv[1]) # everything loaded and warm
print(json.dumps(dict(small=run(sys.argv[1]), big=run(sys.argv[2])), default=str))
'''

def test_108_mpx_jpeg(tmp_path):
    "Faces found and aged as at 12 Mpx, boxes in the big photo's pixels, far less memory than a full decode"
    photo, _ = synth_photo(ages=(30,), genders=(0,), races=(0,))
    small = synth_big_photo(tmp_path/'12mpx.jpg', photo, size=(4000, 3000))
    big = synth_big_photo(tmp_path/'108mpx.jpg', photo, size=(12_000, 9000))
    out = subprocess.run([sys.executable, '-c', CHILD, str(small), str(big)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    s, b = r['small'], r['big']
    assert s['error'] == [''] and b['error'] == [''], (s, b)
    assert abs(b['pred_age'][0] - s['pred_age'][0]) <= 1, (s['pred_age'], b['pred_age'])
    for side in ('left', 'top', 'right', 'bottom'): # 3 x the 12 Mpx photo's, give or take detection
        assert abs(b[side][0] - 3 * s[side][0]) < 0.02 * 12_000, (side, s, b)
    # memory: the face search (about 200 MB for OpenCV's detector here) costs the same for both photos;
    # decoding the big one whole would add its 309 MiB of RGB pixels on top
    full_mb = 12_000 * 9000 * 3 / 2**20
    assert b['extra_mb'] - s['extra_mb'] < full_mb / 8, (s['extra_mb'], b['extra_mb'])
    assert b['extra_mb'] < full_mb, b['extra_mb']
