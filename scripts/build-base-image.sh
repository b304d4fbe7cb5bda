#!/usr/bin/env bash
# Makes the base image named in the proxies' FROM lines when no registry can supply it.
# On machines that can pull (users' CI) this only pulls; here, where no registry is reachable,
# it builds the same Debian release with debootstrap and imports it under the same tag, so the
# unchanged Dockerfiles build on it.
set -euo pipefail
cd "$(dirname "$0")/.."

base=$(awk 'toupper($1)=="FROM"{print $2; exit}' proxies/nginx/Dockerfile)
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

echo "[base-image] no registry reachable: building $base with debootstrap ($suite, about 40 s)"
command -v debootstrap >/dev/null || { echo "[base-image] debootstrap is missing: run scripts/setup.sh" >&2; exit 1; }
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/wspc-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$suite" "$root" "$mirror" >/tmp/wspc-debootstrap.log 2>&1 || {
  tail -20 /tmp/wspc-debootstrap.log >&2; echo "[base-image] debootstrap failed (log: /tmp/wspc-debootstrap.log)" >&2; exit 1; }
# The public image carries the security and updates suites too; so does ours.
cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
SRC
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$base" >/dev/null
echo "[base-image] imported $base"
