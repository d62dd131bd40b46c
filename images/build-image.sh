#!/usr/bin/env bash
# Builds a runnable image of a Liberty server with no base image: a jlink runtime, the C
# libraries it links, and the server packaged with only the features it uses, on FROM scratch.
# Nothing is pulled from a registry, so it works where none is reachable, and the same anywhere.
#
#   [TRAIN_PATH=/heartbeat] images/build-image.sh <tag> <server name> <packaged server zip> <port>[,<port>...]
#
# The zip is what liberty-maven-plugin's package goal makes (include=minify). The JVM runs with
# the server's own jvm.options when it has one, as bin/server would run it: the image has no
# shell to run bin/server.
set -euo pipefail

tag=$1 server=$2 package=$3 ports=${4//,/ }
: "${JAVA_HOME:?JAVA_HOME must point at the JDK whose runtime goes into the image}"
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/ringlb-image.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs
mkdir -p "$root/opt" "$root/tmp" "$root/output"
chmod 1777 "$root/tmp" "$root/output"

echo "[image] $tag: runtime (jlink)"
# java.se for the platform, plus what Liberty's kernel and its agent reach for
"$JAVA_HOME/bin/jlink" \
  --add-modules java.se,jdk.unsupported,jdk.management,jdk.attach,jdk.zipfs,jdk.naming.dns,jdk.net \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --output "$root/opt/java"

echo "[image] $tag: C libraries the runtime links"
{
  for binary in "$root"/opt/java/bin/* "$root"/opt/java/lib/*.so "$root"/opt/java/lib/server/*.so; do
    ldd "$binary" 2>/dev/null | awk '/=> \// { print $3 } /^\s*\/lib/ { print $1 }'
  done
} | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# the loader, under the path every binary names
mkdir -p "$root/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

echo "[image] $tag: Liberty server $server"
unzip -q "$package" -d "$root/opt"
[ -d "$root/opt/wlp/usr/servers/$server" ] || { echo "no server $server in $package" >&2; exit 1; }
# the JVM's options: the server's jvm.options when it has one, as bin/server would read them
jvm_options=(-XX:+UseSerialGC -XX:MaxRAMPercentage=75)
if [ -f "$root/opt/wlp/usr/servers/$server/jvm.options" ]; then
  mapfile -t jvm_options < <(grep -v '^[[:space:]]*#' "$root/opt/wlp/usr/servers/$server/jvm.options" | sed '/^[[:space:]]*$/d')
fi
launch=("@/opt/wlp/lib/platform/java/java24.options" "-javaagent:/opt/wlp/bin/tools/ws-javaagent.jar"
  "-Djava.awt.headless=true" "-Djdk.attach.allowAttachSelf=true" "-jar" "/opt/wlp/bin/tools/ws-server.jar" "$server")
json() { local out="" word; for word in "$@"; do out+="${out:+, }\"$word\""; done; printf '[%s]' "$out"; }
mkdir -p "$root/opt/aot"
cat > "$stage/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java \\
    WLP_OUTPUT_DIR=/output \\
    LANG=C.UTF-8
EXPOSE $ports
ENTRYPOINT $(json /opt/java/bin/java "${jvm_options[@]}" "${launch[@]}")
DOCKERFILE
echo "[image] $tag: docker build"
docker build --quiet --label io.ringlb.image=true -t "$tag" "$stage" >/dev/null

# With TRAIN_PATH set (a path the server answers 200 on once it is ready), the server starts
# once in a container: the JVM writes its AOT cache (JDK 25, JEP 483/514: classes loaded and
# linked, method profiles) and Liberty its workarea (the resolved features and bundles). Both
# are committed into the image, so every container starts warm instead of cold: what makes a
# replaced replica serve again in seconds. The training run's log is on a tmpfs, so it is not.
if [ -n "${TRAIN_PATH:-}" ]; then
  echo "[image] $tag: one training start for the AOT cache and the workarea"
  port=${ports%% *}
  # no memory limit: as the JVM exits it starts a second JVM that writes the cache, and both must fit
  cid=$(docker run -d --label io.ringlb.image=true --tmpfs "/output/$server/logs" -e SERVER_ID=training -p "127.0.0.1::$port" \
    --entrypoint /opt/java/bin/java "$tag" "-XX:AOTCacheOutput=/opt/aot/$server.aot" "${jvm_options[@]}" "${launch[@]}")
  trap 'docker rm -f "$cid" >/dev/null 2>&1; rm -rf "$stage"' EXIT
  published=""
  for _ in $(seq 1 100); do
    published=$(docker port "$cid" "$port" 2>/dev/null | head -1) && [ -n "$published" ] && break
    sleep 0.1
  done
  ready=""
  for _ in $(seq 1 1200); do
    if curl -fs -m 2 -o /dev/null "http://$published$TRAIN_PATH"; then ready=yes; break; fi
    sleep 0.1
  done
  [ -n "$ready" ] || { docker logs "$cid" | tail -20 >&2; echo "[image] $tag: the training start never answered $TRAIN_PATH" >&2; exit 1; }
  # what requests exercise belongs in the cache too
  for _ in $(seq 1 200); do curl -fs -m 2 -o /dev/null "http://$published$TRAIN_PATH"; curl -s -m 2 -o /dev/null "http://$published/home"; done
  docker stop -t 60 "$cid" >/dev/null # SIGTERM: Liberty stops cleanly and the JVM writes its cache as it exits
  # the training start's identity stays behind: a container of the image is whoever its runner says it is
  docker commit --change "ENTRYPOINT $(json /opt/java/bin/java "-XX:AOTCache=/opt/aot/$server.aot" "${jvm_options[@]}" "${launch[@]}")" \
    --change "ENV SERVER_ID=" "$cid" "$tag" >/dev/null
  docker rm "$cid" >/dev/null
fi
docker image inspect --format '[image] {{index .RepoTags 0}}: {{.Size}} bytes' "$tag"
