"""Packaging: `python -m build` makes a wheel holding the package and nothing else; installed into a fresh
virtual environment, its `agefast` command prepares generated data, trains briefly and predicts, and its face detector
loads. The fresh environment sees only what the wheel's own requirements need (torch and torchvision as the pins of
tools/install.sh give them), taken from this one through a path file rather than a 5.5 GB copy and a download: a
requirement the wheel does not declare is missing there, and pip (with no index) checks that the versions it finds
satisfy the wheel."""
import csv, os, shutil, subprocess, sys, zipfile
from importlib.metadata import distribution, PackageNotFoundError
from pathlib import Path
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
TORCH_PINS = os.environ.get('TORCH_PINS', 'torch==2.14.1 torchvision==0.29.1').split()

def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r

@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    pytest.importorskip('build')
    out = tmp_path_factory.mktemp('dist')
    run([sys.executable, '-m', 'build', '--wheel', '--outdir', out, ROOT], cwd=ROOT, timeout=600)
    whl = list(out.glob('agefast-*.whl'))
    assert len(whl) == 1, whl
    return whl[0]

def wheel_text(wheel:Path, end:str)->str:
    "The text of the one file in `wheel` whose name ends with `end`"
    z = zipfile.ZipFile(wheel)
    return z.read(next(n for n in z.namelist() if n.endswith(end))).decode()

def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    mods = {n.split('/')[1] for n in names if n.startswith('agefast/') and n.count('/') == 1}
    assert mods == {f.name for f in (ROOT/'agefast').glob('*.py')}, mods # every module, and nothing stale (an old build/)
    assert not [n for n in names if n.endswith(('.ipynb', '.jpg', '.png', '.ann', '.pt', '.npy'))], names
    # the one trained model inside agefast, and no other weights
    assert [n for n in names if n.endswith('.safetensors')] == ['agefast/models/utkface-resnet18.safetensors'], names
    meta = wheel_text(wheel, '.dist-info/METADATA')
    assert 'Requires-Dist: fastai' in meta and 'Requires-Dist: annoy' in meta and '# agefast' in meta # the README as description
    ep = wheel_text(wheel, '.dist-info/entry_points.txt')
    assert 'agefast = agefast.cli:main' in ep

def requirement_closure(*reqs:str)->list:
    "The installed distributions `reqs` need, themselves included (with the extras asked for)"
    found, todo = {}, [Requirement(r) for r in reqs]
    while todo:
        req = todo.pop()
        try: d = distribution(req.name)
        except PackageNotFoundError: continue # a requirement for another platform
        key = (d.metadata['Name'].lower().replace('_', '-'), frozenset(req.extras))
        if key in found: continue
        found[key] = d
        wanted = lambda r: r.marker is None or any(r.marker.evaluate({'extra': e}) for e in {'', *req.extras})
        todo += [r for r in map(Requirement, d.requires or []) if wanted(r)]
    return list({name: d for (name, _), d in found.items()}.values())

def wheel_requirements(wheel:Path)->list:
    "The requirements the wheel's metadata declares for a plain install (no extras)"
    meta = wheel_text(wheel, '.dist-info/METADATA')
    reqs = [Requirement(l.split(':', 1)[1].strip()) for l in meta.splitlines() if l.startswith('Requires-Dist:')]
    return [str(r) for r in reqs if r.marker is None or r.marker.evaluate({'extra': ''})]

def share_dists(dists, folder:Path, venv:Path):
    "Link each of `dists`' top-level files into `folder`, on `venv`'s path: pip sees them installed, outside the venv"
    folder.mkdir()
    for d in dists:
        for top in {Path(str(f)).parts[0] for f in d.files or [] if not str(f).startswith('..')}:
            if not (folder/top).exists(): (folder/top).symlink_to(d.locate_file(top))
    site = run([venv/'bin'/'python', '-c', 'import sysconfig; print(sysconfig.get_path("purelib"))'], timeout=60)
    # through `site.addsitedir`, so that the .pth files of the shared packages run as in a site folder
    (Path(site.stdout.strip())/'shared_requirements.pth').write_text(f'import site; site.addsitedir({str(folder)!r})\n')

