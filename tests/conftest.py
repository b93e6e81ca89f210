import contextlib, logging, os, shutil, signal, subprocess, sys, tempfile, warnings
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

def script(*args, cwd=None)->subprocess.CompletedProcess:
    "`agefast ARGS` as a user runs it: the installed console script in a process of its own, in `cwd`"
    return subprocess.run(agefast_cmd() + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300)

@contextlib.contextmanager
def _fd_text(fd:int, name:str, out:dict):
    "File descriptor `fd` and `sys.<name>` into one temporary file for the block (Python, C and child processes alike)"
    old, saved, tmp = getattr(sys, name), os.dup(fd), tempfile.TemporaryFile()
    old.flush(); os.dup2(tmp.fileno(), fd)
    setattr(sys, name, open(fd, 'w', buffering=1, encoding='utf-8', errors='replace', closefd=False))
    try: yield
    finally:
        getattr(sys, name).flush(); setattr(sys, name, old); os.dup2(saved, fd); os.close(saved)
        tmp.seek(0); out[name] = tmp.read().decode('utf-8', 'replace'); tmp.close()

@contextlib.contextmanager
def _chdir(path):
    "`contextlib.chdir` (Python 3.11) for 3.10 too"
    old = os.getcwd(); os.chdir(path)
    try: yield
    finally: os.chdir(old)

@contextlib.contextmanager
def _log_to_stderr():
    "Warnings logged during the block go to stderr, as a script's do (pytest's log capture keeps its copy)"
    h = logging.StreamHandler(sys.stderr); h.setLevel(logging.WARNING); logging.getLogger().addHandler(h)
    try: yield
    finally: logging.getLogger().removeHandler(h)

def _warn_to_stderr(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

def cli(*args, cwd=None)->subprocess.CompletedProcess:
    """`agefast ARGS` in this process: `agefast.cli.main`, which the console script calls, in `cwd`, its stdout, stderr
    (warnings and logged warnings included, as a script shows them) and exit code as `subprocess.run` gives them; the
    global state it changes (cwd, environment, random generators, cuDNN flags, warnings filters, SIGCHLD handler) is
    put back"""
    import random, numpy as np, torch
    from torch.utils.data._utils import signal_handling as dl_signals
    from agefast.cli import main
    env, rng = dict(os.environ), (random.getstate(), np.random.get_state(), torch.get_rng_state())
    cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None # `train` seeds CUDA too
    cudnn, out = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark), {}
    sigchld = signal.getsignal(signal.SIGCHLD), getattr(dl_signals, '_SIGCHLD_handler_set', False)
    try:
        with _chdir(cwd or '.'), warnings.catch_warnings(), _fd_text(1, 'stdout', out), \
             _fd_text(2, 'stderr', out), _log_to_stderr():
            warnings.simplefilter('ignore', PendingDeprecationWarning) # as in a new interpreter, unlike under pytest
            warnings.showwarning = _warn_to_stderr # not into pytest's record
            try: code = main([str(a) for a in args])
            except SystemExit as e: # as the interpreter ends: None is 0, a message goes to stderr and exits 1
                code = e.code
                if not (code is None or isinstance(code, int)): print(code, file=sys.stderr); code = 1
    except BaseException: # what it wrote so far goes to pytest's report, with the traceback
        print(out.get('stdout', ''), end=''); print(out.get('stderr', ''), end='', file=sys.stderr); raise
    finally:
        if dict(os.environ) != env: os.environ.clear(); os.environ.update(env)
        random.setstate(rng[0]); np.random.set_state(rng[1]); torch.set_rng_state(rng[2])
        if cuda_rng is not None: torch.cuda.set_rng_state_all(cuda_rng)
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = cudnn # `train` sets them
        if signal.getsignal(signal.SIGCHLD) is not sigchld[0]: # torch's, set by a data loader with workers
            signal.signal(signal.SIGCHLD, sigchld[0]); dl_signals._SIGCHLD_handler_set = sigchld[1]
    if code == 130: raise KeyboardInterrupt # Ctrl-C, which `main` answers with 130: it stops pytest too
    return subprocess.CompletedProcess(['agefast', *map(str, args)], code or 0, out['stdout'], out['stderr'])

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
