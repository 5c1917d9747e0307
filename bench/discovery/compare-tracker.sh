#!/usr/bin/env bash
# Discovery vs bittorrent-tracker (HTTP announce + peer list) on the same workload, in one run, with
# the same Java load generator: registrations (peer, asset) per second and "peers holding X" request
# rate and latency. Starts its own Kafka, one packaged discovery instance and the tracker, all on
# free 127.0.0.1 ports, and stops them at the end.
#
#   bench/discovery/compare-tracker.sh [peers=20000] [assets=20] [perPeer=5] [queries=50000] [concurrency=16]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# --ignore-scripts: the tracker's optional WebRTC client dependency wants a native download; the server needs none.
(cd bench/discovery && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
./mvnw -B -q -o package -DskipTests -pl discovery-service -am >/dev/null
./mvnw -B -q -o dependency:build-classpath -pl discovery-service -am \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp="discovery-service/target/test-classes:discovery-service/target/classes:$(cat discovery-service/target/bench.classpath)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), node $(node --version); date: $(date -u +%FT%TZ)"
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dc2c.test.dir="$root/discovery-service/target/bench" -Dc2c.bench.root="$root" \
  -cp "$cp" io.c2c.discovery.bench.TrackerComparison "$@"
