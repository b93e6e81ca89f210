"What `pip install` gave us: the right version, the console script, importable modules, the declared dependencies."
import configparser, importlib, importlib.metadata as md, pkgutil
from conftest import ROOT, agefast_cmd
from pathlib import Path

def test_version_and_entry_point():
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    import agefast
    assert agefast.__version__ == cfg['DEFAULT']['version'] == md.version('agefast')
    eps = [e for e in md.entry_points(group='console_scripts') if e.name == 'agefast']
    assert eps and eps[0].value == 'agefast.cli:main'
    assert Path(agefast_cmd()[0]).exists()

def test_every_module_imports():
    import agefast
    mods = [m.name for m in pkgutil.iter_modules(agefast.__path__) if not m.name.startswith('_')]
    assert {'core', 'faces', 'synth', 'data', 'download', 'split', 'eda', 'losses', 'metrics', 'tasks', 'fast', 'datablock', 'model', 'learner',
            'evaluate', 'export', 'predict', 'embeddings', 'similarity', 'distributed', 'experiments', 'commands', 'cli'} <= set(mods)
    for m in mods: importlib.import_module(f'agefast.{m}')

def test_requirements_are_installed():
    reqs = md.requires('agefast') or []
    runtime = [r.split(';')[0] for r in reqs if 'extra ==' not in r]
    names = {r.split('=')[0].split('<')[0].split('>')[0].strip() for r in runtime}
    assert {'fastai', 'torch', 'annoy', 'pandas', 'scipy'} <= names
    for n in names: md.version(n) # raises PackageNotFoundError if missing
