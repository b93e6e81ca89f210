import os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
# a real browser for the docs site and the web demo: Debian's Chromium driven by Playwright
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
ARTIFACTS = Path(os.environ.get('AGEFAST_ARTIFACTS', ROOT/'artifacts')) # screenshots, kept by CI
FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']

def shared_folder(name):
    "A real data folder from ../shared/data (or $AGEFAST_DATA), or skip the test cleanly"
    from agefast.data import shared_data
    p = shared_data(name)
    if p is None: pytest.skip(f"real data {name!r} not present (../shared/data or $AGEFAST_DATA)")
    return p

def snapshot(folder):
    "Every file under `folder` with its bytes' hash and modification time"
    import hashlib
    return {str(p): (p.stat().st_mtime_ns, hashlib.md5(p.read_bytes()).hexdigest())
            for p in Path(folder).rglob('*') if p.is_file()}

@pytest.fixture
def untouched(tmp_path):
    "Yields `tmp_path`; fails the test if any file that existed in it was changed or removed"
    yield tmp_path

def agefast_cmd():
    "How to run the console script installed beside this Python"
    exe = Path(sys.executable).with_name('agefast')
    return [str(exe)] if exe.exists() else [shutil.which('agefast') or 'agefast']

@pytest.fixture(scope='module')
def browser():
    if CHROMIUM is None: pytest.skip('no chromium (tools/test.sh installs Debian chromium where apt-get can)')
    sync_playwright = pytest.importorskip('playwright.sync_api').sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()

# pytest-xdist hands out test files (`--dist loadfile`) in the order they are collected: the longest go first, so that
# the run does not end with one core idle while the other finishes a long file
LONGEST_FIRST = ('test_gpu_session.py', 'test_wheel.py', 'test_cli.py', 'test_similarity.py', 'test_docs.py')

def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank))) # stable: a file's tests keep their order