def test_requirement_closure(wheel):
    "What the fresh environment is given: the wheel's requirements and theirs, and not what only the tests need"
    names = {d.metadata['Name'].lower() for d in requirement_closure(*wheel_requirements(wheel), *TORCH_PINS)}
    assert {'fastai', 'torch', 'torchvision', 'annoy', 'safetensors', 'numpy'} <= names, names
    assert not names & {'agefast', 'pytest', 'nbdev', 'build'}, names

@pytest.fixture
def venv(tmp_path, wheel):
    "A fresh virtual environment seeing the wheel's requirements from this one, removed after the test whatever happens"
    venv = tmp_path/'venv'
    run([sys.executable, '-m', 'venv', venv], timeout=120)
    # Python < 3.12 puts an old setuptools in every venv, which would hide the shared one torch needs (>= 77)
    run([venv/'bin'/'python', '-m', 'pip', 'uninstall', '-q', '-y', 'setuptools'], timeout=120)
    share_dists(requirement_closure(*wheel_requirements(wheel), *TORCH_PINS), tmp_path/'shared', venv)
    yield venv
    shutil.rmtree(venv, ignore_errors=True)

def test_wheel_installs_and_predicts(wheel, venv, tmp_path):
    py, agefast = venv/'bin'/'python', venv/'bin'/'agefast'
    # no index: every requirement is among the shared ones, or pip fails at once naming it
    run([py, '-m', 'pip', 'install', '-q', '--no-index', '--disable-pip-version-check', *TORCH_PINS, wheel],
        timeout=600)
    r = run([py, '-c', 'import agefast, sys; print(agefast.__file__)'], cwd=tmp_path, timeout=300)
    assert str(venv) in r.stdout # the installed copy, not the source tree
    assert 'predict' in run([agefast, '--help'], timeout=300).stdout
    # the face detector (dlib), which the crops below never load
    run([py, '-c', 'from agefast.faces import _dlib_detector; _dlib_detector()'], cwd=tmp_path, timeout=300)
    work = tmp_path/'job'; work.mkdir()
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'AGEFAST_CACHE': str(tmp_path/'cache'), 'MPLBACKEND': 'Agg'}
    run([agefast, 'prepare', '--n-synth', '60', '--workers', '0'], cwd=work, env=env, timeout=600)
    run([agefast, 'train', '--sizes', '32', '--epochs', '1', '--bs', '16', '--workers', '0'], cwd=work, env=env, timeout=600)
    run([agefast, 'predict', '--workers', '0'], cwd=work, env=env, timeout=600)
    rows = list(csv.DictReader(open(work/'runs'/'predict'/'predictions.csv')))
    assert rows and all(0 <= float(r['pred_age']) <= 120 for r in rows), rows[:3]
    # right after install, with no training: the model inside agefast, each age with its range
    fresh = tmp_path/'fresh'; fresh.mkdir()
    from agefast.synth import draw_face # a face crop: dlib finds no drawn face, and OpenCV is not a dependency
    for i, age in enumerate((8, 60)): draw_face(age, 1, 0, size=96).save(fresh/f'face{i}.png')
    r = run([agefast, 'predict', 'face0.png', 'face1.png', '--no-detect', '--workers', '0'], cwd=fresh, env=env, timeout=600)
    assert 'using utkface-resnet18, the model inside agefast' in r.stdout, r.stdout
    rows = list(csv.DictReader(open(fresh/'runs'/'predict'/'predictions.csv')))
    assert len(rows) == 2 and all(float(r['age_lo']) <= float(r['pred_age']) <= float(r['age_hi']) for r in rows), rows
