"tools/nb_metrics.py: it counts what it says it counts, and the notebooks and modules meet its targets"
import json, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
import nb_metrics as M

def _nb(path, cells):
    path.write_text(json.dumps({'cells': [{'cell_type': k, 'source': s, 'metadata': {}} for k, s in cells],
                                'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}))
    return path

def test_counts(tmp_path):
    "Exported cells, their definitions and lines, whether a test follows, long lines"
    nb = _nb(tmp_path/'01_x.ipynb', [
        ('code', '#| export\nfrom x import y'), # imports only: not counted
        ('code', '#| export\ndef f(a):\n    return a\n\nX = 1'), # 2 definitions, 3 lines
        ('code', 'test_eq(f(1), 1)'), # a test right under it
        ('code', '#| export\nclass C: pass'),
        ('markdown', 'prose between: not directly followed by a test'),
        ('code', 'assert C()'),
        ('code', '#|export\n@patch\ndef g(self:C): return 1'),
        ('code', 'g_value = C().g()  # no assertion: an example, not a test ' + 'x' * 60)])
    r = M.notebook_metrics(nb)
    assert (r['exported'], r['defs'], r['lines'], r['tested'], r['long_lines'], r['longest']) == (3, 4, 6, 1, 1, 3)

def test_imports_and_circles(tmp_path):
    (tmp_path/'a.py').write_text('# File to edit: ../nbs/01_a.ipynb\nfrom .b import x\n')
    (tmp_path/'b.py').write_text('# File to edit: ../nbs/02_b.ipynb\nfrom agefast.a import y\nimport agefast.c\n')
    (tmp_path/'c.py').write_text('# File to edit: ../nbs/02a_c.ipynb\n')
    rows = {r['module']: r for r in M.module_metrics(tmp_path)}
    assert rows['a']['imports'] == ['b'] and rows['b']['imports'] == ['a', 'c'] and rows['b']['number'] == '02'
    assert rows['b']['number'] < rows['c']['number'] # 02a comes after 02
    assert M.cycles(list(rows.values())) == [['a', 'b', 'a']]

def test_report_names_what_is_missed(tmp_path):
    (tmp_path/'nbs').mkdir(); (tmp_path/'agefast').mkdir()
    _nb(tmp_path/'nbs'/'01_a.ipynb', [('code', '#| export\ndef f(): pass\ndef g(): pass')])
    (tmp_path/'agefast'/'a.py').write_text('# File to edit: ../nbs/01_a.ipynb\nfrom .b import x\n' + 'pass\n' * 400)
    (tmp_path/'agefast'/'b.py').write_text('# File to edit: ../nbs/02_b.ipynb\n')
    text, missed = M.report(tmp_path)
    assert '| 01_a.ipynb | 1 | 2.00 |' in text
    assert any('definitions per exported cell 2.00' in m for m in missed) and any('a.py has 402 lines' in m for m in missed)
    assert any('a imports the later b' in m for m in missed)

def test_agefast_meets_the_targets():
    "The repository's own notebooks and modules (the report is printed: `pytest -s` shows it)"
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'nb_metrics.py'), '--check'], capture_output=True, text=True)
    print(r.stdout)
    assert r.returncode == 0, r.stdout.splitlines()[-1]
