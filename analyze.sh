#!/usr/bin/env bash
# The exercise's analysis, everything, with one command: builds the balancer and the analysis
# tool, then writes charts (PNG, SVG), CSV and a Markdown report for the simulated and the
# live figures into the folder given (default target/analysis). The live part starts the
# project's own balancer, with replicas as local processes, once per strategy: about 15 minutes.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-target/analysis}
: "${JAVA_HOME:?point JAVA_HOME at a JDK 21 or newer}"

./mvnw -q install -DskipTests -pl lb-webapp,lb-analysis -am
"$JAVA_HOME/bin/java" -jar lb-analysis/target/lb-analysis.jar simulate --out "$out/simulate"
"$JAVA_HOME/bin/java" -jar lb-analysis/target/lb-analysis.jar run --out "$out/run"
echo "[analyze] reports: $out/simulate/report.md and $out/run/report.md"
