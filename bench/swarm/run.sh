#!/usr/bin/env bash
# Swarm benchmark (docs/benchmarks.md, "swarm"): the whole local platform (`./c2c up`: Redis, Kafka, the demo
# origin serving a generated 20-file site, signaling, discovery and relay) inside a loopback-only network
# namespace this script creates, then waves of visitors, each the real peer agent in Node over werift WebRTC,
# after an origin-only baseline with the same arrival pattern. Prints a table; writes bench/results/swarm-*.json and
# the plot. Needs root (network namespace), Node 20 and npm; stops everything it started, also on Ctrl-C.
#
#   bench/swarm/run.sh [swarm.mjs options]     e.g. --waves 2,8,10 --workers 2      (default)
#                                                    --waves 3,30,70 --workers 4 --svg docs/img/swarm-100.svg
# Environment: SWARM_UPLOAD_CAP (bytes/s the owner lets each visitor upload, default 2097152),
# SWARM_TIMEOUT (seconds for the whole run, default 1200); C2C_AGENT_* settings reach signaling's bootstrap
# answer (e.g. C2C_AGENT_CONNECT_WAIT=1s), see docs/browser.md. Harness knobs (README.md): SWARM_WERIFT_MTU (SCTP
# packet size between two werift visitors, default 16000), SWARM_UDP_RCVBUF (werift socket receive buffer, default
# 2 MiB, 0 = kernel default), SWARM_CPU_PROF=DIR (a V8 CPU profile per worker process).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bench="$root/bench/swarm"
state="$root/bench/results/swarm-state"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
ns="c2c-swarm-$$"
port_signaling=8080
port_origin=8000

die() { echo "swarm: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root: the run lives in a network namespace it creates (like ./c2c test)"
command -v node >/dev/null || die "needs Node 20 (apt-get install nodejs npm)"
command -v ip >/dev/null || die "needs iproute2"

# Dependencies (werift, ws) from the lock file; the packaged services (built outside the namespace, which has no network).
[ -d "$bench/node_modules/werift" ] || (cd "$bench" && npm ci --no-audit --no-fund)
[ -f "$root/testing/target/cli.classpath" ] || "$root/c2c" build
for svc in signaling discovery relay; do
  jar="$root/$svc-service/target/quarkus-app/quarkus-run.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/$svc-service/src/main" "$root/$svc-service/pom.xml" "$root/contracts/src/main" "$root/net-policy/src/main" -newer "$jar" -print -quit)" ]; then
    echo "== building $svc-service (sources newer than its jar)"
    (cd "$root" && ./mvnw -B -q -ntp -DskipTests package -pl "$svc-service" -am) || die "build of $svc-service failed"
  fi
done

rm -rf "$state"
mkdir -p "$state"
node "$bench/gen-site.mjs" "$state/site"

# The namespace: loopback only, and its own /etc/hosts (ip netns exec mounts /etc/netns/NAME/hosts over it), so
# swarm.localhost reaches the platform for Node's resolver as it does in browsers.
export C2C_STATE_DIR="$state/c2c" C2C_DEMO_ROOT="$state/site" C2C_NO_BUILD=1 \
  C2C_SIGNALING_PORT=$port_signaling C2C_ORIGIN_PORT=$port_origin
in_ns() { ip netns exec "$ns" "$@"; }
cleanup() {
  set +e
  [ -n "${swarm_pid:-}" ] && kill "$swarm_pid" 2>/dev/null
  in_ns "$root/c2c" down >/dev/null 2>&1
  ip netns del "$ns" 2>/dev/null
  rm -rf "/etc/netns/$ns"
  rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
in_ns ip link set lo up
mkdir -p "/etc/netns/$ns"
printf '127.0.0.1 localhost\n127.0.0.1 swarm.localhost\n' >"/etc/netns/$ns/hosts"

echo "== platform (./c2c up in namespace $ns)"
in_ns "$root/c2c" up >"$state/up.log" 2>&1 || { cat "$state/up.log"; die "./c2c up failed"; }

echo "== site swarm.localhost (upload cap ${SWARM_UPLOAD_CAP:-2097152} B/s per visitor)"
api="http://127.0.0.1:$port_signaling/api/v1"
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }
key="$(in_ns curl -fsS -H 'Content-Type: application/json' -d '{"name":"Swarm bench"}' "$api/owners" | field apiKey)"
site="$(in_ns curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "{\"domains\":[\"swarm.localhost\"],
  \"origin\":\"http://127.0.0.1:$port_origin\",\"settings\":{\"p2pEnabled\":true,\"uploadCapBytesPerSecond\":${SWARM_UPLOAD_CAP:-2097152},
  \"maxP2pFileBytes\":67108864,\"allowedPaths\":[],\"globalPrivacyControl\":\"no-upload\"}}" "$api/sites" | field siteId)"
[ -n "$site" ] || die "site registration failed"
in_ns curl -fsS -X POST -H "Authorization: Bearer $key" "$api/sites/$site/verify" >/dev/null
in_ns curl -fsS -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{}' \
  "$api/sites/$site/collect" >"$state/collect.json" || die "collect failed: $(cat "$state/collect.json")"

echo "== swarm"
in_ns timeout --kill-after=10 "${SWARM_TIMEOUT:-1200}" node "$bench/swarm.mjs" \
  --base "http://swarm.localhost:$port_signaling" --origin "http://127.0.0.1:$port_origin" \
  --out "$root/bench/results/swarm-$stamp.json" "$@" &
swarm_pid=$!
wait "$swarm_pid"
