#!/usr/bin/env bash
# Discovery benchmark: memory per peer and per (peer, asset) entry, index ingest rate, query
# latency on a 1,000,000-peer site, and ingest from a pre-filled topic on a real local broker.
#
#   bench/discovery/run.sh [peers=1000000] [assetsPerPeer=100] [siteAssets=500] [queries=200000] [kafkaEvents=500000]
#
# Needs ~3 GB of heap for the default sizes (BENCH_HEAP to change). BENCH_JAVA_OPTS passes JVM options, e.g.
# -Ddecode.threads=N (decode workers of the Kafka stage) or -Dkafka.compression=none (the pre-filled topic is
# lz4-compressed by default, as signaling's producer writes it). Prints results to stdout; copy
# them into docs/benchmarks.md (section "discovery") with the machine and the date.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -q -o test-compile dependency:build-classpath -pl discovery-service -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="discovery-service/target/test-classes:discovery-service/target/classes:$(cat discovery-service/target/bench.classpath)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1); date: $(date -u +%FT%TZ)"
exec java -Xms"${BENCH_HEAP:-3g}" -Xmx"${BENCH_HEAP:-3g}" -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dc2c.test.dir="$root/discovery-service/target/bench" \
  -cp "$cp" io.c2c.discovery.bench.DiscoveryBench "$@"
