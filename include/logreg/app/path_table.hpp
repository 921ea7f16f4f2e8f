// The path table, output.path (README, "Regularization path and cross-validation"): one row per
// fit in fitting order, as CSV or, for a name ending in .jsonl, JSON lines.
#pragma once

#include <string>

#include "logreg/app/selection.hpp"

namespace logreg {

// The table's text (header line first for CSV).
std::string path_table(const Selection& selection, bool jsonl);

// Writes it atomically (temporary file, fsync, rename); DataError naming output.path on failure.
void write_path_table(const std::string& path, const Selection& selection);

}  // namespace logreg
