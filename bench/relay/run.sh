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
# packets (the fair figure: uclient paces its sends, about 5,000 relayed packets/s here using ~0.1 of a
# core, so packets/s shows no server limit), relayed packets/s
# over the uclient run, loss, and allocations/s from a separate allocation-only run; then, with
# bench/relay/rtt.mjs, an open-loop load at the same fixed packet rate for every server, for round-trip
# percentiles (uclient reports whole milliseconds) and CPU per packet at that rate. The relay's CPU
# includes its JIT compiler threads, which are also shown on their own.
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
# Open-loop round-trip load (bench/relay/rtt.mjs): 20 clients x 125 packets/s = 5,000 relayed packets/s,
# about uclient's rate above, but at the same fixed rate for every server, with microsecond round trips.
# RTT_LOAD="" skips it.
RTT_LOAD=${RTT_LOAD-"--clients 20 --rate 125 --seconds 10 --warmup 2 --size 1000"}
# Warm-up before everything else, one server after the other: 20,000 relayed packets/s for 90 s. A JVM
# compiles a method's loop only after ~60,000 back-edges, and Netty's event loop goes round once per
# wake-up: at the measured loads (a few hundred to a few thousand wake-ups/s) it stayed interpreted for
# minutes (tier-3 OSR after 150 s at 5,000 packets/s). At this rate it reaches C2 in ~80 s, so the rounds
# measure the steady state of a long-running relay. WARMUP_RTT="" skips it.
WARMUP_RTT=${WARMUP_RTT-"--clients 40 --rate 250 --seconds 90 --warmup 0 --size 1000"}
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

for tool in turnserver turnutils_uclient turnutils_peer redis-server taskset node; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install coturn redis-server util-linux)" >&2; exit 1; }
done
if [[ ! -f "$JAR" ]]; then
  echo "building relay-service ..." >&2
  (cd "$ROOT" && ./mvnw -B -q package -pl relay-service -am -DskipTests) >&2
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of a JVM's JIT compiler threads (0 for coturn): the part of a round's CPU that is the JIT
# still compiling rather than relaying; it shrinks to ~0 as the JVM reaches its steady state.
jit_ticks() {
  local sum=0 task
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) sum=$((sum + $(awk '{print $14 + $15}' "$task/stat"))) ;;
    esac
  done
  echo "$sum"
}

taskset -c "$CLIENT_CPU" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
taskset -c "$CLIENT_CPU" turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >"$WORK/peer.log" 2>&1 &
PIDS+=($!)

