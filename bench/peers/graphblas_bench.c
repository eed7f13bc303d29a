// SuiteSparse:GraphBLAS peer for bench/run.mjs --peers. Compiled on demand by bench/peers/index.mjs:
//   gcc -O2 graphblas_bench.c -lgraphblas -lm
// Usage: graphblas_bench job.txt (format in index.mjs). Prints JSON on stdout:
//   {"peer":"graphblas","version":"7.4.0","results":[{"case","kernel","threads","ms","runs","outNnz"?}],"notes":[]}
// Blocking mode (every call finishes its work, no deferred assembly). The CSR arrays become a
// by-row GrB_Matrix (GraphBLAS stores 64-bit indices); every kernel runs with GxB_NTHREADS = 1
// and = `threads`: spmv (GrB_mxv), spmvT (GrB_mxv with the transposed descriptor), spmm8/32 and
// spgemm (GrB_mxm, PLUS_TIMES over FP64; X a full dense matrix), transpose (GrB_transpose into a
// by-row matrix) and coo2csr (GrB_Matrix_build with PLUS as the duplicate operator).
#include <GraphBLAS.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double budgetMs = 400;
static int minRuns = 3, maxRuns = 20;
static int nresults = 0;
static char notes[4096] = "";

#define TRY(call)                                                                  \
  do {                                                                             \
    GrB_Info info_ = (call);                                                       \
    if (info_ != GrB_SUCCESS) {                                                    \
      fprintf(stderr, "GraphBLAS error %d at line %d: %s\n", (int)info_, __LINE__, #call); \
      exit(3);                                                                     \
    }                                                                              \
  } while (0)

static double nowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmpd(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

typedef void (*Fn)(void* ctx);

static void measure(const char* name, const char* kernel, int threads, Fn fn, void* ctx, const GrB_Matrix* out) {
  double t0 = nowMs();
  fn(ctx);
  const double first = nowMs() - t0;
  int runs = (int)(budgetMs / (first > 1e-3 ? first : 1e-3));
  if (runs < minRuns) runs = minRuns;
  if (runs > maxRuns) runs = maxRuns;
  double* times = malloc(sizeof(double) * (size_t)runs);
  for (int r = 0; r < runs; r++) {
    t0 = nowMs();
    fn(ctx);
    times[r] = nowMs() - t0;
  }
  qsort(times, (size_t)runs, sizeof(double), cmpd);
  const double med = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
  free(times);
  printf("%s{\"case\":\"%s\",\"kernel\":\"%s\",\"threads\":%d,\"ms\":%.6f,\"runs\":%d", nresults++ ? "," : "", name, kernel,
         threads, med, runs);
  if (out) {
    GrB_Index nv = 0;
    TRY(GrB_Matrix_nvals(&nv, *out));
    printf(",\"outNnz\":%llu", (unsigned long long)nv);
  }
  printf("}");
  fflush(stdout);
}

static void* readRaw(const char* path, size_t bytes) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  void* p = malloc(bytes ? bytes : 1);
  const size_t got = fread(p, 1, bytes, f);
  fclose(f);
  if (got != bytes) {
    free(p);
    return NULL;
  }
  return p;
}

static int has(const char* list, const char* k) {
  const size_t n = strlen(k);
  for (const char* p = list; (p = strstr(p, k)) != NULL; p += n) {
    if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return 1;
  }
  return 0;
}

struct Ctx {
  GrB_Matrix A, C, X, Y;
  GrB_Vector x, y;
  GrB_Descriptor desc;
  GrB_Index rows, cols, n;
  GrB_Index *I, *J;
  double* V;
};

static void runMxv(void* p) {
  struct Ctx* c = p;
  TRY(GrB_mxv(c->y, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, c->A, c->x, c->desc));
}
static void runMxm(void* p) {
  struct Ctx* c = p;
  TRY(GrB_mxm(c->Y, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, c->A, c->X, NULL));
}
static void runSpgemm(void* p) {
  struct Ctx* c = p;
  TRY(GrB_mxm(c->C, NULL, NULL, GrB_PLUS_TIMES_SEMIRING_FP64, c->A, c->A, NULL));
}
static void runTranspose(void* p) {
  struct Ctx* c = p;
  TRY(GrB_transpose(c->C, NULL, NULL, c->A, NULL));
}
static void runBuild(void* p) {
  struct Ctx* c = p;
  TRY(GrB_Matrix_clear(c->C));
  TRY(GrB_Matrix_build_FP64(c->C, c->I, c->J, c->V, c->n, GrB_PLUS_FP64));
}

// The same non-constant values as the other runners (1 + (i % 7) / 8). A constant vector would be
// stored "iso" by GraphBLAS, which then skips reading x altogether: not the same work.
static double fillValue(GrB_Index i) { return 1 + (double)(i % 7) * 0.125; }

static GrB_Vector denseVector(GrB_Index n) {
  GrB_Vector v;
  TRY(GrB_Vector_new(&v, GrB_FP64, n));
  GrB_Index* idx = malloc((n ? n : 1) * sizeof *idx);
  double* val = malloc((n ? n : 1) * sizeof *val);
  if (!idx || !val) exit(3);
  for (GrB_Index i = 0; i < n; i++) {
    idx[i] = i;
    val[i] = fillValue(i);
  }
  TRY(GrB_Vector_build_FP64(v, idx, val, n, GrB_PLUS_FP64));
  free(idx);
  free(val);
  return v;
}

static GrB_Matrix denseMatrix(GrB_Index rows, GrB_Index cols) {
  GrB_Matrix m;
  const GrB_Index n = rows * cols;
  TRY(GrB_Matrix_new(&m, GrB_FP64, rows, cols));
  GrB_Index* I = malloc((n ? n : 1) * sizeof *I);
  GrB_Index* J = malloc((n ? n : 1) * sizeof *J);
  double* val = malloc((n ? n : 1) * sizeof *val);
  if (!I || !J || !val) exit(3);
  for (GrB_Index t = 0; t < n; t++) {
    I[t] = t / cols;
    J[t] = t % cols;
    val[t] = fillValue(t);
  }
  TRY(GrB_Matrix_build_FP64(m, I, J, val, n, GrB_PLUS_FP64));
  free(I);
  free(J);
  free(val);
  return m;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: graphblas_bench job.txt\n");
    return 2;
  }
  FILE* job = fopen(argv[1], "r");
  if (!job) {
    fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  TRY(GrB_init(GrB_BLOCKING));
  int threads = 1;
  printf("{\"peer\":\"graphblas\",\"version\":\"%d.%d.%d\",\"results\":[", GxB_IMPLEMENTATION_MAJOR,
         GxB_IMPLEMENTATION_MINOR, GxB_IMPLEMENTATION_SUB);
  char line[8192];
  while (fgets(line, sizeof line, job)) {
    char kind[16], name[512], p1[2048], p2[2048], p3[2048], kernels[512];
    long long rows, cols, n;
    if (sscanf(line, "threads %d", &threads) == 1) continue;
    if (sscanf(line, "budget %lf %d %d", &budgetMs, &minRuns, &maxRuns) == 3) continue;
    if (sscanf(line, "%15s %511s %lld %lld %lld %2047s %2047s %2047s %511s", kind, name, &rows, &cols, &n, p1, p2, p3,
               kernels) != 9)
      continue;
    struct Ctx c;
    memset(&c, 0, sizeof c);
    c.rows = (GrB_Index)rows;
    c.cols = (GrB_Index)cols;
    c.n = (GrB_Index)n;
    int32_t* a = readRaw(p1, sizeof(int32_t) * (size_t)(strcmp(kind, "csr") == 0 ? rows + 1 : n));
    int32_t* b = readRaw(p2, sizeof(int32_t) * (size_t)n);
    double* v = readRaw(p3, sizeof(double) * (size_t)n);
    if (!a || !b || !v) {
      snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%s\"cannot read %s\"", notes[0] ? "," : "", name);
      free(a);
      free(b);
      free(v);
      continue;
    }
    if (strcmp(kind, "coo") == 0) {
      c.I = malloc(sizeof(GrB_Index) * (size_t)n);
      c.J = malloc(sizeof(GrB_Index) * (size_t)n);
      for (long long t = 0; t < n; t++) {
        c.I[t] = (GrB_Index)a[t];
        c.J[t] = (GrB_Index)b[t];
      }
      c.V = v;
      TRY(GrB_Matrix_new(&c.C, GrB_FP64, c.rows, c.cols));
      int counts[2] = {1, threads};
      for (int q = 0; q < (threads > 1 ? 2 : 1); q++) {
        TRY(GxB_Global_Option_set(GxB_NTHREADS, counts[q]));
        measure(name, "coo2csr", counts[q], runBuild, &c, &c.C);
      }
      GrB_Matrix_free(&c.C);
      free(c.I);
      free(c.J);
      free(a);
      free(b);
      free(v);
      continue;
    }
    // CSR -> GrB_Matrix by row (import takes ownership of the 64-bit arrays).
    GrB_Index* Ap = malloc(sizeof(GrB_Index) * (size_t)(rows + 1));
    GrB_Index* Aj = malloc(sizeof(GrB_Index) * (size_t)(n ? n : 1));
    for (long long i = 0; i <= rows; i++) Ap[i] = (GrB_Index)a[i];
    for (long long t = 0; t < n; t++) Aj[t] = (GrB_Index)b[t];
    free(a);
    free(b);
    void* Ax = v;
    TRY(GxB_Matrix_import_CSR(&c.A, GrB_FP64, c.rows, c.cols, &Ap, &Aj, &Ax, sizeof(GrB_Index) * (rows + 1),
                              sizeof(GrB_Index) * (n ? n : 1), sizeof(double) * (n ? n : 1), false, false, NULL));
    int counts[2] = {1, threads};
    for (int q = 0; q < (threads > 1 ? 2 : 1); q++) {
      const int t = counts[q];
      TRY(GxB_Global_Option_set(GxB_NTHREADS, t));
      if (has(kernels, "spmv")) {
        c.x = denseVector(c.cols);
        TRY(GrB_Vector_new(&c.y, GrB_FP64, c.rows));
        c.desc = NULL;
        measure(name, "spmv", t, runMxv, &c, NULL);
        GrB_Vector_free(&c.x);
        GrB_Vector_free(&c.y);
      }
      if (has(kernels, "spmvT")) {
        c.x = denseVector(c.rows);
        TRY(GrB_Vector_new(&c.y, GrB_FP64, c.cols));
        c.desc = GrB_DESC_T0;
        measure(name, "spmvT", t, runMxv, &c, NULL);
        c.desc = NULL;
        GrB_Vector_free(&c.x);
        GrB_Vector_free(&c.y);
      }
      const int ks[2] = {8, 32};
      for (int q2 = 0; q2 < 2; q2++) {
        char kname[16];
        snprintf(kname, sizeof kname, "spmm%d", ks[q2]);
        if (!has(kernels, kname)) continue;
        c.X = denseMatrix(c.cols, (GrB_Index)ks[q2]);
        TRY(GrB_Matrix_new(&c.Y, GrB_FP64, c.rows, (GrB_Index)ks[q2]));
        measure(name, kname, t, runMxm, &c, NULL);
        GrB_Matrix_free(&c.X);
        GrB_Matrix_free(&c.Y);
      }
      if (has(kernels, "spgemm")) {
        TRY(GrB_Matrix_new(&c.C, GrB_FP64, c.rows, c.cols));
        measure(name, "spgemm", t, runSpgemm, &c, &c.C);
        GrB_Matrix_free(&c.C);
      }
      if (has(kernels, "transpose")) {
        TRY(GrB_Matrix_new(&c.C, GrB_FP64, c.cols, c.rows));
        measure(name, "transpose", t, runTranspose, &c, NULL);
        GrB_Matrix_free(&c.C);
      }
    }
    GrB_Matrix_free(&c.A);
  }
  fclose(job);
  printf("],\"notes\":[%s]}\n", notes);
  GrB_finalize();
  return 0;
}
