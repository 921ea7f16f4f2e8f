// Which kernel set (kernels.hpp) this process uses: the best one its processor runs, unless the
// environment variable LOGREG_KERNELS names a lower one (docs/kernels.md).
#pragma once

#include <string>
#include <vector>

#include "logreg/core/kernels.hpp"

namespace logreg {

// Every set this binary was built with, best first.
std::vector<const KernelSet*> compiled_kernel_sets();

// The compiled sets this processor can run, best first (never empty: generic runs anywhere).
std::vector<const KernelSet*> supported_kernel_sets();

// The set `name` names: "auto" (the best supported) or a compiled set's name. Throws ConfigError
// naming `origin` (e.g. "LOGREG_KERNELS") for an unknown name or a set this processor lacks.
const KernelSet& kernel_set_named(const std::string& name, const std::string& origin);

// Chooses the process's set from LOGREG_KERNELS (unset or empty: auto). Throws as
// kernel_set_named; call it early, where an error can be reported collectively.
const KernelSet& select_kernels_from_environment();

// The process's set; selected from the environment on first use if not yet chosen.
const KernelSet& active_kernels();

// Lines for --version: the compiled sets, those this processor runs, and the one auto picks.
std::string describe_kernel_sets();

// The processor's model name (from /proc/cpuinfo where there is one), for reports.
std::string cpu_model_name();

}  // namespace logreg
