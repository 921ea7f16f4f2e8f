// The config's file paths (README, "Configuration": relative paths). A relative path written in
// the config file (or a default) names a file beside the config; one given with --set names a
// file beside the working directory, as any path typed in a shell does.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "logreg/app/config.hpp"

namespace logreg {

// Calls `visit(key, value)` for every path-valued key (a list key once per entry); an empty
// value (the key's "none") is skipped.
void for_each_config_path(Config& config,
                          const std::function<void(const std::string&, std::string&)>& visit);

// Prefixes `config_dir` to every relative path except those of the keys in `from_command_line`;
// an empty `config_dir` (a config in the working directory) changes nothing.
void resolve_config_paths(Config& config, const std::string& config_dir,
                          const std::set<std::string>& from_command_line);

// Every path made absolute (for --print-config), its directory without symbolic links; the last
// component is kept as written (a glob pattern, or a link the outputs refuse to follow).
void make_config_paths_absolute(Config& config);

}  // namespace logreg
