#!/usr/bin/env bash
# Makes a base image named in the proxies' FROM lines when no registry can supply it.
# Usage: build-base-image.sh [debian:<release>-slim]   (default: the release the Dockerfiles default to)
# On machines that can pull (users' CI) this only pulls; here, where no registry is reachable,
# it builds the same Debian release with debootstrap and imports it under the same tag, so the
# unchanged Dockerfiles build on it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The proxies' Dockerfiles start `ARG RELEASE=<default>` / `FROM debian:${RELEASE}-slim`.
default_release=$(awk -F= 'toupper($1)=="ARG RELEASE"{print $2; exit}' proxies/nginx/Dockerfile)
base=${1:-debian:${default_release}-slim}
suite=$(sed -E 's/^debian:([a-z]+).*/\1/' <<<"$base")

if docker image inspect "$base" >/dev/null 2>&1; then
  echo "[base-image] $base already present"
  exit 0
fi
echo "[base-image] pulling $base"
if timeout 60 docker pull "$base" >/dev/null 2>&1; then
  echo "[base-image] pulled $base"
  exit 0
fi

# The Debian mirror this machine's apt is configured with (deb822 .sources or sources.list), so a
# machine behind its own mirror builds from it; DEBIAN_MIRROR overrides.
machine_mirror() {
  local kind=$1 # debian or debian-security
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{for(i=2;i<=NF;i++)print $i}'
    grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print ($2 ~ /^\[/) ? $3 : $2}'
  } | grep -E "/${kind}/?$" | head -1 | sed 's:/$::' || true
}
mirror=${DEBIAN_MIRROR:-$(machine_mirror debian)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-$(machine_mirror debian-security)}
security=${security:-http://deb.debian.org/debian-security}

echo "[base-image] no registry reachable: building $base with debootstrap ($suite from $mirror, about 40 s)"
if ! command -v debootstrap >/dev/null; then
  command -v apt-get >/dev/null || { echo "[base-image] no registry answers and debootstrap is missing on a system without apt: install debootstrap, or give Docker a registry" >&2; exit 1; }
  echo "[base-image] installing debootstrap"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  # Several releases' base images are made at once: one apt at a time.
  install='command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }'
  as_root flock /tmp/wspc-apt.lock sh -c "$install"
fi
root=$(mktemp -d /tmp/wspc-rootfs.XXXXXX)
log=/tmp/wspc-debootstrap-$suite.log
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$log" 2>&1 || {
  tail -20 "$log" >&2; echo "[base-image] debootstrap failed (log: $log)" >&2; exit 1; }
# The public image carries the security and updates suites too; so does ours. sid (unstable) has
# neither.
if [ "$suite" = sid ]; then
  echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"
else
  cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SRC
fi
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$base" >/dev/null
echo "[base-image] imported $base"
