"""`benchmarks/gpu_session.sh` runs only on a lent GPU, rarely: check here that it parses and that every
option it passes to a benchmark script, to `nbdev_test` and to `agefast` still exists, so it cannot rot."""
import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT/'benchmarks'/'gpu_session.sh'

def commands(prog:str)->list:
    "The argument strings of each `prog ...` command in the script (continuation lines joined)"
    txt = SCRIPT.read_text().replace('\\\n', ' ')
    return re.findall(rf'{prog}([^\n;]*)', txt)

def help_text(*cmd)->str:
    return subprocess.run([*cmd, '--help'], capture_output=True, text=True, check=True, cwd=ROOT).stdout

def check_flags(args:str, helps:str, what:str):
    flags = re.findall(r'(?<![\w-])(--[a-z][\w-]*)', args)
    assert flags, f'no options found for {what}'
    missing = [f for f in flags if not re.search(rf'{re.escape(f)}\b', helps)]
    assert not missing, f'{what}: {missing} not among its options'

def test_script_parses():
    subprocess.run(['bash', '-n', str(SCRIPT)], check=True)

def test_benchmark_options_exist():
    calls = commands(r'python3 (benchmarks/\w+\.py)')
    assert {s for s, _ in calls} >= {'benchmarks/train_throughput.py', 'benchmarks/utkface_accuracy.py',
                                      'benchmarks/similarity.py', 'benchmarks/predict_speed.py'}
    for script, args in calls: check_flags(args, help_text(sys.executable, str(ROOT/script)), script)

def test_nbdev_test_and_cli_options_exist():
    nbdev = Path(sys.executable).parent/'nbdev_test'
    for args in commands(r'step \d+ \w+ nbdev_test'): check_flags(args, help_text(str(nbdev)), 'nbdev_test')
    for sub, args in commands(r'"\$\{AGEFAST\[@\]\}" (\w+)'):
        cli = help_text(sys.executable, '-c', 'import sys; from agefast.cli import main; sys.exit(main())', sub)
        check_flags(args, cli, f'agefast {sub}')
