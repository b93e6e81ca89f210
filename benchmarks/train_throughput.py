"""Training throughput, side by side in one process: (a) fastai's default DataLoaders (PIL decoding in
workers), (b) agefast's fast path (uint8 cache, batches and augmentation on the device), (c) the model
alone (random tensors already on the device). Same model, size, batch size and training step.

    python benchmarks/train_throughput.py --data ../shared/data/utkface_64 --arch resnet18 --size 64 --bs 256 --batches 100 --compile --target-mae 5.5 --epochs 40

On CUDA the step runs in the learners' mixed precision (bf16, fp16 before Ampere) with channels_last; on a CPU in float32.
`--compile` adds (d): the fast path with `torch.compile`. `--target-mae` then trains from scratch with the fast
path and agefast's recipe (one-cycle, mixed precision + channels_last on CUDA), scoring the *test* faces after every
epoch, and reports the wall time from the first step until test MAE <= the target (training stops there);
`--mixup 0` trains it without mixup, `--batches 0` skips the throughput runs.
GPU utilisation is sampled every 0.2 s during each measurement (nvidia-smi or pynvml); on CUDA it also counts the
host syncs one fast-path batch makes (`agefast.fast.host_syncs`).
Seeds as `agefast train` does (`set_seed(..., reproducible=True)`: cuDNN deterministic, no autotuning), so the
figures describe the runs users make; `--cudnn-benchmark` times cuDNN's autotuned kernels instead. The JSON and the
row say which. Prints Markdown rows for benchmarks/RESULTS.md and writes throughput.json."""
import argparse, json, platform, subprocess, tempfile, threading, time
from datetime import date
from pathlib import Path
import numpy as np, pandas as pd, torch
from agefast.core import atomic_write # first: it quiets a torch deprecation that fastai's import triggers
from agefast.data import read_utkface, shared_data
from agefast.split import validate_images, split_faces
from agefast.synth import synth_faces
from agefast.datablock import age_gender_dls, age_dls
from agefast.learner import age_gender_learner, age_learner
from agefast.fast import host_syncs
from agefast.experiments import images_per_s
from fastai.callback.core import Callback, CancelFitException
from fastai.torch_core import set_seed

def gpu_utilisation()->float|None:
    "The GPU's utilisation now, in %, or None where it cannot be read"
    try: return float(torch.cuda.utilization())
    except Exception: pass
    try: return float(subprocess.run(['nvidia-smi', '--query-gpu=utilization.gpu', '--format=csv,noheader,nounits', '-i', '0'],
                                     capture_output=True, text=True, timeout=5).stdout.split()[0])
    except Exception: return None

class UtilSampler:
    "Mean GPU utilisation (%) while the `with` block runs (None on CPU)"
    def __init__(self, on:bool, every:float=0.2): self.on, self.every, self.samples = on, every, []
    def _run(self):
        while not self.done.wait(self.every):
            u = gpu_utilisation()
            if u is not None: self.samples.append(u)
    def __enter__(self):
        if self.on: self.done = threading.Event(); self.t = threading.Thread(target=self._run, daemon=True); self.t.start()
        return self
    def __exit__(self, *_):
        if self.on: self.done.set(); self.t.join()
    @property
    def mean(self): return float(np.mean(self.samples)) if self.samples else None

def steps_per_s(learn, batches, n:int, warmup:int=3)->float:
    "Images per second over `n` training steps (forward, backward, optimiser) on the batches `batches` yields"
    model, dev = learn.model.train(), next(learn.model.parameters()).device
    learn.create_opt(); opt = learn.opt
    cuda, it = dev.type == 'cuda', iter(batches)
    dtype = {'bf16': torch.bfloat16, 'fp16': torch.float16}.get(learn.precision) # as the learner trains (fp32: none)
    def step():
        x, *y = next(it)
        x = x.as_subclass(torch.Tensor) # what agefast's PlainInputs hands a compiled model; the same for every run
        with torch.autocast(dev.type, dtype=dtype or torch.bfloat16, enabled=dtype is not None):
            loss = learn.loss_func(model(x.contiguous(memory_format=torch.channels_last) if cuda else x), *y)
        loss.backward(); opt.step(); opt.zero_grad()
        return len(x)
    return images_per_s(step, n, warmup, dev)

def endless(dl):
    while True: yield from dl

