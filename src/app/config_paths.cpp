#include "logreg/app/config_paths.hpp"

#include <filesystem>

namespace logreg {

namespace fs = std::filesystem;

void for_each_config_path(Config& config,
                          const std::function<void(const std::string&, std::string&)>& visit) {
  auto one = [&](const char* key, std::string& value) {
    if (!value.empty()) visit(key, value);
  };
  auto list = [&](const char* key, std::vector<std::string>& values) {
    for (std::string& v : values) one(key, v);
  };
  list("data.train", config.data.train);
  list("data.validation", config.data.validation);
  list("data.test", config.data.test);
  one("model.init", config.model.init);
  one("output.model", config.output.model);
  one("output.metrics", config.output.metrics);
  one("output.path", config.output.path);
  one("output.plots", config.output.plots);
  one("checkpoint.path", config.checkpoint.path);
}

void resolve_config_paths(Config& config, const std::string& config_dir,
                          const std::set<std::string>& from_command_line) {
  if (config_dir.empty()) return;
  for_each_config_path(config, [&](const std::string& key, std::string& value) {
    if (from_command_line.count(key) || fs::path(value).is_absolute()) return;
    value = (fs::path(config_dir) / value).string();
  });
}

void make_config_paths_absolute(Config& config) {
  for_each_config_path(config, [](const std::string&, std::string& value) {
    const fs::path path = fs::absolute(value);
    std::error_code ec;  // weakly_canonical fails only on an unreadable directory: keep it as is
    const fs::path dir = fs::weakly_canonical(path.parent_path(), ec);
    value = ((ec ? path.parent_path() : dir) / path.filename()).string();
  });
}

}  // namespace logreg
