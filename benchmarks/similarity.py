"""Look-alike search: how exact, how fast and how big the Annoy index is for several n_trees/search_k,
against exact search (brute force in torch), on real face embeddings and on 1M generated vectors shaped
like them; exact batched search vs Annoy for a whole folder of queries; whether look-alikes share age.

    python benchmarks/similarity.py --model runs/train/model.safetensors --faces runs/prepare/faces.csv \
        --n-generated 1000000 --trees 10 20 40 80 --out runs/bench_similarity

Without --model, only the generated part runs (low-rank vectors). Prints Markdown tables for
benchmarks/RESULTS.md, writes similarity.json and the recall/latency plot similarity.png."""
import argparse, json, os, platform, tempfile, time
from datetime import date
from pathlib import Path
import numpy as np, pandas as pd, torch
from agefast.core import atomic_write # first: it quiets a torch deprecation that fastai's import triggers
from agefast.similarity import FaceIndex, age_agreement

def exact_topk(base:torch.Tensor, q:torch.Tensor, k:int, chunk:int=256)->tuple:
    "(cosine similarities, indices) of the k nearest rows of `base` to each row of `q` by angle, in batches of queries"
    b = torch.nn.functional.normalize(base, dim=1)
    sims, ids = [], []
    for i in range(0, len(q), chunk):
        s, j = (torch.nn.functional.normalize(q[i:i + chunk], dim=1) @ b.T).topk(k, dim=1)
        sims.append(s); ids.append(j)
    return torch.cat(sims), torch.cat(ids)

def recall(found:list, truth:tuple, base:np.ndarray, queries:np.ndarray)->float:
    """Share of the true k nearest found, counting ties: a found item is a hit when it is as near as the true k-th
    (real embeddings have exact duplicates and ReLU zeros, so many items can sit at exactly the k-th distance)"""
    sims, _ = truth
    b = base / np.maximum(np.linalg.norm(base, axis=1, keepdims=True), 1e-12)
    q = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    kth = sims[:, -1].numpy()
    return float(np.mean([(b[np.asarray(f, dtype=int)] @ qi >= t - 1e-5).sum() / sims.shape[1] for f, qi, t in zip(found, q, kth)]))

def id_recall(found:list, truth:tuple)->float:
    "Share of the exact top-k item numbers found (ties broken arbitrarily: a lower bound)"
    return float(np.mean([len(set(f) & set(t.tolist())) / len(t) for f, t in zip(found, truth[1])]))

def operating_points(emb:np.ndarray, queries:np.ndarray, trees, search_ks, k:int=10)->list:
    "Build an index per n_trees; per search_k: recall@k against exact search, p50/p99 latency; build time and size"
    truth = exact_topk(torch.from_numpy(emb), torch.from_numpy(queries), k)
    meta = pd.DataFrame({'path': np.arange(len(emb)).astype(str)})
    rows = []
    for nt in trees:
        t = time.perf_counter(); idx = FaceIndex.build(emb, meta, n_trees=nt); build = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as d:
            size = idx.save(Path(d)/'i.ann').stat().st_size
        for sk in search_ks:
            lat, found = [], []
            for v in queries:
                t = time.perf_counter(); found.append(idx.ann.get_nns_by_vector(v, k, search_k=sk)); lat.append(time.perf_counter() - t)
            lat = np.array(lat) * 1e3
            rows.append(dict(n=len(emb), n_trees=nt, search_k=sk, recall=recall(found, truth, emb, queries), id_recall=id_recall(found, truth), p50_ms=float(np.median(lat)),
                             p99_ms=float(np.percentile(lat, 99)), build_s=build, size_mb=size / 2**20))
            print(rows[-1])
    return rows

def batch_search(idx:FaceIndex, queries:np.ndarray, k:int=10, sk=-1)->list:
    "Seconds for all `queries` at once with `FaceIndex.search`: exact (torch matmul) on each device, and Annoy"
    out = []
    devs = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    for dev in devs:
        idx.search(queries[:8], k, exact=True, device=dev) # warm-up (and reads the vectors once)
        if dev == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter(); ids, _ = idx.search(queries, k, exact=True, device=dev); secs = time.perf_counter() - t
        out.append(dict(method=f'exact, torch matmul ({dev})', queries=len(queries), seconds=secs, recall=1.0))
    t = time.perf_counter(); ids, _ = idx.search(queries, k, exact=False, search_k=sk); secs = time.perf_counter() - t
    truth = exact_topk(idx.vectors(), torch.from_numpy(queries), k)
    out.append(dict(method=f"Annoy ({idx.info['n_trees']} trees, search_k {sk})", queries=len(queries), seconds=secs,
                    recall=recall(list(ids), truth, idx.vectors().numpy(), queries)))
    return out

