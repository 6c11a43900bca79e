#!/usr/bin/env bash
# Install the real peers the tests talk to (Debian packages) and keep their services from starting:
# the tests start their own copies on 127.0.0.1.
set -euo pipefail
packages=(python3-venv snmpd snmp prometheus prometheus-alertmanager prometheus-node-exporter prometheus-snmp-exporter postgresql chromium fonts-wqy-microhei onesixtyone)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "peers: all installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "peers: missing ${missing[*]}; run as root (apt-get) or install them yourself" >&2
  exit 1
fi
echo "peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Stop any service a package's install script started: tests run their own instances.
for svc in snmpd prometheus prometheus-alertmanager prometheus-node-exporter prometheus-snmp-exporter postgresql; do
  service "$svc" stop >/dev/null 2>&1 || true
done
echo "peers: done"