class TimeToMAE(Callback):
    "Record (seconds since the first step, valid MAE) after each epoch; stop once MAE <= `target`"
    order = 90 # after the Recorder has the epoch's metrics
    def __init__(self, target:float): self.target, self.rows, self.reached, self.t0 = target, [], None, None
    def before_batch(self):
        if self.t0 is None:
            if self.dls.device.type == 'cuda': torch.cuda.synchronize()
            self.t0 = time.perf_counter()
    def after_epoch(self):
        names, vals = self.recorder.metric_names[1:-1], self.recorder.log[1:-1]
        mae = float(dict(zip(names, vals))['mae'])
        s = time.perf_counter() - self.t0
        self.rows.append({'epoch': len(self.rows), 'seconds': round(s, 2), 'test_mae': round(mae, 3)})
        if mae <= self.target:
            self.reached = s; raise CancelFitException()

def time_to_mae(df, a, dev, cache)->dict:
    "Train from scratch on the train faces (fast path) with the test faces as validation; seconds until test MAE <= a.target_mae"
    d = df[df.split != 'valid'].assign(split=lambda d: d.split.replace({'test': 'valid'}))
    dls = age_dls(d, size=a.size, bs=a.bs, device=dev, fast=True, cache_dir=cache)
    learn = age_learner(dls, a.arch, pretrained=False, mixup=a.mixup)
    cb = TimeToMAE(a.target_mae)
    with UtilSampler(dev.type == 'cuda') as u: learn.fit_one_cycle(a.epochs, a.lr, cbs=cb)
    best = min(r['test_mae'] for r in cb.rows)
    return dict(target_mae=a.target_mae, epochs_budget=a.epochs, lr=a.lr, mixup=a.mixup, epochs_run=len(cb.rows), best_test_mae=best,
                seconds_to_target=None if cb.reached is None else round(cb.reached, 1), train_seconds=cb.rows[-1]['seconds'],
                gpu_util_pct=u.mean, epochs=cb.rows, test_faces=int((d.split == 'valid').sum()), train_faces=int((d.split == 'train').sum()))

