#!/usr/bin/env bash
# Builds the platform's JVM base image without a Docker daemon or registry: a Debian bookworm root filesystem
# (debootstrap, from Debian's own package mirror) with openjdk-17-jre-headless, a non-root user 185 and an
# empty /app, packed as a docker-archive tarball (the `docker save` format) that Jib takes as a `tar://` base.
#
#   deploy/images/build-base.sh [OUT]      (default: target/images/c2c-jre17-base.tar; needs root and debootstrap)
#
# Nothing here is committed: the tarball lives under target/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/images/c2c-jre17-base.tar}
SUITE=${C2C_BASE_SUITE:-bookworm}
MIRROR=${C2C_BASE_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then echo "build-base.sh: debootstrap needs root" >&2; exit 1; fi
command -v debootstrap >/dev/null || { echo "build-base.sh: install debootstrap (apt-get install debootstrap)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/c2c-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/rootfs

echo "== debootstrap $SUITE (minbase + openjdk-17-jre-headless) into $ROOT"
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates-java,ca-certificates \
  "$SUITE" "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 || { tail -30 "$WORK/debootstrap.log" >&2; exit 1; }

# The runtime user (185, as Quarkus's own UBI images use), its home, and the application directory.
chroot "$ROOT" /usr/sbin/groupadd --gid 185 c2c
chroot "$ROOT" /usr/sbin/useradd --system --uid 185 --gid 185 --home-dir /app --no-create-home --shell /usr/sbin/nologin c2c
install -d -o 185 -g 185 "$ROOT/app"
# Smaller and reproducible-ish: no package caches, docs or logs in the image.
rm -rf "$ROOT"/var/cache/apt/* "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* \
       "$ROOT"/var/log/* "$ROOT"/tmp/* "$ROOT"/root/.cache
# The JRE finds libjli.so through $ORIGIN, which needs /proc (a container has it, this chroot does not).
chroot "$ROOT" env LD_LIBRARY_PATH=/usr/lib/jvm/java-17-openjdk-amd64/lib java -version

mkdir -p "$(dirname "$OUT")"
python3 "$(dirname "$0")/pack-docker-archive.py" "$ROOT" "$OUT" "c2c/jre17-base:bookworm"
echo "== wrote $OUT ($(du -h "$OUT" | cut -f1))"
