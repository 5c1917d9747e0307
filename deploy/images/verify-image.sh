#!/usr/bin/env bash
# Runs an OCI image archive the way Kubernetes runs it under k8s/, without a container engine: its layers unpacked
# into a root filesystem, mounted read-only in a private mount namespace with /proc and an empty /tmp (the
# manifests' emptyDir), started as the image's user with its entrypoint and working directory, on loopback only;
# passes when /q/health/started answers UP. Needs root (unshare, chroot).
#
#   deploy/images/verify-image.sh IMAGE.tar HTTP_PORT [ENV=VALUE ...]
set -euo pipefail
IMAGE=$1; PORT=$2; shift 2
WORK=$(mktemp -d /tmp/c2c-verify.XXXXXX)
# The JVM keeps the pid the namespace shell wrote (everything after it is exec), so stop exactly that process:
# SIGTERM, then SIGKILL if it has not exited within 30 s.
cleanup() {
  local jvm
  jvm=$(cat "$WORK/jvm.pid" 2>/dev/null || true)
  if [ -n "$jvm" ] && kill "$jvm" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 "$jvm" 2>/dev/null || break; sleep 1; done
    kill -9 "$jvm" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/image" "$WORK/rootfs"
tar -xf "$IMAGE" -C "$WORK/image"
# (Assigned first so that a failed check stops the script; `eval "$(...)"` would ignore it.)
META=$(python3 - "$WORK/image" <<'PY'
# An OCI image archive (what ./c2c images writes): index.json -> the image manifest -> config and layers,
# each blob checked against its digest and size before anything from it is used.
import hashlib, json, os, shlex, sys
d = sys.argv[1]
def blob(desc):
    algo, digest = desc["digest"].split(":", 1)
    path = os.path.join(d, "blobs", algo, digest)
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if algo != "sha256" or h.hexdigest() != digest or os.path.getsize(path) != desc["size"]:
        sys.exit(f"verify-image: blob {desc['digest']} does not match its descriptor")
    return path
if not os.path.isfile(os.path.join(d, "oci-layout")):
    sys.exit("verify-image: not an OCI image archive (no oci-layout)")
index = json.load(open(os.path.join(d, "index.json")))
if len(index["manifests"]) != 1:
    sys.exit("verify-image: expected one image in index.json")
m = json.load(open(blob(index["manifests"][0])))
c = json.load(open(blob(m["config"])))["config"]
print("LAYERS=(" + " ".join(shlex.quote(blob(l)) for l in m["layers"]) + ")")
print("ENTRY=(" + " ".join(shlex.quote(a) for a in c.get("Entrypoint", []) + (c.get("Cmd") or [])) + ")")
print("USER_ID=" + shlex.quote(c.get("User", "0")))
print("WORKDIR=" + shlex.quote(c.get("WorkingDir", "/")))
print("IMAGE_ENV=(" + " ".join(shlex.quote(e) for e in c.get("Env", [])) + ")")
PY
)
eval "$META"
for layer in "${LAYERS[@]}"; do tar --warning=no-unknown-keyword -xf "$layer" -C "$WORK/rootfs"; done
[ "$USER_ID" != 0 ] && [ "$USER_ID" != root ] || { echo "verify-image: the image runs as root" >&2; exit 1; }
LOG=$WORK/run.log
# Private mount namespace: the root filesystem read-only, /proc, /tmp as tmpfs (the emptyDir of the manifests).
unshare --mount --fork bash -c '
  set -e; R=$1; U=$2; PIDFILE=$3; shift 3; echo $$ > "$PIDFILE"
  mount --bind "$R" "$R"; mount -o remount,bind,ro "$R"
  mount -t proc proc "$R/proc"; mount -t tmpfs -o size=256m tmpfs "$R/tmp"
  exec chroot --userspec="$U:$U" "$R" /usr/bin/env -i "$@"
' _ "$WORK/rootfs" "$USER_ID" "$WORK/jvm.pid" "${IMAGE_ENV[@]}" HOME=/tmp QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$PORT" "$@" \
  sh -c "cd $WORKDIR && exec $(printf '%q ' "${ENTRY[@]}")" > "$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/q/health/started" 2>/dev/null | grep -q '"UP"'; then
    # The JVM must run as the image's user, not root.
    listener=$(ss -Hltnp "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    uid=$(ps -o uid= -p "${listener:-1}" | tr -d ' ')
    [ "$uid" = "$USER_ID" ] || { echo "verify-image: the service runs as uid $uid, not $USER_ID" >&2; exit 1; }
    echo "verify-image: $(basename "$IMAGE") started (read-only root, user $USER_ID, /tmp tmpfs): /q/health/started UP"
    exit 0
  fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 1
done
echo "verify-image: $(basename "$IMAGE") did not start; last log lines:" >&2
tail -30 "$LOG" >&2
exit 1
