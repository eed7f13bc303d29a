// Eigen peer for bench/run.mjs --peers. Compiled on demand by bench/peers/index.mjs:
//   g++ -O3 -march=native -fopenmp -DNDEBUG -I/usr/include/eigen3 eigen_bench.cpp
// Usage: eigen_bench job.txt (format in index.mjs). Prints JSON on stdout:
//   {"peer":"eigen","version":"3.4.0","results":[{"case","kernel","threads","ms","runs","outNnz"?}],"notes":[]}
// The CSR arrays are mapped (Eigen::Map of a RowMajor SparseMatrix<double, RowMajor, int>), not
// copied. SpMV and SpMM run at 1 and at `threads` OpenMP threads (Eigen parallelizes row-major
// sparse * dense products); A*A, transpose and COO -> CSR (setFromTriplets) are serial in Eigen.
#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using SpMat = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
using Dense = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double budgetMs = 400;
int minRuns = 3, maxRuns = 20;
std::vector<std::string> results;
std::vector<std::string> notes;

double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void measure(const std::string& name, const std::string& kernel, int threads, const std::function<void()>& fn,
             const std::function<long long()>& outNnz = nullptr) {
  double t0 = nowMs();
  fn();
  const double first = nowMs() - t0;
  const int runs = std::max(minRuns, std::min(maxRuns, static_cast<int>(budgetMs / std::max(first, 1e-3))));
  std::vector<double> times;
  for (int r = 0; r < runs; r++) {
    t0 = nowMs();
    fn();
    times.push_back(nowMs() - t0);
  }
  std::sort(times.begin(), times.end());
  const size_t m = times.size() / 2;
  const double med = times.size() % 2 ? times[m] : (times[m - 1] + times[m]) / 2;
  std::ostringstream o;
  o << "{\"case\":\"" << name << "\",\"kernel\":\"" << kernel << "\",\"threads\":" << threads << ",\"ms\":" << med
    << ",\"runs\":" << runs;
  if (outNnz) o << ",\"outNnz\":" << outNnz();
  o << "}";
  results.push_back(o.str());
}

template <class T>
bool readRaw(const std::string& path, std::vector<T>& out, long long n) {
  std::ifstream f(path, std::ios::binary);
  out.resize(static_cast<size_t>(n));
  return static_cast<bool>(f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n * sizeof(T))));
}

Eigen::VectorXd fillX(Eigen::Index n) {
  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; i++) x[i] = 1 + static_cast<double>(i % 7) * 0.125;
  return x;
}

bool has(const std::string& list, const std::string& k) {
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ','))
    if (item == k) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: eigen_bench job.txt\n");
    return 2;
  }
  std::ifstream job(argv[1]);
  std::string line;
  int threads = 1;
  while (std::getline(job, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "threads") {
      in >> threads;
    } else if (kind == "budget") {
      in >> budgetMs >> minRuns >> maxRuns;
    } else if (kind == "csr") {
      std::string name, rp, ci, va, kernels;
      long long rows, cols, nnz;
      in >> name >> rows >> cols >> nnz >> rp >> ci >> va >> kernels;
      std::vector<int> rowPtr, colIdx;
      std::vector<double> values;
      if (!readRaw(rp, rowPtr, rows + 1) || !readRaw(ci, colIdx, nnz) || !readRaw(va, values, nnz)) {
        notes.push_back("cannot read " + name);
        continue;
      }
      Eigen::Map<const SpMat> A(rows, cols, nnz, rowPtr.data(), colIdx.data(), values.data());
      std::vector<int> counts = {1};
      if (threads > 1) counts.push_back(threads);
      for (int t : counts) {
        Eigen::setNbThreads(t);
        if (has(kernels, "spmv")) {
          const Eigen::VectorXd x = fillX(cols);
          Eigen::VectorXd y(rows);
          measure(name, "spmv", t, [&] { y.noalias() = A * x; });
        }
        if (has(kernels, "spmvT")) {
          const Eigen::VectorXd x = fillX(rows);
          Eigen::VectorXd y(cols);
          measure(name, "spmvT", t, [&] { y.noalias() = A.transpose() * x; });
        }
        for (int k : {8, 32}) {
          if (!has(kernels, "spmm" + std::to_string(k))) continue;
          Dense X(cols, k);
          for (Eigen::Index i = 0; i < X.size(); i++) X.data()[i] = 1 + static_cast<double>(i % 7) * 0.125;
          Dense Y(rows, k);
          measure(name, "spmm" + std::to_string(k), t, [&] { Y.noalias() = A * X; });
        }
      }
      Eigen::setNbThreads(1);
      if (has(kernels, "spgemm")) {
        SpMat C;
        measure(name, "spgemm", 1, [&] { C = A * A; }, [&] { return static_cast<long long>(C.nonZeros()); });
      }
      if (has(kernels, "transpose")) {
        SpMat T;
        measure(name, "transpose", 1, [&] { T = A.transpose(); });
      }
    } else if (kind == "coo") {
      std::string name, ri, ci, va, kernels;
      long long rows, cols, n;
      in >> name >> rows >> cols >> n >> ri >> ci >> va >> kernels;
      std::vector<int> rowIdx, colIdx;
      std::vector<double> values;
      if (!readRaw(ri, rowIdx, n) || !readRaw(ci, colIdx, n) || !readRaw(va, values, n)) {
        notes.push_back("cannot read " + name);
        continue;
      }
      std::vector<Eigen::Triplet<double, int>> trip;
      trip.reserve(static_cast<size_t>(n));
      for (long long t = 0; t < n; t++) trip.emplace_back(rowIdx[t], colIdx[t], values[t]);
      SpMat C;
      measure(name, "coo2csr", 1, [&] {
        C = SpMat(rows, cols);
        C.setFromTriplets(trip.begin(), trip.end());
      }, [&] { return static_cast<long long>(C.nonZeros()); });
    }
  }
  std::printf("{\"peer\":\"eigen\",\"version\":\"%d.%d.%d\",\"results\":[", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
              EIGEN_MINOR_VERSION);
  for (size_t i = 0; i < results.size(); i++) std::printf("%s%s", i ? "," : "", results[i].c_str());
  std::printf("],\"notes\":[");
  for (size_t i = 0; i < notes.size(); i++) std::printf("%s\"%s\"", i ? "," : "", notes[i].c_str());
  std::printf("]}\n");
  return 0;
}