def throughput(df, a, dev, cache, res):
    "Side by side img/s of (a) default, (b) fast, (c) model only and, with --compile, (d) fast + compile, into `res`"
    kw = {} if a.workers is None else {'num_workers': a.workers}
    std = age_gender_dls(df, size=a.size, bs=a.bs, device=dev, **kw)
    t = time.perf_counter(); fast = age_gender_dls(df, size=a.size, bs=a.bs, device=dev, fast=True, cache_dir=cache); res['cache_build_s'] = time.perf_counter() - t
    t = time.perf_counter(); age_gender_dls(df, size=a.size, bs=a.bs, device=dev, fast=True, cache_dir=cache); res['cache_reuse_s'] = time.perf_counter() - t
    def learner(dls):
        learn = age_gender_learner(dls, a.arch, pretrained=False)
        learn.model.to(dev)
        if dev.type == 'cuda': learn.model.to(memory_format=torch.channels_last)
        return learn
    x = torch.randn(a.bs, 3, a.size, a.size, device=dev)
    y = (torch.rand(a.bs, device=dev) * 90, torch.randint(0, 2, (a.bs,), device=dev))
    runs = {'default': lambda: steps_per_s(learner(std), endless(std.train), a.batches),
            'fast': lambda: steps_per_s(learner(fast), endless(fast.train), a.batches),
            'model_only': lambda: steps_per_s(learner(fast), iter(lambda: (x, *y), None), a.batches)}
    if a.compile:
        def compiled():
            learn = learner(fast); learn.model.compile(backend=a.compile_backend)
            return steps_per_s(learn, endless(fast.train), a.batches, warmup=10)
        runs['fast_compiled'] = compiled
    cuda = dev.type == 'cuda'
    for k, run in runs.items():
        if cuda: torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
        with UtilSampler(cuda) as u: res[f'{k}_img_s'] = run()
        res[f'{k}_gpu_util_pct'] = u.mean
        if cuda: res[f'{k}_peak_mem_gb'] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    if cuda: # how often drawing one augmented batch makes the host wait for the GPU (fastai's augmentation does)
        it = iter(fast.train); next(it)
        res['fast_host_syncs_per_batch'] = host_syncs(lambda: [next(it) for _ in range(5)]) / 5
    res['fast_over_default'] = res['fast_img_s'] / res['default_img_s']
    res['fast_over_model_only'] = res['fast_img_s'] / res['model_only_img_s']

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=None, help='a UTKFace folder (default: ../shared/data/utkface_64 if present)')
    ap.add_argument('--generated', action='store_true', help='use 600 generated faces instead of real data')
    ap.add_argument('--arch', default='resnet18')
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--batches', type=int, default=40, help='timed training steps per run (0: no throughput runs, only --target-mae)')
    ap.add_argument('--workers', type=int, default=None, help="default DataLoaders' worker processes (default: fastai's)")
    ap.add_argument('--compile', action='store_true', help='also measure (d): the fast path with torch.compile')
    ap.add_argument('--compile-backend', default='inductor',
                    help="torch.compile's backend for (d) ('aot_eager' traces without generating kernels: the smoke test's)")
    ap.add_argument('--target-mae', type=float, default=None, help='also train until test MAE <= this (fast path, from scratch)')
    ap.add_argument('--epochs', type=int, default=40, help='one-cycle epoch budget for --target-mae')
    ap.add_argument('--lr', type=float, default=3e-3, help='peak learning rate for --target-mae')
    ap.add_argument('--mixup', type=float, default=0.2, help="mixup alpha for --target-mae (agefast's default; 0: off)")
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--cudnn-benchmark', action='store_true', help="cuDNN autotuning, not deterministic (default: as `agefast train`)")
    ap.add_argument('--out', type=Path, default=Path('runs/bench_throughput'))
    a = ap.parse_args()
    set_seed(a.seed, reproducible=not a.cudnn_benchmark)
    if a.cudnn_benchmark: torch.backends.cudnn.benchmark = True
    cudnn = 'autotuned' if torch.backends.cudnn.benchmark else 'deterministic' if torch.backends.cudnn.deterministic else 'default'
    data = None if a.generated else (a.data or shared_data('utkface_64'))
    tmp = tempfile.TemporaryDirectory() # generated faces and decoded caches: removed when the script ends
    where = str(data) if data else 'generated (600 faces)' # the generated folder is gone once the script ends
    data = data or synth_faces(Path(tmp.name)/'utk', n=600, seed=0)
    good, _ = validate_images(read_utkface(data), progress=False)
    df = split_faces(good)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    cache = Path(tmp.name)/'cache'
    res = dict(date=str(date.today()), device=torch.cuda.get_device_name() if dev.type == 'cuda' else f"CPU ({platform.machine()}, {torch.get_num_threads()} threads)",
               data=where, faces=len(df), arch=a.arch, size=a.size, bs=a.bs, batches=a.batches, cudnn=cudnn,
               compile_backend=a.compile_backend if a.compile else None)
    if a.batches > 0: throughput(df, a, dev, cache, res)
    if a.target_mae is not None: res['time_to_mae'] = time_to_mae(df, a, dev, cache)
    print(json.dumps(res, indent=1))
    a.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(a.out/'throughput.json') as f: json.dump(res, f, indent=1)
    fmt = lambda v, f='{:.0f}': '-' if v is None else f.format(v)
    if 'time_to_mae' in res:
        t = res['time_to_mae']
        print(f"\nTime to test MAE <= {t['target_mae']}: {fmt(t['seconds_to_target'], '{:.1f} s')} (best {t['best_test_mae']:.2f} "
              f"after {t['epochs_run']} of {t['epochs_budget']} epochs, {t['train_seconds']:.1f} s)")
    print('\n| date | device | arch | size | bs | cuDNN | (a) default img/s | (b) fast img/s | (c) model only img/s | (d) fast + compile img/s '
          '| (b)/(a) | (b)/(c) | GPU util a/b/c % | peak mem a/b/c GB | cache build / reuse s | time to test MAE <= target |')
    print('|' + '---|' * 16)
    ttm = res.get('time_to_mae')
    ttm = '-' if ttm is None else f"{fmt(ttm['seconds_to_target'], '{:.1f} s')} (<= {ttm['target_mae']}; best {ttm['best_test_mae']:.2f}, {ttm['epochs_run']} ep)"
    util = '/'.join(fmt(res.get(f'{k}_gpu_util_pct')) for k in ('default', 'fast', 'model_only'))
    mem = '/'.join(fmt(res.get(f'{k}_peak_mem_gb'), '{:.1f}') for k in ('default', 'fast', 'model_only'))
    g = lambda k, f='{:.0f}': fmt(res.get(k), f)
    print(f"| {res['date']} | {res['device']} | {a.arch} | {a.size} | {a.bs} | {cudnn} | {g('default_img_s')} | {g('fast_img_s')} | "
          f"{g('model_only_img_s')} | {g('fast_compiled_img_s')} | {g('fast_over_default', '{:.2f}')} | "
          f"{g('fast_over_model_only', '{:.2f}')} | {util} | {mem} | {g('cache_build_s', '{:.1f}')} / {g('cache_reuse_s', '{:.1f}')} | {ttm} |")

if __name__ == '__main__': main()