mkdir -p "$WORK/coturn"
# Relay port ranges of 4,000 each, below the kernel's ephemeral range (32768-60999 by default) so that no client
# socket takes a relay port: uclient's allocation runs leave their allocations to expire (600 s), and with 1,000
# ports the fifth round of a ROUNDS=5 run ran out (508) and its allocation figure was a burst of failures.
taskset -c "$SERVER_CPU" turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$COTURN_PORT" \
  --min-port=20000 --max-port=23999 --use-auth-secret --static-auth-secret="$SECRET" --realm=bench \
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
    -Dc2c.relay.listen-port="$port" -Dc2c.relay.relay.min-port="$min" -Dc2c.relay.relay.max-port=$((min + 3999)) \
    -Dc2c.relay.relay.allowed-peers=127.0.0.1/32 -Dc2c.relay.quota.bandwidth-per-allocation=0 \
    -Dc2c.relay.quota.allocations-per-user=100000 -Dc2c.relay.quota.allocations-per-site=100000 \
    -Dc2c.relay.auth.unauthorized-per-second=100000 -Dc2c.relay.drain-timeout=0s \
    -Dquarkus.log.level=WARN -jar "$jar" >"$log" 2>&1 &
  echo $!
}
RELAY_PID=$(start_relay "$JAR" "$RELAY_JAVA_OPTS" "$RELAY_PORT" "$RELAY_HTTP_PORT" 24000 "$WORK/relay.log")
PIDS+=($RELAY_PID)
NAMES=(coturn relay)
if [[ -n $RELAY_B_JAR ]]; then
  RELAY_B_PORT=$((RELAY_PORT + 1))
  RELAY_B_PID=$(start_relay "$RELAY_B_JAR" "$RELAY_B_JAVA_OPTS" "$RELAY_B_PORT" $((RELAY_HTTP_PORT + 1)) 28000 \
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

# run_load NAME PORT PID ARGS... -> prints "cpu_seconds wall_seconds sent received lost jit_seconds"
run_load() {
  local name=$1 port=$2 pid=$3; shift 3
  local before after jit_before jit_after start end log="$WORK/$name.$RANDOM.log"
  before=$(cpu_ticks "$pid")
  jit_before=$(jit_ticks "$pid")
  start=$(date +%s.%N)
  taskset -c "$CLIENT_CPU" timeout 300 turnutils_uclient -W "$SECRET" -u "bench$RANDOM" -p "$port" -X \
    -e 127.0.0.1 -r "$PEER_PORT" "$@" 127.0.0.1 >"$log" 2>&1 || true
  end=$(date +%s.%N)
  after=$(cpu_ticks "$pid")
  jit_after=$(jit_ticks "$pid")
  local sent recv lost
  sent=$(grep -oE 'tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$' "$log" | tail -1 | sed -E 's/tot_send_msgs=([0-9]+), tot_recv_msgs=([0-9]+)/\1/')
  recv=$(grep -oE 'tot_send_msgs=[0-9]+, tot_recv_msgs=[0-9]+$' "$log" | tail -1 | sed -E 's/tot_send_msgs=([0-9]+), tot_recv_msgs=([0-9]+)/\2/')
  lost=$(grep -oE 'Total lost packets [0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  echo "$(echo "($after - $before) / $TICKS" | bc -l) $(echo "$end - $start" | bc -l) ${sent:-0} ${recv:-0} ${lost:-?}" \
    "$(echo "($jit_after - $jit_before) / $TICKS" | bc -l)"
}

# run_rtt PORT PID -> prints "cpu_seconds relayed_packets p50 p99 p999 max loss_percent" for one rtt.mjs run
run_rtt() {
  local port=$1 pid=$2 before after out
  before=$(cpu_ticks "$pid")
  # shellcheck disable=SC2086
  out=$(taskset -c "$CLIENT_CPU" timeout 120 node "$ROOT/bench/relay/rtt.mjs" --server "127.0.0.1:$port" \
    --peer "127.0.0.1:$PEER_PORT" --secret "$SECRET" $RTT_LOAD 2>>"$WORK/rtt.err") || true
  after=$(cpu_ticks "$pid")
  echo "$out" >>"$WORK/rtt.jsonl"
  node -e '
    const r = JSON.parse(process.argv[1] || "{}");
    const cpu = Number(process.argv[2]);
    if (!r.sent) { console.log("0 0 nan nan nan nan nan"); process.exit(0); }
    console.log([cpu, r.totalSent + r.totalReceived, r.p50, r.p99, r.p999, r.max, (r.lost * 100 / r.sent)].join(" "));
  ' "$out" "$(echo "($after - $before) / $TICKS" | bc -l)"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# The JVM compiles its hot path during the first runs (C2 work shows up as server CPU); both
# servers get the same warm-up so that the measured rounds compare steady states.
# contestant NAME -> "port pid"
contestant() {
  case $1 in
    coturn) echo "$COTURN_PORT $COTURN_PID" ;;
    relay) echo "$RELAY_PORT $RELAY_PID" ;;
    relay-b) echo "$RELAY_B_PORT $RELAY_B_PID" ;;
  esac
}
if [[ -n $WARMUP_RTT ]]; then
  echo "warming up every server with bench/relay/rtt.mjs $WARMUP_RTT (not measured) ..." >&2
  for name in "${NAMES[@]}"; do
    read -r port pid <<<"$(contestant "$name")"
    # shellcheck disable=SC2086
    taskset -c "$CLIENT_CPU" timeout 300 node "$ROOT/bench/relay/rtt.mjs" --server "127.0.0.1:$port" \
      --peer "127.0.0.1:$PEER_PORT" --secret "$SECRET" $WARMUP_RTT >>"$WORK/warmup.jsonl" 2>>"$WORK/rtt.err" || true
  done
