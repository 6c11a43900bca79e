"""filesystem: size/free/avail/files/readonly per mount, with node_exporter's default exclusions.

A hung mount (dead NFS server) blocks ``statvfs`` forever. When this collector misses its deadline the mount it
was inside is marked stuck; later scrapes skip it (``node_filesystem_device_error 1``) until the hung call
returns, so one bad mount never costs the other mounts' metrics.
"""

from __future__ import annotations

import os
import re
import threading

from agents.host.collectors.base import Collector
from agents.host.exposition import Family

# Debian's prometheus-node-exporter 1.5 defaults (upstream excludes only run/credentials, not run, mnt, media).
MOUNT_POINTS_EXCLUDE = re.compile(
    r"^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)"
)
FS_TYPES_EXCLUDE = re.compile(
    r"^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
    r"overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$"
)
_LABELS = ("device", "fstype", "mountpoint")


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    if "\\" not in field:
        return field
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


class FilesystemCollector(Collector):
    name = "filesystem"
    reentrant = True

    def setup(self) -> None:
        self._lock = threading.Lock()
        self._stuck: set[str] = set()
        self._current: dict[int, str] = {}

    def mounts(self) -> list[tuple[str, str, str, str]]:
        """(device, mountpoint, fstype, options) as seen by PID 1, like node_exporter, else by this process."""
        try:
            text = self.files.text(f"{self.paths.proc}/1/mounts")
        except OSError:
            text = self.files.text(f"{self.paths.proc}/self/mounts")
        mounts = []
        seen: set[tuple[str, str, str]] = set()  # one series per label set, as node_exporter
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 4:
                continue
            device, mountpoint, fstype, options = _unescape(parts[0]), _unescape(parts[1]), parts[2], parts[3]
            if MOUNT_POINTS_EXCLUDE.match(mountpoint) or FS_TYPES_EXCLUDE.match(fstype):
                continue
            if (device, mountpoint, fstype) in seen:
                continue
            seen.add((device, mountpoint, fstype))
            mounts.append((device, mountpoint, fstype, options))
        return mounts

    def collect(self) -> list[Family]:
        size = Family("node_filesystem_size_bytes", "Filesystem size in bytes.", labelnames=_LABELS)
        free = Family("node_filesystem_free_bytes", "Filesystem free space in bytes.", labelnames=_LABELS)
        avail = Family("node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.",
                       labelnames=_LABELS)
        files = Family("node_filesystem_files", "Filesystem total file nodes.", labelnames=_LABELS)
        files_free = Family("node_filesystem_files_free", "Filesystem total free file nodes.", labelnames=_LABELS)
        readonly = Family("node_filesystem_readonly", "Filesystem read-only status.", labelnames=_LABELS)
        device_error = Family("node_filesystem_device_error",
                              "Whether an error occurred while getting statistics for the given device.",
                              labelnames=_LABELS)
        me = threading.get_ident()
        root = self.paths.root
        for device, mountpoint, fstype, options in self.mounts():
            labels = (device, fstype, mountpoint)
            with self._lock:
                if mountpoint in self._stuck:
                    device_error.add(1, *labels)
                    continue
                self._current[me] = mountpoint
            try:
                st = os.statvfs(root + mountpoint if root else mountpoint)
            except OSError:
                device_error.add(1, *labels)
                continue
            finally:
                with self._lock:
                    self._current.pop(me, None)
                    self._stuck.discard(mountpoint)
            device_error.add(0, *labels)
            size.add(st.f_blocks * st.f_bsize, *labels)
            free.add(st.f_bfree * st.f_bsize, *labels)
            avail.add(st.f_bavail * st.f_bsize, *labels)
            files.add(st.f_files, *labels)
            files_free.add(st.f_ffree, *labels)
            readonly.add(1 if "ro" in options.split(",") else 0, *labels)
        return [size, free, avail, files, files_free, readonly, device_error]

    def on_timeout(self) -> None:
        with self._lock:
            self._stuck.update(self._current.values())

