#!/usr/bin/env bash
# ringlb beside HAProxy and nginx, with one command: builds the balancer, starts three replicas,
# puts HAProxy (balance uri whole, hash-type consistent), nginx (hash $request_uri consistent)
# and ringlb (started by Liberty's bin/server) in front of them, loads each with wrk in rounds
# at 64 and then 256 connections, and writes a table per connection count, ratios against
# HAProxy taken round by round, into docs/benchmarks.md (charts, every round and logs:
# docs/benchmarks/compare). About 14 minutes. Then the TLS part: HAProxy and ringlb terminating
# TLS with one certificate on the same replicas, under HTTPS/1.1 keep-alive (wrk), HTTP/2
# (h2load) and new connections with full handshakes (h2load), into docs/benchmarks/compare/tls
# and the document's TLS section: about 14 minutes more. One part alone: --parts cleartext, or
# --parts tls.
# Options go to the command, e.g. ./bench.sh --duration 60 --connections 128 (--help lists them).
set -euo pipefail
cd "$(dirname "$0")"
: "${JAVA_HOME:?point JAVA_HOME at a JDK 21 or newer}"
for tool in haproxy nginx wrk h2load openssl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || { echo "[bench] $tool is missing: apt-get install haproxy nginx-light wrk nghttp2-client openssl" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"

# package, not install: the reactor builds what the comparison runs, and ~/.m2 is left alone
./mvnw -q package -DskipTests -pl lb-webapp,lb-analysis -am
"$JAVA_HOME/bin/java" -jar lb-analysis/target/lb-analysis.jar compare --out docs/benchmarks/compare --doc docs/benchmarks.md "$@"
