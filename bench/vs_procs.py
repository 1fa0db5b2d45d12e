"""Process plumbing of bench/compare.py: start a benchmark program, read its
`listening <port>` line, collect its output, exit status, peak RSS and CPU
time (from wait4, the same way for every system, so no program has to
measure itself)."""

import os
import re
import subprocess
import tempfile
import threading


class Failed(RuntimeError):
    pass


# bench/vs/run.cc, set by the driver: measures each program from a small
# parent (see there why wait4 from Python would overstate peak RSS).
LAUNCHER = None


class Proc:
    """One running program; `role` names it in the resource table."""

    def __init__(self, role, args, env=None, timeout=600):
        self.role = role
        self.args = [str(a) for a in args]
        if LAUNCHER:
            self.args.insert(0, LAUNCHER)
        self.err = tempfile.TemporaryFile(mode="w+")
        full_env = dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, env=full_env,
                                     cwd=tempfile.gettempdir())
        self.lines = []
        # A hung program must not hang the whole run.
        self.timer = threading.Timer(timeout, self.proc.kill)
        self.timer.start()

    def wait_line(self, pattern):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            m = re.search(pattern, line)
            if m:
                return m
        raise Failed(f"{' '.join(self.args)}: exited before {pattern!r}"
                     + self.stderr())

    def stderr(self):
        self.err.seek(0)
        text = self.err.read().strip()
        return "\n" + "\n".join(text.splitlines()[-5:]) if text else ""

    def finish(self):
        """Waits for the end; (text, peak RSS MiB, CPU seconds)."""
        self.lines += [l.rstrip("\n") for l in self.proc.stdout]
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.timer.cancel()
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.proc.returncode != 0:
            raise Failed(f"{' '.join(self.args)} failed "
                         f"({self.proc.returncode}):\n"
                         + "\n".join(self.lines[-5:]) + self.stderr())
        text = "\n".join(self.lines)
        rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        self.err.seek(0)
        found = re.findall(r"^vs-run: maxrss_kib=(\d+) cpu_s=([\d.]+)$",
                           self.err.read(), re.M)
        if found:
            rss, cpu = int(found[-1][0]) / 1024, float(found[-1][1])
        return text, rss, cpu

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.timer.cancel()


def run_all(servers, make_clients, port_pattern=r"^listening (\S+)$"):
    """Starts the servers, reads each one's port, starts the clients made
    from the ports, and finishes clients then servers. Returns
    [(role, text, rss, cpu)] in the order clients, servers."""
    started = list(servers)
    try:
        ports = [s.wait_line(port_pattern).group(1) for s in servers]
        clients = make_clients(ports)
        started += clients
        results = []
        for p in clients + servers:
            text, rss, cpu = p.finish()
            results.append((p.role, text, rss, cpu))
        return results
    finally:
        for p in started:
            p.kill()


def run_one(role, args, env=None):
    p = Proc(role, args, env)
    try:
        text, rss, cpu = p.finish()
        return [(role, text, rss, cpu)]
    finally:
        p.kill()


def fields(text, tag):
    """key=value pairs of the last line starting with `tag`."""
    found = re.findall(rf"^{tag}\b(.*)$", text, re.M)
    if not found:
        raise Failed(f"no {tag!r} line in:\n{text[-500:]}")
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", found[-1])}
