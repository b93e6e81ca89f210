#!/usr/bin/env python
"""How the notebooks and modules read, in numbers: per library notebook, its exported cells, definitions per
exported cell, average and longest exported cell, the share of exported cells followed directly by a test cell
and the lines over 100 characters; per module, its lines and the agefast modules it imports (earlier or later).

    python tools/nb_metrics.py            # the tables
    python tools/nb_metrics.py --check    # and exit 1 when a target below is missed

Counted as: an exported cell is a code cell flagged `#| export` that is not imports only; its lines are the
non-blank lines after the flags; a definition is a top-level `def`, `class` or name assignment; a test cell is
the very next cell, a code cell that is not exported and calls `test_*` or `assert`. Research notebooks (9x)
and index.ipynb are left out: they train and show rather than define.
"""
from __future__ import annotations
import argparse, ast, json, re, sys
from pathlib import Path

TARGETS = dict(lines_per_cell=10, defs_per_cell=1.2, tested_share=0.60, module_lines=350, long_lines=0)
LONG = 100
_TEST = re.compile(r'^\s*(assert\b|test_\w*\(|test_\w*\s*$)|\btest_(eq|ne|fail|close|is|warns|stdout|shuffled|eq_type)\w*\(', re.M)
_FLAG = re.compile(r'^\s*#\s*\|\s*(\w+)')

def _flags(src:str)->set:
    return {m.group(1) for l in src.splitlines() if (m := _FLAG.match(l))}

def _body(src:str)->list:
    return [l for l in src.splitlines() if l.strip() and not _FLAG.match(l)]

def _defs(src:str)->int:
    "Top-level functions, classes and assigned names in `src`"
    try: tree = ast.parse('\n'.join(_body(src)))
    except SyntaxError: return 0
    n = 0
    for s in tree.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): n += 1
        elif isinstance(s, (ast.Assign, ast.AnnAssign)):
            ts = s.targets if isinstance(s, ast.Assign) else [s.target]
            n += sum(isinstance(t, ast.Name) and t.id != '__all__' for t in ts)
    return n

def _imports_only(src:str)->bool:
    try: tree = ast.parse('\n'.join(_body(src)))
    except SyntaxError: return False
    return all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)

def is_test(cell:dict)->bool:
    "A code cell, not exported, that asserts something"
    src = ''.join(cell['source'])
    return cell['cell_type'] == 'code' and not ({'export', 'exports'} & _flags(src)) and bool(_TEST.search(src))

def notebook_metrics(path)->dict:
    "The numbers of one notebook"
    cells = json.loads(Path(path).read_text())['cells']
    exported, tested, long_lines = [], 0, 0
    for i, c in enumerate(cells):
        src = ''.join(c['source'])
        if c['cell_type'] == 'code': long_lines += sum(len(l) > LONG for l in src.splitlines())
        if c['cell_type'] != 'code' or not ({'export', 'exports'} & _flags(src)) or _imports_only(src): continue
        exported.append((len(_body(src)), _defs(src)))
        tested += i + 1 < len(cells) and is_test(cells[i + 1])
    n = len(exported)
    return dict(notebook=Path(path).name, exported=n, lines=sum(l for l, _ in exported), defs=sum(d for _, d in exported),
                longest=max((l for l, _ in exported), default=0), tested=tested, long_lines=long_lines)

def module_imports(src:str)->set:
    "The agefast modules `src` imports (`from .x import`, `from agefast.x import`, `import agefast.x`)"
    out = set()
    for m in re.finditer(r'^\s*from\s+(\.|agefast\.)(\w+)\s+import|^\s*import\s+agefast\.(\w+)', src, re.M):
        out.add(m.group(2) or m.group(3))
    return out

def module_metrics(lib:Path)->list:
    "Per module: lines, its notebook's number, and the modules it imports"
    rows = []
    for f in sorted(lib.glob('*.py')):
        if f.name.startswith('_'): continue
        src = f.read_text()
        m = re.search(r'File to edit: \.\./nbs/(\d+[a-z]?)_', src) # '15a' comes after '15'
        rows.append(dict(module=f.stem, lines=len(src.splitlines()), number=m.group(1) if m else None,
                         imports=sorted(module_imports(src) - {f.stem})))
    return rows

