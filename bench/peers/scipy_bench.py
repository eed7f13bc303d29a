#!/usr/bin/python3
"""scipy.sparse peer for bench/run.mjs --peers (single-threaded, as scipy.sparse is).

Usage: scipy_bench.py job.json. Reads the matrices bench/run.mjs exported (raw int32 rowPtr and
colIdx, f64 values; or COO triplets) and prints JSON on stdout:
  {"peer": "scipy", "version": ..., "results": [{"case", "kernel", "threads", "ms", "runs", "outNnz"?}], "notes": []}
Kernels: spmv, spmv-f32, spmvT, spmm8, spmm32 (X dense C-order), spgemm (A @ A), transpose
(A.T.tocsr()), coo2csr (coo_matrix(...).tocsr(), duplicates summed).
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def measure(fn, budget_ms, min_runs, max_runs):
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1e3
    runs = max(min_runs, min(max_runs, int(budget_ms / max(first, 1e-3))))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return median(times), runs


def fill_x(n, k=1):
    i = np.arange(n * k, dtype=np.float64)
    x = 1 + (i % 7) * 0.125
    return x if k == 1 else x.reshape(n, k)


def load_csr(h):
    rp = np.fromfile(h["rowPtr"], dtype=np.int32)
    ci = np.fromfile(h["colIdx"], dtype=np.int32)
    v = np.fromfile(h["values"], dtype=np.float64)
    return sp.csr_matrix((v, ci, rp), shape=(h["rows"], h["cols"]))


def main():
    job = json.load(open(sys.argv[1]))
    budget, lo, hi = job["budgetMs"], job["minRuns"], job["maxRuns"]
    results, notes = [], []

    def record(case, kernel, fn, out_nnz=None):
        try:
            ms, runs = measure(fn, budget, lo, hi)
        except Exception as e:  # a peer failure is a note, not a crash
            notes.append(f"{case} {kernel}: {type(e).__name__}: {e}")
            return
        r = {"case": case, "kernel": kernel, "threads": 1, "ms": ms, "runs": runs}
        if out_nnz is not None:
            r["outNnz"] = int(out_nnz())
        results.append(r)

    for c in job["cases"]:
        name, kernels = c["name"], c["kernels"]
        if "coo" in c:
            h = json.load(open(c["coo"]))
            r = np.fromfile(h["rowIdx"], dtype=np.int32)
            j = np.fromfile(h["colIdx"], dtype=np.int32)
            v = np.fromfile(h["values"], dtype=np.float64)
            shape = (h["rows"], h["cols"])
            out = {}

            def coo():
                out["C"] = sp.coo_matrix((v, (r, j)), shape=shape).tocsr()

            record(name, "coo2csr", coo, lambda: out["C"].nnz)
            continue
        A = load_csr(json.load(open(c["matrix"])))
        rows, cols = A.shape
        for k in kernels:
            if k == "spmv":
                x = fill_x(cols)
                record(name, k, lambda: A @ x)
            elif k == "spmv-f32":
                A32 = A.astype(np.float32)
                x32 = fill_x(cols).astype(np.float32)
                record(name, k, lambda: A32 @ x32)
            elif k == "spmvT":
                xt = fill_x(rows)
                At = A.T  # CSC view of the same arrays: scipy's transposed product
                record(name, k, lambda: At @ xt)
            elif k in ("spmm8", "spmm32"):
                X = np.ascontiguousarray(fill_x(cols, int(k[4:])))
                record(name, k, lambda: A @ X)
            elif k == "spgemm":
                out = {}

                def gemm():
                    out["C"] = A @ A

                record(name, k, gemm, lambda: out["C"].nnz)
            elif k == "transpose":
                record(name, k, lambda: A.T.tocsr())
        del A
    print(json.dumps({"peer": "scipy", "version": scipy.__version__, "results": results, "notes": notes}))


if __name__ == "__main__":
    main()
