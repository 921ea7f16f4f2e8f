#include "logreg/core/kernel_dispatch.hpp"

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "logreg/errors.hpp"

namespace logreg {

namespace {

#if defined(LOGREG_X86_KERNELS)
// Whether the processor (and the operating system, which must save the wider registers) runs
// the instructions a set's translation unit was compiled for (its -march level).
bool runs(const KernelSet& k) {
  __builtin_cpu_init();
  const std::string name = k.name;
#if defined(__clang__) && __clang_major__ < 16
  // Older Clang lacks the level names; the features each level adds that the kernels use.
  if (name == "x86-64-v4") {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  if (name == "x86-64-v3") {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  }
  if (name == "x86-64-v2") return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
#else
  if (name == "x86-64-v4") return __builtin_cpu_supports("x86-64-v4");
  if (name == "x86-64-v3") return __builtin_cpu_supports("x86-64-v3");
  if (name == "x86-64-v2") return __builtin_cpu_supports("x86-64-v2");
#endif
  return true;  // generic
}
#else
bool runs(const KernelSet&) { return true; }
#endif

std::mutex g_mutex;
const KernelSet* g_active = nullptr;

std::string names(const std::vector<const KernelSet*>& sets, const std::string& last = "or") {
  std::string s;
  for (size_t i = 0; i < sets.size(); ++i) {
    s += (i == 0 ? "" : i + 1 == sets.size() ? " " + last + " " : ", ");
    s += sets[i]->name;
  }
  return s;
}

}  // namespace

std::vector<const KernelSet*> compiled_kernel_sets() {
#if defined(LOGREG_X86_KERNELS)
  return {&kernel_sets::x86_64_v4(), &kernel_sets::x86_64_v3(), &kernel_sets::x86_64_v2(),
          &kernel_sets::generic()};
#else
  return {&kernel_sets::generic()};
#endif
}

std::vector<const KernelSet*> supported_kernel_sets() {
  std::vector<const KernelSet*> out;
  for (const KernelSet* k : compiled_kernel_sets()) {
    if (runs(*k)) out.push_back(k);
  }
  return out;
}

const KernelSet& kernel_set_named(const std::string& name, const std::string& origin) {
  const auto supported = supported_kernel_sets();
  if (name.empty() || name == "auto") return *supported.front();
  for (const KernelSet* k : compiled_kernel_sets()) {
    if (name != k->name) continue;
    if (runs(*k)) return *k;
    throw ConfigError(origin + "=" + name + ": this processor (" + cpu_model_name() +
                      ") lacks the instructions of " + name + " (" + k->instructions +
                      "); it runs " + names(supported));
  }
  throw ConfigError(origin + ": unknown kernel set '" + name + "', expected auto, " +
                    names(compiled_kernel_sets()));
}

const KernelSet& select_kernels_from_environment() {
  const char* env = std::getenv("LOGREG_KERNELS");
  const KernelSet& k = kernel_set_named(env ? env : "", "LOGREG_KERNELS");
  std::lock_guard<std::mutex> lock(g_mutex);
  g_active = &k;
  return k;
}

const KernelSet& active_kernels() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_active) return *g_active;
  }
  return select_kernels_from_environment();
}

std::string describe_kernel_sets() {
  std::string s = "kernel sets:";
  for (const KernelSet* k : compiled_kernel_sets()) s += std::string(" ") + k->name + " (" + k->instructions + ")";
  const auto supported = supported_kernel_sets();
  s += "\nthis processor (" + cpu_model_name() + ") runs " + names(supported, "and") + "; auto picks " +
       supported.front()->name + " (set LOGREG_KERNELS to force another)\n";
  return s;
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown processor";
}

}  // namespace logreg