def cycles(rows:list)->list:
    "Import circles among modules, each as a list of module names"
    graph = {r['module']: r['imports'] for r in rows}
    found, state = [], {}
    def visit(n, stack):
        state[n] = 1; stack.append(n)
        for k in graph.get(n, []):
            if state.get(k) == 1: found.append(stack[stack.index(k):] + [k])
            elif k in graph and not state.get(k): visit(k, stack)
        stack.pop(); state[n] = 2
    for n in graph:
        if not state.get(n): visit(n, [])
    return found

def library_notebooks(nbs:Path)->list:
    return sorted(p for p in nbs.glob('*.ipynb') if re.match(r'[0-8]\d[a-z]?_', p.name)) # 03a_x after 03_y

def report(root:Path)->tuple:
    "Markdown tables of the notebooks and modules, and the list of targets missed"
    nbs = [notebook_metrics(p) for p in library_notebooks(root/'nbs')]
    mods = module_metrics(root/'agefast')
    num = {r['module']: r['number'] for r in mods}
    out = ['| notebook | exported cells | defs/cell | lines/cell (mean) | longest | followed by a test | lines > 100 |',
           '|---|---|---|---|---|---|---|']
    for r in nbs:
        n = max(r['exported'], 1)
        out.append(f"| {r['notebook']} | {r['exported']} | {r['defs'] / n:.2f} | {r['lines'] / n:.1f} | {r['longest']} "
                   f"| {r['tested'] / n:.0%} | {r['long_lines']} |")
    tot = {k: sum(r[k] for r in nbs) for k in ('exported', 'lines', 'defs', 'tested', 'long_lines')}
    n = max(tot['exported'], 1)
    summary = dict(lines_per_cell=tot['lines'] / n, defs_per_cell=tot['defs'] / n, tested_share=tot['tested'] / n,
                   long_lines=tot['long_lines'], longest=max((r['longest'] for r in nbs), default=0))
    out.append(f"| **all** | {tot['exported']} | {summary['defs_per_cell']:.2f} | {summary['lines_per_cell']:.1f} | "
               f"{summary['longest']} | {summary['tested_share']:.0%} | {tot['long_lines']} |")
    out += ['', '| module | lines | notebook | imports earlier | imports later |', '|---|---|---|---|---|']
    later = []
    for r in mods:
        me = r['number']
        e = [i for i in r['imports'] if num.get(i) is not None and me is not None and num[i] < me]
        l = [i for i in r['imports'] if num.get(i) is not None and me is not None and num[i] >= me]
        later += [(r['module'], i) for i in l]
        out.append(f"| {r['module']} | {r['lines']} | {me if me is not None else '-'} | {', '.join(e)} | {', '.join(l)} |")
    circles = cycles(mods)
    out.append('')
    out.append('import circles: ' + ('; '.join(' → '.join(c) for c in circles) if circles else 'none'))
    missed = []
    if summary['lines_per_cell'] > TARGETS['lines_per_cell']: missed.append(f"lines per exported cell {summary['lines_per_cell']:.1f} > {TARGETS['lines_per_cell']}")
    if summary['defs_per_cell'] > TARGETS['defs_per_cell']: missed.append(f"definitions per exported cell {summary['defs_per_cell']:.2f} > {TARGETS['defs_per_cell']}")
    if summary['tested_share'] < TARGETS['tested_share']: missed.append(f"exported cells followed by a test {summary['tested_share']:.0%} < {TARGETS['tested_share']:.0%}")
    if summary['long_lines'] > TARGETS['long_lines']: missed.append(f"{summary['long_lines']} code lines over {LONG} characters")
    missed += [f"{r['module']}.py has {r['lines']} lines > {TARGETS['module_lines']}" for r in mods if r['lines'] > TARGETS['module_lines']]
    missed += [f"{a} imports the later {b}" for a, b in later]
    missed += [f"import circle {' → '.join(c)}" for c in circles]
    return '\n'.join(out), missed

def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--root', type=Path, default=Path(__file__).resolve().parents[1], help='the repository')
    ap.add_argument('--check', action='store_true', help='exit 1 when a target is missed')
    args = ap.parse_args(argv)
    text, missed = report(args.root)
    print(text)
    print('\ntargets: ' + ('all met' if not missed else 'missed: ' + '; '.join(missed)))
    return 1 if args.check and missed else 0

if __name__ == '__main__': sys.exit(main())
