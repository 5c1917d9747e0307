#!/usr/bin/env bash
# Side-by-side benchmark of relay-service against coturn with the same turnutils_uclient load.
#
#   bench/relay/run.sh                 # 3 rounds of the default load, markdown summary on stdout
#   ROUNDS=5 WARMUP=3 LOAD="-m 50 -n 2000 -l 1000 -z 0" bench/relay/run.sh
#   RELAY_B_JAR=/tmp/old/quarkus-app/quarkus-run.jar bench/relay/run.sh   # A/B: another build in the same rounds
#
# Both servers run during the whole run, on loopback, pinned to SERVER_CPU; the load generator
# (turnutils_uclient) and the echo peer (turnutils_peer) are pinned to CLIENT_CPU. Each round
# loads coturn, then relay-service (order alternates per round), and reads each server's CPU time
# (utime+stime from /proc/PID/stat) before and after. Figures: server CPU seconds per 100k relayed
# packets (the fair figure on 2 cores, where the generator saturates first), relayed packets/s
# over the uclient run, loss, and allocations/s from a separate allocation-only run.
# Medians over the rounds are printed, with relay/coturn ratios. With RELAY_B_JAR a second
# relay-service build (say, the previous commit's) runs too, loaded in the same rounds in rotating
# order, so two builds compare under the same machine load (RELAY_B_JAVA_OPTS: its JVM flags).
# Everything stays on 127.0.0.1; everything started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
LOAD=${LOAD:-"-m 20 -n 1000 -l 1000 -z 0"}
ALLOC_LOAD=${ALLOC_LOAD:-"-m 100 -n 1 -l 100 -z 1"}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
SECRET=bench-secret-0123456789abcdef
COTURN_PORT=${COTURN_PORT:-35780}
RELAY_PORT=${RELAY_PORT:-35790}
PEER_PORT=${PEER_PORT:-35800}
REDIS_PORT=${REDIS_PORT:-35810}
RELAY_HTTP_PORT=${RELAY_HTTP_PORT:-35820}
WORK=$(mktemp -d /tmp/c2c-relay-bench.XXXXXX)
JAR="$ROOT/relay-service/target/quarkus-app/quarkus-run.jar"
RELAY_B_JAR=${RELAY_B_JAR:-}
# The product's JVM flags for a relay node (k8s/base/relay/relay.env, docs/relay.md), plus the bench's fixed heap.
RELAY_JAVA_OPTS=${RELAY_JAVA_OPTS:-"-Xms256m -Xmx256m -XX:-UsePerfData"}
RELAY_B_JAVA_OPTS=${RELAY_B_JAVA_OPTS:-$RELAY_JAVA_OPTS}
TICKS=$(getconf CLK_TCK)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

for tool in turnserver turnutils_uclient turnutils_peer redis-server taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install coturn redis-server util-linux)" >&2; exit 1; }
done
if [[ ! -f "$JAR" ]]; then
  echo "building relay-service ..." >&2
  (cd "$ROOT" && ./mvnw -B -q package -pl relay-service -am -DskipTests) >&2
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

taskset -c "$CLIENT_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
taskset -c "$CLIENT_CPU" turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >"$WORK/peer.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/coturn"
taskset -c "$SERVER_CPU" turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$COTURN_PORT" \
  --min-port=44000 --max-port=44999 --use-auth-secret --static-auth-secret="$SECRET" --realm=bench \
  --allow-loopback-peers --fingerprint --no-cli --no-tls --no-dtls --no-rfc5780 --no-software-attribute \
  --userdb="$WORK/coturn/turndb.sqlite" --log-file="$WORK/coturn/turn.log" --simple-log --no-stdout-log \
  >/dev/null 2>&1 &
COTURN_PID=$!
PIDS+=($COTURN_PID)

