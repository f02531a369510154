"""Peak resident memory of a process, for the bench scripts (imported from bench/, their own folder).

VmHWM from /proc, not getrusage's ru_maxrss: on Linux ru_maxrss survives fork and execve, so a child process
would report at least its parent's peak (the demo portal a bench built, the index it filled).
"""

from __future__ import annotations

import resource


def peak_rss(pid: int | str = "self") -> int:
    """The peak resident set of process `pid`, in bytes (0 once it is gone). Without /proc, this process's
    ru_maxrss for "self"."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if pid == "self" else 0
