"""`agefast index` / `agefast similar` end to end, and every broken index as a one-line error with nothing written. The
`job` fixture (prepare, train, index) runs the installed console script as subprocesses; the tests' own calls run
`agefast.cli.main`, the function the script calls, in this process (`conftest.cli`): each subprocess would spend some
6 s importing torch and fastai."""
import shutil
import numpy as np, pandas as pd, pytest
from conftest import cli, script, snapshot

@pytest.fixture(scope='module')
def job(tmp_path_factory):
    "A prepared, trained and indexed generated data set (defaults chaining through runs/)"
    d = tmp_path_factory.mktemp('job')
    for s in [('prepare', '--n-synth', 80, '--no-plots'), ('train', '--sizes', 32, '--epochs', 1, '--bs', 16), ('index',)]:
        r = script(*s, cwd=d)
        assert r.returncode == 0, (s, r.stderr[-2000:])
    return d

def test_index_and_similar(job):
    faces = pd.read_csv(job/'runs'/'prepare'/'faces.csv')
    assert (job/'runs'/'index'/'faces.ann').stat().st_size > 0 and (job/'runs'/'index'/'faces.json').is_file()
    q = faces.path.iloc[3]
    r = cli('similar', q, '--no-detect', '-k', 4, '--gender', 'female', '--grid', 'grid.png', cwd=job)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ['rank', 'item', 'distance'] and len(lines) == 1 + 4 + 1 # header, 4 faces, 'wrote'
    assert all(l.split()[5] == '1.0' for l in lines[1:5]) # gender column: female only
    assert (job/'grid.png').stat().st_size > 0

def test_index_from_a_folder_with_bad_files(job, tmp_path):
    crops = tmp_path/'crops'; crops.mkdir()
    faces = pd.read_csv(job/'runs'/'prepare'/'faces.csv')
    for p in faces.path[:10]: shutil.copy(p, crops)
    (crops/'broken.jpg').write_bytes(b'\xff\xd8\xff\xe0 nothing')
    r = cli('index', crops, '--model', job/'runs'/'train'/'model.safetensors', '--out', tmp_path/'ix'/'crops.ann')
    assert r.returncode == 0, r.stderr[-2000:]
    assert pd.read_csv(tmp_path/'ix'/'skipped.csv').path.str.endswith('broken.jpg').all()
    from agefast.similarity import FaceIndex
    assert len(FaceIndex.load(tmp_path/'ix'/'crops.ann')) == 10

def test_broken_indexes(job, tmp_path):
    ix = job/'runs'/'index'
    q = pd.read_csv(job/'runs'/'prepare'/'faces.csv').path.iloc[0]
    shutil.copy(ix/'faces.ann', tmp_path/'alone.ann')
    (tmp_path/'cut.ann').write_bytes((ix/'faces.ann').read_bytes()[:2048]); shutil.copy(ix/'faces.json', tmp_path/'cut.json')
    # a model with other weights: train one more epoch into another folder
    r = cli('train', '--sizes', 32, '--epochs', 1, '--bs', 16, '--seed', 7, '--out', tmp_path/'other', cwd=job)
    assert r.returncode == 0, r.stderr[-2000:]
    from PIL import Image
    Image.new('RGB', (120, 120), (90, 90, 90)).save(tmp_path/'wall.png')
    before = snapshot(tmp_path) | snapshot(ix)
    cases = [(['--index', tmp_path/'alone.ann'], 'its sidecar alone.json is missing'),
             (['--index', tmp_path/'cut.ann'], 'truncated'),
             (['--model', tmp_path/'other'/'model.safetensors'], 'built from embeddings of another model'),
             (['--index', tmp_path/'none.ann'], 'none.ann: no such index file')]
    for args, msg in cases:
        r = cli('similar', q, '--no-detect', *args, cwd=job)
        assert r.returncode == 1 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    r = cli('similar', tmp_path/'nope.jpg', cwd=job)
    assert r.returncode == 1 and 'nope.jpg: no such photo' in r.stderr
    r = cli('similar', tmp_path/'wall.png', '--detector', 'haar', cwd=job)
    assert r.returncode == 1 and 'wall.png: no face found' in r.stderr
    assert snapshot(tmp_path) | snapshot(ix) == before # nothing written or overwritten
