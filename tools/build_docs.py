"""Build agefast's documentation site into _docs/ without Quarto: the same pages `nbdev_docs` makes, from
nbdev's processed notebooks (show_doc API reference, doc links, outputs and plots kept) through nbconvert.

    python tools/build_docs.py            # _docs/index.html, _docs/model.html, ...
    python tools/build_docs.py --out site # elsewhere

Where Quarto is installed, `nbdev_docs` builds the full nbdev site instead (same notebooks, same _docs/).
Steps: nbdev's `proc_nbs` (the processors nbdev_docs runs before Quarto: show_doc for every export, doc
links, directives, hidden cells removed) writes _proc/; each processed notebook goes through nbconvert's
`lab` template; a sidebar with one link per notebook and a page title are added; links to the hosted site
become links between the local pages; images are copied. Pages are written atomically, one by one."""
import argparse, html, json, os, re, shutil, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def page_name(nb:Path)->str:
    "The page nbdev/Quarto makes of a notebook: 11_model.ipynb -> model.html (index.ipynb -> index.html)"
    return re.sub(r'^\d+[a-z]?_', '', nb.stem) + '.html'

def front_matter(nb:dict)->dict:
    "title/description from the processed notebook's YAML front matter (a raw cell), or its first heading"
    import yaml
    fm = {}
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'raw' and src.startswith('---'):
            fm = yaml.safe_load(src.split('---')[1]) or {}
            break
    if 'title' not in fm:
        m = next((re.match(r'#\s+(.+)', ''.join(c['source'])) for c in nb['cells'] if c['cell_type'] == 'markdown'), None)
        fm['title'] = m.group(1) if m else ''
    return fm

SIDEBAR_CSS = """
body { margin: 0; }
#agefast-sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 230px; overflow-y: auto; padding: 18px 14px;
  background: #f6f7f9; border-right: 1px solid #ddd; font: 14px/1.45 system-ui, sans-serif; box-sizing: border-box; }
#agefast-sidebar h2 { font-size: 18px; margin: 0 0 12px; }
#agefast-sidebar a { display: block; padding: 3px 6px; color: #1a4d8f; text-decoration: none; border-radius: 4px; }
#agefast-sidebar a.current { background: #dde6f3; font-weight: 600; }
#agefast-main { margin-left: 250px; max-width: 1100px; padding: 10px 20px 60px; }
#agefast-main > header { font-family: system-ui, sans-serif; } #agefast-main > header h1 { margin-bottom: 4px; } #agefast-main > header p { color: #555; margin-top: 0; }
"""

def sidebar(pages:list, current:str)->str:
    links = ''.join(f'<a href="{p}"{" class=current" if p == current else ""}>{html.escape(t)}</a>' for p, t in pages)
    return f'<nav id="agefast-sidebar"><h2><a href="index.html">agefast</a></h2>{links}</nav>'

def localise(text:str, doc_url:str)->str:
    "Links to the hosted docs (nbdev's doc links) point at the local pages instead"
    return text.replace(doc_url.rstrip('/') + '/', '') if doc_url else text

def quarto_directives(cell):
    "Do what Quarto does with a code cell's `#| ` lines: drop them from the shown code; `echo: false` hides the code, `include: false` the cell"
    if cell.cell_type != 'code': return cell
    lines = cell.source.splitlines()
    n = next((i for i, l in enumerate(lines) if not l.startswith('#|')), len(lines))
    opts = dict((k.strip(), v.strip().lower()) for k, _, v in (l[2:].partition(':') for l in lines[:n]))
    cell.source = '\n'.join(lines[n:])
    tags = cell.metadata.setdefault('tags', [])
    if opts.get('include') == 'false': tags.append('remove_cell')
    elif opts.get('echo') == 'false' or not cell.source.strip(): tags.append('remove_input')
    return cell

def render(nb_path:Path, pages:list, doc_url:str)->tuple:
    "(page name, HTML) of one processed notebook"
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    nb = nbformat.read(nb_path, as_version=4)
    fm = front_matter(nb)
    nb.cells = [quarto_directives(c) for c in nb.cells if c.cell_type != 'raw'] # the front matter: shown as the page header instead
    exporter = HTMLExporter(template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}, remove_cell_tags={'remove_cell'}), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    name = page_name(nb_path)
    head = f'<header><h1>{html.escape(fm.get("title", ""))}</h1><p>{html.escape(fm.get("description", ""))}</p></header>'
    body = body.replace('</head>', f'<style>{SIDEBAR_CSS}</style></head>', 1)
    body = re.sub(r'<title>.*?</title>', f'<title>{html.escape(fm.get("title", "agefast"))} – agefast</title>', body, count=1, flags=re.S)
    body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + sidebar(pages, name) + '<div id="agefast-main">' + head, body, count=1)
    body = body.replace('</body>', '</div></body>', 1)
    return name, localise(body, doc_url)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', type=Path, default=ROOT/'_docs', help='where the site goes (default: _docs/)')
    ap.add_argument('--workers', type=int, default=2, help='processes for nbdev\'s notebook processing')
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    os.environ.setdefault('MPLBACKEND', 'Agg')
    from agefast.core import atomic_write
    from nbdev.config import get_config
    from nbdev.serve import proc_nbs
    from nbdev.doclinks import _build_modidx
    cfg = get_config()
    _build_modidx()
    proc = Path(proc_nbs(n_workers=a.workers))
    nbs = sorted(p for p in proc.glob('*.ipynb') if (cfg.nbs_path/p.name).exists()) # not notebooks since renamed
    nbs = [p for p in nbs if p.name == 'index.ipynb'] + [p for p in nbs if p.name != 'index.ipynb']
    pages = [(page_name(p), front_matter(json.loads(p.read_text()))['title'] or p.stem) for p in nbs]
    doc_url = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/')
    for p in nbs:
        name, text = render(p, pages, doc_url)
        with atomic_write(a.out/name, encoding='utf-8') as f: f.write(text)
        print(f'{a.out/name}')
    for d in ('images',):
        if (proc/d).is_dir(): shutil.copytree(proc/d, a.out/d, dirs_exist_ok=True)
    for old in set(a.out.glob('*.html')) - {a.out/n for n, _ in pages}: old.unlink() # pages of renamed notebooks
    print(f'{len(nbs)} pages in {a.out}/ (open {a.out}/index.html)')

if __name__ == '__main__': sys.exit(main())
