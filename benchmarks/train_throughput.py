"""Training throughput, side by side in one process: (a) fastai's default DataLoaders (PIL decoding in
workers), (b) agefast's fast path (uint8 cache, batches and augmentation on the device), (c) the model
alone (random tensors already on the device). Same model, size, batch size and training step.

    python benchmarks/train_throughput.py --data ../shared/data/utkface_64 --arch resnet18 --size 64 --bs 128 --batches 40

On CUDA the step runs in bf16 autocast with channels_last; on a CPU in float32 (keep sizes small there).
Prints a Markdown row for benchmarks/RESULTS.md and writes throughput.json."""
import argparse, json, platform, tempfile, time
from datetime import date
from pathlib import Path
import numpy as np, pandas as pd, torch
from agefast.core import atomic_write # first: it quiets a torch deprecation that fastai's import triggers
from agefast.data import read_utkface, validate_images, split_faces, shared_data, synth_faces
from agefast.datablock import age_gender_dls
from agefast.learner import age_gender_learner

def steps_per_s(learn, batches, n:int, warmup:int=3)->float:
    "Images per second over `n` training steps (forward, backward, optimiser) on the batches `batches` yields"
    model, dev = learn.model.train(), next(learn.model.parameters()).device
    learn.create_opt(); opt = learn.opt
    cuda = dev.type == 'cuda'
    it, done, t0 = iter(batches), 0, None
    for i in range(warmup + n):
        if i == warmup:
            if cuda: torch.cuda.synchronize()
            t0 = time.perf_counter()
        x, *y = next(it)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cuda):
            loss = learn.loss_func(model(x.contiguous(memory_format=torch.channels_last) if cuda else x), *y)
        loss.backward(); opt.step(); opt.zero_grad()
        if i >= warmup: done += len(x)
    if cuda: torch.cuda.synchronize()
    return done / (time.perf_counter() - t0)

def endless(dl):
    while True: yield from dl

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=None, help='a UTKFace folder (default: ../shared/data/utkface_64 if present)')
    ap.add_argument('--generated', action='store_true', help='use 600 generated faces instead of real data')
    ap.add_argument('--arch', default='resnet18')
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--batches', type=int, default=40)
    ap.add_argument('--workers', type=int, default=None, help="default DataLoaders' worker processes (default: fastai's)")
    ap.add_argument('--out', type=Path, default=Path('runs/bench_throughput'))
    a = ap.parse_args()
    data = None if a.generated else (a.data or shared_data('utkface_64'))
    data = data or synth_faces(Path(tempfile.mkdtemp())/'utk', n=600, seed=0)
    good, _ = validate_images(read_utkface(data), progress=False)
    df = split_faces(good)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    cache = Path(tempfile.mkdtemp())
    res = dict(date=str(date.today()), device=torch.cuda.get_device_name() if dev.type == 'cuda' else f"CPU ({platform.machine()}, {torch.get_num_threads()} threads)",
               data=str(data), faces=len(df), arch=a.arch, size=a.size, bs=a.bs, batches=a.batches)
    kw = {} if a.workers is None else {'num_workers': a.workers}
    std = age_gender_dls(df, size=a.size, bs=a.bs, device=dev, **kw)
    t = time.perf_counter(); fast = age_gender_dls(df, size=a.size, bs=a.bs, device=dev, fast=True, cache_dir=cache); res['cache_build_s'] = time.perf_counter() - t
    t = time.perf_counter(); age_gender_dls(df, size=a.size, bs=a.bs, device=dev, fast=True, cache_dir=cache); res['cache_reuse_s'] = time.perf_counter() - t
    def learner(dls):
        learn = age_gender_learner(dls, a.arch, pretrained=False)
        learn.model.to(dev)
        if dev.type == 'cuda': learn.model.to(memory_format=torch.channels_last)
        return learn
    res['default_img_s'] = steps_per_s(learner(std), endless(std.train), a.batches)
    res['fast_img_s'] = steps_per_s(learner(fast), endless(fast.train), a.batches)
    x = torch.randn(a.bs, 3, a.size, a.size, device=dev)
    y = (torch.rand(a.bs, device=dev) * 90, torch.randint(0, 2, (a.bs,), device=dev))
    res['model_only_img_s'] = steps_per_s(learner(fast), iter(lambda: (x, *y), None), a.batches)
    if dev.type == 'cuda': res['peak_mem_gb'] = torch.cuda.max_memory_allocated() / 2**30
    res['fast_over_default'] = res['fast_img_s'] / res['default_img_s']
    res['fast_over_model_only'] = res['fast_img_s'] / res['model_only_img_s']
    print(json.dumps(res, indent=1))
    a.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(a.out/'throughput.json') as f: json.dump(res, f, indent=1)
    print('\n| date | device | arch | size | bs | (a) default img/s | (b) fast img/s | (c) model only img/s | (b)/(a) | (b)/(c) | cache build / reuse s |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    print(f"| {res['date']} | {res['device']} | {a.arch} | {a.size} | {a.bs} | {res['default_img_s']:.0f} | {res['fast_img_s']:.0f} | {res['model_only_img_s']:.0f} | "
          f"{res['fast_over_default']:.2f} | {res['fast_over_model_only']:.2f} | {res['cache_build_s']:.1f} / {res['cache_reuse_s']:.1f} |")

if __name__ == '__main__': main()
