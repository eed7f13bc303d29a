#!/usr/bin/python3
"""POT (Python Optimal Transport) peer for bench/ot.mjs.

Usage: pot_bench.py job.json, or pot_bench.py --serve: then it prints {"peer": "pot", "version"} as
its first line and answers each problem read from stdin (one JSON object a line) with one JSON line,
so that bench/ot.mjs can interleave POT's runs with its own. The job lists problems written by bench/ot.mjs as raw little-endian
f64 files (a: n, b: m, C: n*m row-major) and what to measure:
  {"problems": [{"name", "n", "m", "a", "b", "C", "reg", "mode": "periter"|"solve", "iters"?, "maxIter"?}]}
periter: seconds per iteration of ot.sinkhorn(method='sinkhorn') and method='sinkhorn_log' (a fixed
         number of iterations, stopThr=0).
solve:   ot.sinkhorn(method='sinkhorn') to our tolerance: the L1 marginal error of the returned plan
         is checked against `tol`; POT's own stopping rule is ||P^T 1 - b||_2 <= stopThr (rows are
         exact after its last update), so stopThr = tol / (2 sqrt(m)) guarantees the L1 error
         (checked every 10 iterations, POT's default).
Prints JSON: {"peer": "pot", "version", "results": [...]}. One core (numpy's BLAS may use more).
"""
import json
import sys
import time
import warnings

import numpy as np
import ot


def load(path, shape):
    return np.fromfile(path, dtype='<f8').reshape(shape)


def run(p):
    n, m = p['n'], p['m']
    a = load(p['a'], (n,))
    b = load(p['b'], (m,))
    C = load(p['C'], (n, m))
    reg = p['reg']
    if p['mode'] == 'periter':
        out = {'name': p['name'], 'mode': 'periter'}
        for method in ('sinkhorn', 'sinkhorn_log'):
            iters = p['iters'][method]
            t0 = time.perf_counter()
            ot.sinkhorn(a, b, C, reg, method=method, numItermax=iters, stopThr=0.0)
            out[method + '_s_per_iter'] = (time.perf_counter() - t0) / iters
        return out
    tol = p['tol']
    t0 = time.perf_counter()
    P, log = ot.sinkhorn(a, b, C, reg, method='sinkhorn', numItermax=p['maxIter'], stopThr=tol / (2 * np.sqrt(m)), log=True)
    dt = time.perf_counter() - t0
    err = float(np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum())
    return {'name': p['name'], 'mode': 'solve', 'seconds': dt, 'iterations': int(log.get('niter', -1)),
            'marginalError': err, 'converged': bool(np.isfinite(err) and err <= tol)}


def main():
    warnings.simplefilter('ignore')
    if sys.argv[1] == '--serve':
        print(json.dumps({'peer': 'pot', 'version': ot.__version__}), flush=True)
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(run(json.loads(line))), flush=True)
        return
    job = json.load(open(sys.argv[1]))
    results = [run(p) for p in job['problems']]
    print(json.dumps({'peer': 'pot', 'version': ot.__version__, 'results': results}))


if __name__ == '__main__':
    main()