def real_embeddings(model_file:Path, faces:Path):
    from agefast.export import load_model
    from agefast.predict import model_learner
    from agefast.embeddings import get_embeddings
    df = pd.read_csv(faces)
    model = load_model(model_file, device='cuda' if torch.cuda.is_available() else 'cpu')
    learn = model_learner(model, df, bs=256)
    t = time.perf_counter(); emb = get_embeddings(learn, df, progress=False); secs = time.perf_counter() - t
    return df, emb, model, len(df) / secs

def shaped_like(emb:np.ndarray, n:int, seed:int=0)->np.ndarray:
    "n vectors from a Gaussian with the mean and covariance of `emb`, clipped at 0 as the ReLU outputs are"
    rng = np.random.default_rng(seed)
    return np.maximum(rng.multivariate_normal(emb.mean(0), np.cov(emb.T), size=n, method='eigh'), 0).astype(np.float32)

def low_rank(n:int, d:int=16, rank:int=6, seed:int=0)->np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, rank)) @ rng.normal(size=(rank, d)) + 0.1 * rng.normal(size=(n, d))).astype(np.float32)

def device_name()->str:
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)" + (f" + {torch.cuda.get_device_name()}" if torch.cuda.is_available() else '')

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--model', type=Path, help='a model from agefast train (its embeddings are the real part)')
    ap.add_argument('--faces', type=Path, help='the face table the model is embedded on (all rows)')
    ap.add_argument('--n-generated', type=int, default=1_000_000)
    ap.add_argument('--n-queries', type=int, default=1000)
    ap.add_argument('--trees', type=int, nargs='+', default=[10, 20, 40, 80])
    ap.add_argument('--search-k', type=int, nargs='+', default=[-1, 1000, 2000, 5000, 10000])
    ap.add_argument('--out', type=Path, default=Path('runs/bench_similarity'))
    a = ap.parse_args()
    res = dict(date=str(date.today()), device=device_name(), torch_threads=torch.get_num_threads())
    if a.model:
        df, emb, model, ips = real_embeddings(a.model, a.faces)
        res['embedding_images_per_s'] = ips
        rng = np.random.default_rng(1)
        held = rng.choice(len(emb), min(a.n_queries, len(emb) // 10), replace=False)
        mask = np.ones(len(emb), bool); mask[held] = False
        res['real'] = operating_points(emb[mask], emb[held], a.trees, a.search_k)
        idx = FaceIndex.build(emb, df[['path', 'age', 'gender']], model=model)
        res['age_agreement'] = age_agreement(idx, k=10, n=2000)
        print('age agreement', res['age_agreement'])
        gen = shaped_like(emb, a.n_generated + a.n_queries)
        res['generated_kind'] = 'Gaussian with the real embeddings’ mean and covariance, clipped at 0'
    else:
        gen = low_rank(a.n_generated + a.n_queries)
        res['generated_kind'] = 'low-rank (6) Gaussian + noise'
    base, queries = gen[:a.n_generated], gen[a.n_generated:]
    res['generated'] = operating_points(base, queries, a.trees, a.search_k)
    best = [r for r in res['generated'] if r['recall'] >= 0.99]
    idx = FaceIndex.build(base, pd.DataFrame({'path': np.arange(len(base)).astype(str)}), n_trees=best[0]['n_trees'] if best else a.trees[-1])
    res['batch'] = batch_search(idx, queries, sk=best[0]['search_k'] if best else -1)
    for r in res['batch']: print(r)
    a.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(a.out/'similarity.json') as f: json.dump(res, f, indent=1)
    plot(res, a.out/'similarity.png')
    for part in ('real', 'generated'):
        if part not in res: continue
        print(f"\n{part}: n = {res[part][0]['n']:,}\n\n| n_trees | search_k | recall@10 | id recall@10 | p50 ms | p99 ms | build s | size MB |\n|---|---|---|---|---|---|---|---|")
        for r in res[part]: print(f"| {r['n_trees']} | {r['search_k']} | {r['recall']:.4f} | {r['id_recall']:.4f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['build_s']:.1f} | {r['size_mb']:.1f} |")

def plot(res:dict, dest:Path):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    parts = [p for p in ('real', 'generated') if p in res]
    fig, axs = plt.subplots(1, len(parts), figsize=(5.5 * len(parts), 4), squeeze=False)
    for ax, part in zip(axs[0], parts):
        t = pd.DataFrame(res[part])
        for nt, g in t.groupby('n_trees'): ax.plot(g.p50_ms, g.recall, 'o-', label=f'{nt} trees')
        ax.axhline(0.99, color='grey', ls='--', lw=.8)
        ax.set(xlabel='p50 query latency (ms)', ylabel='recall@10 vs exact', title=f"{part}: {t.n.iloc[0]:,} vectors"); ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_write(dest, 'wb') as f: fig.savefig(f, format='png', dpi=110)

if __name__ == '__main__': main()
