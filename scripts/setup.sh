#!/usr/bin/env bash
# The README's set-up command (`npm run setup`): everything `npm test` needs on a fresh Debian or
# Ubuntu machine. Installs and starts the Docker engine if none answers, installs the npm packages,
# provides the base image (pulled, or built with debootstrap where no registry is reachable) and
# builds the proxy images, the browser's and the firewall's with progress, so `npm test` starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[setup] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# debootstrap is installed later, only where no registry answers (scripts/build-base-image.sh).
packages=()
command -v dockerd >/dev/null || docker info >/dev/null 2>&1 || packages+=(docker.io)
if [ ${#packages[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    say "missing: ${packages[*]}, and this is not a Debian-like system: install them, then run this again" >&2
    exit 1
  fi
  say "installing ${packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
    say "starting the Docker engine (systemctl)"
    as_root systemctl start docker
  else
    # An engine killed without shutting down (a stopped CI job) leaves pid files that stop dockerd.
    # A zombie still answers kill -0, so look at its state too.
    running() { [ -n "$1" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:.*zombie' "/proc/$1/status"; }
    for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
      if [ -f "$pidfile" ] && ! running "$(cat "$pidfile" 2>/dev/null)"; then as_root rm -f "$pidfile"; fi
    done
    say "starting the Docker engine (dockerd, log in /tmp/wspc-dockerd.log)"
    as_root sh -c 'nohup dockerd >/tmp/wspc-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { say "the Docker engine did not come up; see /tmp/wspc-dockerd.log" >&2; exit 1; }
fi
say "Docker engine $(docker info --format '{{.ServerVersion}}') is up"

# Each container's network namespace gets a TCP table of its own (Linux 6.1+; 0, the default, shares
# the machine's). The stall checks read a proxy's sockets from /proc/<pid>/net/tcp, and a read walks
# every bucket of the table it is given: with the shared one (262,144 buckets here), 0.8 ms for a
# container with no sockets; with 4,096 of its own, 0.04 ms. On the idle-timeout-24h file with 110
# proxies (2 cores, 2026-12-06) the time from a stalled path going quiet to the check noticing it
# fell from 2.8 s at p99 (6.6 s at most) to 0.9 s (0.93 s). Only namespaces created afterwards get
# one; a value already set is kept. Not permitted (a CI job in a container): the checks run as
# before, their sampling only slower.
ehash=/proc/sys/net/ipv4/tcp_child_ehash_entries
if [ -r "$ehash" ] && [ "$(cat "$ehash")" = 0 ]; then
  if command -v sysctl >/dev/null && as_root sysctl -qw net.ipv4.tcp_child_ehash_entries=4096 2>/dev/null; then
    say "containers get TCP tables of their own (net.ipv4.tcp_child_ehash_entries=4096)"
  else
    say "could not set net.ipv4.tcp_child_ehash_entries=4096 (not permitted here): stall checks sample proxies' sockets more slowly"
  fi
fi

say "installing npm packages"
npm ci --no-audit --no-fund

# The browser checks drive Debian's Chromium in a container (fixtures/browser/Dockerfile), built
# below with the proxy images: nothing to install on the host for them.
bash scripts/build-base-image.sh
npx tsx scripts/build-images.ts
say "done: run npm test"
