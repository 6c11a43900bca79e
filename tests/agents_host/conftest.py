"""A fake filesystem root with /proc, /sys and /etc files copied from a real Debian 12 host (2 CPUs)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROC_FILES = {
    "proc/stat": """cpu  10925 0 3328 280199 598 0 120 187 0 0
cpu0 2441 0 1178 143794 87 0 30 94 0 0
cpu1 8483 5 2150 136405 511 0 90 92 7 3
intr 198928 0 9 0 0
ctxt 333099
btime 1795733417
processes 4762
procs_running 2
procs_blocked 1
softirq 1 2 3
""",
    "proc/loadavg": "0.05 0.18 0.10 1/94 13326\n",
    "proc/meminfo": """MemTotal:       24683656 kB
MemFree:        20000000 kB
MemAvailable:   22000000 kB
Buffers:          100000 kB
Cached:          2000000 kB
Active(anon):      12345 kB
SwapTotal:             0 kB
SwapFree:              0 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
""",
    "proc/diskstats": """   7       0 loop0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 35443 11323 2652226 11793 9596 41135 3299672 17559 0 9164 31947 3986 70 236576 1001 1316 1593
 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
""",
    "proc/net/dev": "Inter-|   Receive  |  Transmit\n"
                    " face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls"
                    " carrier compressed\n"
                    "    lo:   63092 66 0 0 0 0 0 0 63092 66 0 0 0 0 0 0\n"
                    "  eth0: 270230402 7994 1 2 3 4 5 6 376301 3804 7 8 9 10 11 12\n",
    "proc/vmstat": "nr_free_pages 1\npgpgin 100\npgpgout 200\npswpin 0\npgfault 5000\npgmajfault 7\noom_kill 0\n",
    "proc/1/mounts": """proc /proc proc rw,relatime 0 0
/dev/vda / ext4 rw,relatime 0 0
/dev/vdb /srv/data\\040files xfs ro,relatime 0 0
tmpfs /dev/shm tmpfs rw 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw 0 0
""",
    "proc/net/sockstat": "sockets: used 17\nTCP: inuse 2 orphan 0 tw 0 alloc 2 mem 3\nUDP: inuse 0 mem 1\n",
    "proc/net/sockstat6": "TCP6: inuse 1\nUDP6: inuse 0\n",
    "proc/net/softnet_stat": "00000010 00000000 00000001 0\n00001f4c 00000002 00000000 0\n",
    "proc/net/arp": """IP address       HW type     Flags       HW address            Mask     Device
10.0.0.1         0x1         0x2         02:fc:00:00:00:02     *        eth0
10.0.0.2         0x1         0x2         02:fc:00:00:00:03     *        eth0
""",
    "proc/sys/fs/file-nr": "285\t0\t2466174\n",
    "proc/sys/kernel/random/entropy_avail": "256\n",
    "proc/sys/kernel/random/poolsize": "256\n",
    "proc/pressure/cpu": "some avg10=0.40 avg60=0.80 avg300=0.91 total=10363125\n"
                         "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
    "proc/pressure/io": "some avg10=0 avg60=0 avg300=0 total=5182003\nfull avg10=0 avg60=0 avg300=0 total=4654029\n",
    "proc/pressure/memory": "some avg10=0 avg60=0 avg300=0 total=0\nfull avg10=0 avg60=0 avg300=0 total=0\n",
    "proc/net/netstat": "TcpExt: SyncookiesSent ListenDrops TW\nTcpExt: 1 2 3\n"
                        "IpExt: InNoRoutes InOctets OutOctets\nIpExt: 0 100 200\n",
    "proc/net/snmp": "Ip: Forwarding DefaultTTL InReceives\nIp: 1 64 1000\n"
                     "Tcp: RtoAlgorithm ActiveOpens CurrEstab InErrs\nTcp: 1 5 2 0\n",
    "proc/net/snmp6": "Ip6InReceives                   \t10\nIp6InOctets                     \t128\n"
                      "Udp6InDatagrams                 \t4\n",
    "proc/net/udp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                    "   0: 0100007F:4263 00000000:0000 07 00000010:00000020 00:00000000 00000000     0        0 1 2\n",
    "proc/sys/kernel/domainname": "(none)\n",
    "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
                      'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def proc_root(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "root", PROC_FILES)
    (root / "srv/data files").mkdir(parents=True)
    return root
