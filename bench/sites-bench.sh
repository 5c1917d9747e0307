#!/usr/bin/env bash
# Sites benchmarks: host look-up cost with N registered sites (default 100,000) and collect throughput from a
# loopback origin (8 files of M MiB, default 32). Usage: bench/sites-bench.sh [N] [M]
# Builds signaling-service (tests skipped), then runs bench/sites/SitesBench.java on its test classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o package -pl signaling-service -am -DskipTests \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="signaling-service/target/classes:$(cat signaling-service/target/bench.classpath)"
exec java -Xmx1g -cp "$CP" bench/sites/SitesBench.java "$@"
