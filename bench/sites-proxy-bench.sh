#!/usr/bin/env bash
# Reverse proxy benchmark: the same closed-loop HTTP load straight to a loopback origin and through the site reverse
# proxy (GET 1 KiB, POST 64 KiB echoed). Usage: bench/sites-proxy-bench.sh [requests=20000] [concurrency=16]
# Builds signaling-service (tests skipped), then runs bench/sites/ProxyBench.java on its test classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -o package -pl signaling-service -am -DskipTests \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="signaling-service/target/classes:$(cat signaling-service/target/bench.classpath)"
exec java -Xmx512m -cp "$CP" bench/sites/ProxyBench.java "$@"
