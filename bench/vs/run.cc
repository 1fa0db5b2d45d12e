// vs-run <program> [args...]: runs the program as a child and prints its
// peak RSS and CPU time to stderr as the last line
// (`vs-run: maxrss_kib=N cpu_s=X`), then exits with the child's status.
// Why: a process started straight from the Python driver inherits the
// driver's memory high-water mark across exec, so its ru_maxrss would never
// be below the driver's; forked from this small program, it starts from ours.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vs-run <program> [args...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid == 0) {
    // The child dies with us when the driver kills us on a timeout.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execvp(argv[1], argv + 1);
    std::perror("vs-run: exec");
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) < 0)
    return 127;
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  std::fprintf(stderr, "vs-run: maxrss_kib=%ld cpu_s=%.6f\n", usage.ru_maxrss,
               secs(usage.ru_utime) + secs(usage.ru_stime));
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