fi
echo "warming up every server with $WARMUP packet runs and allocation runs each (not measured) ..." >&2
# The allocation runs too: without them the JIT compiled the Allocate/401/HMAC paths during the measured rounds
# (0.02-0.07 s of compiler CPU per round in run 9), which is start-up cost, not the steady state compared here.
for _ in $(seq 1 "$WARMUP"); do
  for name in "${NAMES[@]}"; do
    read -r port pid <<<"$(contestant "$name")"
    run_load "$name" "$port" "$pid" $LOAD >/dev/null
    run_load "$name" "$port" "$pid" $ALLOC_LOAD >/dev/null
  done
done

declare -A CPU100K JIT100K PPS LOSS ALLOCS RTT_CPU RTT_P50 RTT_P99 RTT_P999 RTT_MAX RTT_LOSS
for round in $(seq 1 "$ROUNDS"); do
  # Each round starts with the next contestant (A/B/A/B ... over the rounds).
  n=${#NAMES[@]}
  order=""
  for i in $(seq 0 $((n - 1))); do order+="${NAMES[$(( (i + round - 1) % n ))]} "; done
  for name in $order; do
    read -r port pid <<<"$(contestant "$name")"
    read -r cpu wall sent recv lost jit <<<"$(run_load "$name" "$port" "$pid" $LOAD)"
    relayed=$((sent + recv))
    cpu100k=$(echo "$cpu / ($relayed / 100000)" | bc -l)
    jit100k=$(echo "$jit / ($relayed / 100000)" | bc -l)
    pps=$(echo "$relayed / $wall" | bc -l)
    loss=$(echo "($sent - $recv) * 100 / $sent" | bc -l)
    printf 'round %d %-6s cpu=%.3fs (jit %.3fs) wall=%.1fs sent=%d recv=%d lost=%s cpu/100k=%.3fs pkts/s=%.0f loss=%.3f%%\n' \
      "$round" "$name" "$cpu" "$jit" "$wall" "$sent" "$recv" "$lost" "$cpu100k" "$pps" "$loss" >&2
    CPU100K[$name]+="$cpu100k "
    JIT100K[$name]+="$jit100k "
    PPS[$name]+="$pps "
    LOSS[$name]+="$loss "
    read -r acpu awall asent arecv alost ajit <<<"$(run_load "$name" "$port" "$pid" $ALLOC_LOAD)"
    m=$(echo "$ALLOC_LOAD" | grep -oE '\-m [0-9]+' | grep -oE '[0-9]+')
    # uclient makes two allocations per client (an EVEN-PORT pair), each after a 401 round trip.
    aps=$(echo "2 * $m / $awall" | bc -l)
    printf 'round %d %-6s allocation run: %d allocations in %.2fs = %.1f/s\n' "$round" "$name" $((2 * m)) "$awall" "$aps" >&2
    ALLOCS[$name]+="$aps "
    if [[ -n $RTT_LOAD ]]; then
      read -r rcpu rrelayed p50 p99 p999 pmax rloss <<<"$(run_rtt "$port" "$pid")"
      rcpu100k=$(echo "$rcpu / ($rrelayed / 100000)" | bc -l 2>/dev/null || echo nan)
      printf 'round %d %-6s rtt run: p50=%sms p99=%sms p99.9=%sms max=%sms loss=%.3f%% cpu/100k=%.3fs\n' \
        "$round" "$name" "$p50" "$p99" "$p999" "$pmax" "$rloss" "$rcpu100k" >&2
      RTT_CPU[$name]+="$rcpu100k "; RTT_P50[$name]+="$p50 "; RTT_P99[$name]+="$p99 "
      RTT_P999[$name]+="$p999 "; RTT_MAX[$name]+="$pmax "; RTT_LOSS[$name]+="$rloss "
    fi
  done
done

med() { tr ' ' '\n' <<<"$1" | grep -v -e '^$' -e nan | median; }
c_cpu=$(med "${CPU100K[coturn]}"); r_cpu=$(med "${CPU100K[relay]}")
c_pps=$(med "${PPS[coturn]}"); r_pps=$(med "${PPS[relay]}")
c_loss=$(med "${LOSS[coturn]}"); r_loss=$(med "${LOSS[relay]}")
c_aps=$(med "${ALLOCS[coturn]}"); r_aps=$(med "${ALLOCS[relay]}")
r_jit=$(med "${JIT100K[relay]}")

echo
echo "Load: turnutils_uclient $LOAD (ChannelData over UDP, echo peer); allocations: $ALLOC_LOAD; $ROUNDS rounds, medians."
[[ -z $RTT_LOAD ]] || echo "Open loop (bench/relay/rtt.mjs $RTT_LOAD): round trips client -> server -> echo peer -> server -> client."
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); servers on CPU $SERVER_CPU, generator on CPU $CLIENT_CPU; $(date -u +%Y-%m-%d)"
echo
echo "| figure | coturn | relay-service | relay/coturn |"
echo "|---|---|---|---|"
printf '| server CPU s per 100k relayed packets (lower is better) | %.3f | %.3f | %.2f |\n' "$c_cpu" "$r_cpu" "$(echo "$r_cpu / $c_cpu" | bc -l)"
printf '| of which JIT compiler threads | 0 | %.3f | - |\n' "$r_jit"
printf '| relayed packets/s over the run | %.0f | %.0f | %.2f |\n' "$c_pps" "$r_pps" "$(echo "$r_pps / $c_pps" | bc -l)"
printf '| loss %% | %.3f | %.3f | - |\n' "$c_loss" "$r_loss"
printf '| allocations/s (incl. 401 round trip) | %.1f | %.1f | %.2f |\n' "$c_aps" "$r_aps" "$(echo "$r_aps / $c_aps" | bc -l)"
# rtt_rows NAME_A NAME_B [EXTRA_CELLS]: the open-loop rows of the table, A against B
rtt_rows() {
  local a=$1 b=$2 extra=${3:-} figure va vb
  for figure in "server CPU s per 100k relayed packets:RTT_CPU:%.3f" "round trip p50 ms:RTT_P50:%.3f" \
      "round trip p99 ms:RTT_P99:%.3f" "round trip p99.9 ms:RTT_P999:%.3f" "round trip max ms:RTT_MAX:%.3f" \
      "loss %%:RTT_LOSS:%.3f"; do
    IFS=: read -r label array format <<<"$figure"
    local -n values=$array
    va=$(med "${values[$a]}"); vb=$(med "${values[$b]}")
    printf "| open loop: $label | $format | $format | %s |$extra\n" "$va" "$vb" \
      "$(echo "$vb / $va" | bc -l 2>/dev/null | xargs printf '%.2f' 2>/dev/null || echo -)"
    unset -n values
  done
}
if [[ -n $RTT_LOAD ]]; then rtt_rows coturn relay; fi
if [[ -n $RELAY_B_JAR ]]; then
  b_jit=$(med "${JIT100K[relay-b]}"); b_cpu=$(med "${CPU100K[relay-b]}"); b_pps=$(med "${PPS[relay-b]}"); b_loss=$(med "${LOSS[relay-b]}"); b_aps=$(med "${ALLOCS[relay-b]}")
  echo
  echo "relay-b ($RELAY_B_JAR, $RELAY_B_JAVA_OPTS), same rounds:"
  echo
  echo "| figure | coturn | relay-b | relay-b/coturn | relay/relay-b |"
  echo "|---|---|---|---|---|"
  printf '| server CPU s per 100k relayed packets | %.3f | %.3f | %.2f | %.2f |\n' "$c_cpu" "$b_cpu" "$(echo "$b_cpu / $c_cpu" | bc -l)" "$(echo "$r_cpu / $b_cpu" | bc -l)"
  printf '| of which JIT compiler threads | 0 | %.3f | - | - |\n' "$b_jit"
  printf '| relayed packets/s over the run | %.0f | %.0f | %.2f | %.2f |\n' "$c_pps" "$b_pps" "$(echo "$b_pps / $c_pps" | bc -l)" "$(echo "$r_pps / $b_pps" | bc -l)"
  printf '| loss %% | %.3f | %.3f | - | - |\n' "$c_loss" "$b_loss"
  if [[ -n $RTT_LOAD ]]; then rtt_rows coturn relay-b " - |"; fi
  printf '| allocations/s (incl. 401 round trip) | %.1f | %.1f | %.2f | %.2f |\n' "$c_aps" "$b_aps" "$(echo "$b_aps / $c_aps" | bc -l)" "$(echo "$r_aps / $b_aps" | bc -l)"
fi
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates CPU figures; compare within a run)"
echo
echo "(logs in $WORK)"
