// Write-then-rename so that readers see either the old file or the complete new one.
#pragma once

#include <string>

namespace logreg {

// A unique temporary name in the same directory as `path` (so rename stays atomic).
std::string temporary_path_for(const std::string& path);

// fsyncs `tmp`, renames it onto `path` and fsyncs the directory. Throws DataError.
void commit_file(const std::string& tmp, const std::string& path);

// Removes temporary files a crashed writer of `path` left behind.
void remove_stale_temporaries(const std::string& path);

// Creates the parent directory of `path` if missing; throws DataError naming it on failure.
void ensure_parent_directory(const std::string& path, const std::string& key);

}  // namespace logreg