# Same limits as coturn's defaults: no per-allocation bandwidth cap, generous per-user quota.
# start_relay JAR JAVA_OPTS PORT HTTP_PORT MIN_RELAY_PORT LOG -> pid
start_relay() {
  local jar=$1 opts=$2 port=$3 http=$4 min=$5 log=$6
  # shellcheck disable=SC2086
  C2C_TURN_SECRETS=$SECRET C2C_INTERNAL_TOKEN=bench-internal-token-0123456789 taskset -c "$SERVER_CPU" java $opts \
    -Dquarkus.http.port="$http" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
    -Dc2c.relay.listen-port="$port" -Dc2c.relay.relay.min-port="$min" -Dc2c.relay.relay.max-port=$((min + 999)) \
    -Dc2c.relay.relay.allowed-peers=127.0.0.1/32 -Dc2c.relay.quota.bandwidth-per-allocation=0 \
    -Dc2c.relay.quota.allocations-per-user=100000 -Dc2c.relay.quota.allocations-per-site=100000 \
    -Dc2c.relay.auth.unauthorized-per-second=100000 -Dc2c.relay.drain-timeout=0s \
    -Dquarkus.log.level=WARN -jar "$jar" >"$log" 2>&1 &
  echo $!
}
RELAY_PID=$(start_relay "$JAR" "$RELAY_JAVA_OPTS" "$RELAY_PORT" "$RELAY_HTTP_PORT" 45000 "$WORK/relay.log")
PIDS+=($RELAY_PID)
NAMES=(coturn relay)
if [[ -n $RELAY_B_JAR ]]; then
  RELAY_B_PORT=$((RELAY_PORT + 1))
  RELAY_B_PID=$(start_relay "$RELAY_B_JAR" "$RELAY_B_JAVA_OPTS" "$RELAY_B_PORT" $((RELAY_HTTP_PORT + 1)) 46000 \
    "$WORK/relay-b.log")
  PIDS+=($RELAY_B_PID)
  NAMES+=(relay-b)
fi

for _ in $(seq 1 60); do
  if curl -fs "http://127.0.0.1:$RELAY_HTTP_PORT/q/health/live" >/dev/null 2>&1 && [[ -f "$WORK/coturn/turn.log" ]] \
     && { [[ -z $RELAY_B_JAR ]] || curl -fs "http://127.0.0.1:$((RELAY_HTTP_PORT + 1))/q/health/live" >/dev/null 2>&1; }
  then break; fi
  sleep 0.5
done
sleep 2

# run_load NAME PORT PID ARGS... -> prints "cpu_seconds wall_seconds sent received lost"
run_load() {
  local name=$1 port=$2 pid=$3; shift 3
  local before after start end log="$WORK/$name.$RANDOM.log"
  before=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  taskset -c "$CLIENT_CPU" timeout 300 turnutils_uclient -W "$SECRET" -u "bench$RANDOM" -p "$port" -X \
    -e 127.0.0.1 -r "$PEER_PORT" "$@" 127.0.0.1 >"$log" 2>&1 || true
  end=$(date +%s.%N)
  after=$(cpu_ticks "$pid")
  local sent recv lost
  sent=$(grep -oE 'tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$' "$log" | tail -1 | sed -E 's/tot_send_msgs=([0-9]+), tot_recv_msgs=([0-9]+)/\1/')
  recv=$(grep -oE 'tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$' "$log" | tail -1 | sed -E 's/tot_send_msgs=([0-9]+), tot_recv_msgs=([0-9]+)/\2/')
  lost=$(grep -oE 'Total lost packets [0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  echo "$(echo "($after - $before) / $TICKS" | bc -l) $(echo "$end - $start" | bc -l) ${sent:-0} ${recv:-0} ${lost:-?}"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# The JVM compiles its hot path during the first runs (C2 work shows up as server CPU); both
# servers get the same warm-up so that the measured rounds compare steady states.
echo "warming up every server with $WARMUP runs each (not measured) ..." >&2
# contestant NAME -> "port pid"
contestant() {
  case $1 in
    coturn) echo "$COTURN_PORT $COTURN_PID" ;;
    relay) echo "$RELAY_PORT $RELAY_PID" ;;
    relay-b) echo "$RELAY_B_PORT $RELAY_B_PID" ;;
  esac
}
for _ in $(seq 1 "$WARMUP"); do
  for name in "${NAMES[@]}"; do
    read -r port pid <<<"$(contestant "$name")"
    run_load "$name" "$port" "$pid" $LOAD >/dev/null
  done
done

