"The package in agefast/ must be exactly what nbdev_export makes from nbs/."
import re, filecmp, shutil, subprocess, sys
from pathlib import Path
from conftest import ROOT

def test_package_matches_notebooks(tmp_path):
    for f in ('settings.ini', 'setup.py', 'README.md'): shutil.copy(ROOT/f, tmp_path/f)
    shutil.copytree(ROOT/'nbs', tmp_path/'nbs', ignore=shutil.ignore_patterns('_*', '.ipynb_checkpoints'))
    (tmp_path/'agefast').mkdir()
    subprocess.run([str(Path(sys.executable).with_name('nbdev_export'))], cwd=tmp_path, check=True, capture_output=True)
    made = sorted(p.relative_to(tmp_path/'agefast') for p in (tmp_path/'agefast').rglob('*.py'))
    have = sorted(p.relative_to(ROOT/'agefast') for p in (ROOT/'agefast').rglob('*.py'))
    assert made == have, f"modules differ: notebooks make {made}, the package has {have}"
    differ = [str(p) for p in made if not filecmp.cmp(tmp_path/'agefast'/p, ROOT/'agefast'/p, shallow=False)]
    assert not differ, f"run nbdev_export: these modules differ from the notebooks: {differ}"

def test_every_notebook_is_clean():
    "nbdev_clean leaves no execution counts or kernel metadata noise in committed notebooks"
    import json
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        cells = json.loads(nb.read_text())['cells']
        counts = [c.get('execution_count') for c in cells if c['cell_type'] == 'code']
        assert all(c is None for c in counts), f"{nb.name}: run nbdev_clean"

def test_readme_is_made_from_index():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'make_readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout

def test_no_real_faces_in_notebook_outputs():
    "Cells that show real people's faces are marked, and their outputs are never committed"
    import json
    sys.path.insert(0, str(ROOT/'tools'))
    from clear_face_outputs import marked
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        for c in json.loads(nb.read_text())['cells']:
            src = ''.join(c['source'])
            real = re.search(r'^#\s*\|\s*(slow|cuda)', src, re.M)
            draws_faces = re.search(r'show_faces|show_batch|plot_top_losses|show_results', src)
            if c['cell_type'] == 'code' and real and draws_faces: assert marked(c), f"{nb.name}: mark the cell that shows real faces"
            if marked(c): assert not c.get('outputs'), f"{nb.name}: run python tools/clear_face_outputs.py"
