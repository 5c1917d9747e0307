#!/usr/bin/env bash
# What one werift connection costs in CPU (werift-cost.mjs), inside a loopback-only network namespace this script
# creates and deletes. Needs root. Options go to werift-cost.mjs, e.g.
#   bench/swarm/werift-cost.sh --pairs 20 --idle-s 10 --mib 4
#   SWARM_WERIFT_MTU=1191 bench/swarm/werift-cost.sh --pairs 4 --idle-s 0 --mib 4     (werift's default packet size)
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "werift-cost: needs root (network namespace)" >&2; exit 1; }
[ -d "$bench/node_modules/werift" ] || (cd "$bench" && npm ci --no-audit --no-fund)
ns="c2c-werift-cost-$$"
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" timeout 600 node "$bench/werift-cost.mjs" "$@"
