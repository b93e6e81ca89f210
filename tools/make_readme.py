"""Write README.md from nbs/index.ipynb: markdown cells as they are, code cells as Python blocks
(hidden ones left out), image paths made relative to the repository root. Quarto-free, so it runs here.
  python tools/make_readme.py          # write README.md
  python tools/make_readme.py --check  # exit 1 if README.md is not what index.ipynb makes"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def readme_text(nb_path=ROOT/'nbs'/'index.ipynb')->str:
    parts = []
    for c in json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']:
        src = ''.join(c['source']).strip()
        if not src: continue
        if c['cell_type'] == 'markdown': parts.append(re.sub(r'\]\((?!https?:|/|#)([^)]+)\)', r'](nbs/\1)', src))
        elif c['cell_type'] == 'code' and not re.match(r'#\s*\|\s*hide', src): parts.append(f"```python\n{src}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = readme_text(), ROOT/'README.md'
    if '--check' in sys.argv:
        ok = readme.exists() and readme.read_text(encoding='utf-8') == text
        if not ok: print('README.md is out of date: run python tools/make_readme.py')
        sys.exit(0 if ok else 1)
    readme.write_text(text, encoding='utf-8')
    print(f'wrote {readme}')
