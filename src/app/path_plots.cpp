#include "logreg/app/path_plots.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace logreg {

namespace {

constexpr const char* kScript = "logreg_plot_path";

struct ChildEnd {
  int spawn_error = 0;  // errno when the child could not be started, else 0
  int status = 0;       // waitpid status
  bool succeeded() const {
    return spawn_error == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
};

// Runs argv without a shell (argv[0] looked up on PATH when it has no '/'), stdin from
// /dev/null, stdout and stderr to /dev/null when quiet; waits for it. The child gets the default
// disposition of the signals a rank ignores (SIGXFSZ, SIGPIPE) and an empty signal mask.
ChildEnd run_child(const std::vector<std::string>& argv, bool quiet) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGXFSZ);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  ChildEnd end;
  pid_t pid = 0;
  end.spawn_error = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (end.spawn_error != 0) return end;
  while (waitpid(pid, &end.status, 0) < 0) {
    if (errno != EINTR) {
      end.spawn_error = errno;
      break;
    }
  }
  return end;
}

std::string find_python(const std::vector<std::string>& pythons) {
  for (const std::string& py : pythons) {
    if (run_child({py, "-c", "import numpy, h5py, matplotlib"}, true).succeeded()) return py;
  }
  return "";
}

// The directory of the running executable ("" when /proc/self/exe cannot be read).
std::string executable_dir() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  const std::string exe(buf, static_cast<size_t>(n));
  const size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash == 0 ? 1 : slash);
}

// One word of a command line as a POSIX shell reads it: quoted unless it is plain.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-+./=:,@%") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

bool warn(std::ostream& err, const std::string& why, const std::vector<std::string>& command) {
  std::string line;
  for (const std::string& word : command) {
    if (!line.empty()) line += ' ';
    line += shell_word(word);
  }
  err << "logreg_dist: warning: no plots: " << why << "; run: " << line << std::endl;
  return false;
}

bool draw(const std::vector<std::string>& pythons, const std::string& path_file,
          const std::string& model_file, const std::string& prefix, std::ostream& err) {
  const std::string dir = executable_dir();
  const std::string script = (dir.empty() ? std::string(".") : dir) + "/" + kScript;
  std::vector<std::string> command{"python3", script, "--path", path_file};
  if (!model_file.empty()) command.insert(command.end(), {"--model", model_file});
  command.insert(command.end(), {"--out", prefix});
  if (access(script.c_str(), R_OK) != 0) {
    const std::string why = std::strerror(errno);
    return warn(err,
                "the plot script " + script + " cannot be read (" + why +
                    "; it is built and installed beside logreg_dist)",
                command);
  }
  command[0] = find_python(pythons);
  if (command[0].empty()) {
    command[0] = "python3";
    return warn(err, "no Python with numpy, h5py and matplotlib found (set LOGREG_PYTHON)",
                command);
  }
  std::cout.flush();  // the script's own output comes after ours
  std::fflush(nullptr);
  const ChildEnd end = run_child(command, false);
  if (end.succeeded()) return true;
  if (end.spawn_error != 0) {
    return warn(err, "could not run " + command[0] + " (" + std::strerror(end.spawn_error) + ")",
                command);
  }
  if (WIFSIGNALED(end.status)) {
    return warn(err, "the plot script was killed by signal " + std::to_string(WTERMSIG(end.status)),
                command);
  }
  return warn(err,
              "the plot script failed with exit status " + std::to_string(WEXITSTATUS(end.status)) +
                  " (its message is above)",
              command);
}

}  // namespace

std::vector<std::string> plot_pythons() {
  std::vector<std::string> pythons;
  const char* env = std::getenv("LOGREG_PYTHON");
  if (env != nullptr && *env != '\0') pythons.emplace_back(env);
  pythons.emplace_back("/usr/bin/python3");
  pythons.emplace_back("python3");
  return pythons;
}

bool draw_path_plots(const std::vector<std::string>& pythons, const std::string& path_file,
                     const std::string& model_file, const std::string& prefix,
                     std::ostream& err) noexcept {
  try {
    return draw(pythons, path_file, model_file, prefix, err);
  } catch (const std::exception& e) {
    try {
      err << "logreg_dist: warning: no plots: " << e.what() << std::endl;
    } catch (...) {
    }
    return false;
  } catch (...) {
    return false;
  }
}

bool draw_path_plots(const std::string& path_file, const std::string& model_file,
                     const std::string& prefix, std::ostream& err) noexcept {
  try {
    return draw_path_plots(plot_pythons(), path_file, model_file, prefix, err);
  } catch (...) {  // plot_pythons could not allocate
    return false;
  }
}

}  // namespace logreg
