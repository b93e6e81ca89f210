"""Clear the outputs of notebook cells marked `# real faces: output not kept`.
Real data sets' pictures are real people's, under the data sets' terms: the repository keeps plots and
tables made from them, never the faces. Run after executing notebooks:  python tools/clear_face_outputs.py"""
import json
from pathlib import Path

MARK = '# real faces: output not kept'
ROOT = Path(__file__).resolve().parents[1]

def marked(cell)->bool: return cell['cell_type'] == 'code' and MARK in ''.join(cell['source'])

def clear(nb_path:Path)->int:
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    n = sum(1 for c in nb['cells'] if marked(c) and c.get('outputs'))
    if n:
        for c in nb['cells']:
            if marked(c): c['outputs'] = []
        nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return n

if __name__ == '__main__':
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')):
        if n := clear(nb): print(f'{nb.name}: cleared {n} cell(s)')