declare -A CPU100K PPS LOSS ALLOCS
for round in $(seq 1 "$ROUNDS"); do
  # Each round starts with the next contestant (A/B/A/B ... over the rounds).
  n=${#NAMES[@]}
  order=""
  for i in $(seq 0 $((n - 1))); do order+="${NAMES[$(( (i + round - 1) % n ))]} "; done
  for name in $order; do
    read -r port pid <<<"$(contestant "$name")"
    read -r cpu wall sent recv lost <<<"$(run_load "$name" "$port" "$pid" $LOAD)"
    relayed=$((sent + recv))
    cpu100k=$(echo "$cpu / ($relayed / 100000)" | bc -l)
    pps=$(echo "$relayed / $wall" | bc -l)
    loss=$(echo "($sent - $recv) * 100 / $sent" | bc -l)
    printf 'round %d %-6s cpu=%.3fs wall=%.1fs sent=%d recv=%d lost=%s cpu/100k=%.3fs pkts/s=%.0f loss=%.3f%%\n' \
      "$round" "$name" "$cpu" "$wall" "$sent" "$recv" "$lost" "$cpu100k" "$pps" "$loss" >&2
    CPU100K[$name]+="$cpu100k "
    PPS[$name]+="$pps "
    LOSS[$name]+="$loss "
    read -r acpu awall asent arecv alost <<<"$(run_load "$name" "$port" "$pid" $ALLOC_LOAD)"
    m=$(echo "$ALLOC_LOAD" | grep -oE '\-m [0-9]+' | grep -oE '[0-9]+')
    # uclient makes two allocations per client (an EVEN-PORT pair), each after a 401 round trip.
    aps=$(echo "2 * $m / $awall" | bc -l)
    printf 'round %d %-6s allocation run: %d allocations in %.2fs = %.1f/s\n' "$round" "$name" $((2 * m)) "$awall" "$aps" >&2
    ALLOCS[$name]+="$aps "
  done
done

med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
c_cpu=$(med "${CPU100K[coturn]}"); r_cpu=$(med "${CPU100K[relay]}")
c_pps=$(med "${PPS[coturn]}"); r_pps=$(med "${PPS[relay]}")
c_loss=$(med "${LOSS[coturn]}"); r_loss=$(med "${LOSS[relay]}")
c_aps=$(med "${ALLOCS[coturn]}"); r_aps=$(med "${ALLOCS[relay]}")

echo
echo "Load: turnutils_uclient $LOAD (ChannelData over UDP, echo peer); allocations: $ALLOC_LOAD; $ROUNDS rounds, medians."
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); servers on CPU $SERVER_CPU, generator on CPU $CLIENT_CPU; $(date -u +%Y-%m-%d)"
echo
echo "| figure | coturn | relay-service | relay/coturn |"
echo "|---|---|---|---|"
printf '| server CPU s per 100k relayed packets (lower is better) | %.3f | %.3f | %.2f |\n' "$c_cpu" "$r_cpu" "$(echo "$r_cpu / $c_cpu" | bc -l)"
printf '| relayed packets/s over the run | %.0f | %.0f | %.2f |\n' "$c_pps" "$r_pps" "$(echo "$r_pps / $c_pps" | bc -l)"
printf '| loss %% | %.3f | %.3f | - |\n' "$c_loss" "$r_loss"
printf '| allocations/s (incl. 401 round trip) | %.1f | %.1f | %.2f |\n' "$c_aps" "$r_aps" "$(echo "$r_aps / $c_aps" | bc -l)"
if [[ -n $RELAY_B_JAR ]]; then
  b_cpu=$(med "${CPU100K[relay-b]}"); b_pps=$(med "${PPS[relay-b]}"); b_loss=$(med "${LOSS[relay-b]}"); b_aps=$(med "${ALLOCS[relay-b]}")
  echo
  echo "relay-b ($RELAY_B_JAR, $RELAY_B_JAVA_OPTS), same rounds:"
  echo
  echo "| figure | coturn | relay-b | relay-b/coturn | relay/relay-b |"
  echo "|---|---|---|---|---|"
  printf '| server CPU s per 100k relayed packets | %.3f | %.3f | %.2f | %.2f |\n' "$c_cpu" "$b_cpu" "$(echo "$b_cpu / $c_cpu" | bc -l)" "$(echo "$r_cpu / $b_cpu" | bc -l)"
  printf '| relayed packets/s over the run | %.0f | %.0f | %.2f | %.2f |\n' "$c_pps" "$b_pps" "$(echo "$b_pps / $c_pps" | bc -l)" "$(echo "$r_pps / $b_pps" | bc -l)"
  printf '| loss %% | %.3f | %.3f | - | - |\n' "$c_loss" "$b_loss"
  printf '| allocations/s (incl. 401 round trip) | %.1f | %.1f | %.2f | %.2f |\n' "$c_aps" "$b_aps" "$(echo "$b_aps / $c_aps" | bc -l)" "$(echo "$r_aps / $b_aps" | bc -l)"
fi
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates CPU figures; compare within a run)"
echo
echo "(logs in $WORK)"
