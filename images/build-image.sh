#!/usr/bin/env bash
# Builds a runnable image of a Liberty server with no base image: a jlink runtime, the C
# libraries it links, and the server packaged with only the features it uses, on FROM scratch.
# Nothing is pulled from a registry, so it works where none is reachable, and the same anywhere.
#
#   images/build-image.sh <tag> <server name> <packaged server zip> <port>[,<port>...]
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
# what a shell would have prepared for bin/server: a writable output dir
opens=java24.options
options='"-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75"'
if [ -f "$root/opt/wlp/usr/servers/$server/jvm.options" ]; then
  options=$(grep -v '^[[:space:]]*#' "$root/opt/wlp/usr/servers/$server/jvm.options" | sed '/^[[:space:]]*$/d; s/.*/"&"/' | paste -sd, - | sed 's/,/, /g')
fi
cat > "$stage/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java \\
    WLP_OUTPUT_DIR=/output \\
    LANG=C.UTF-8
EXPOSE $ports
ENTRYPOINT ["/opt/java/bin/java", $options, \\
  "@/opt/wlp/lib/platform/java/$opens", "-javaagent:/opt/wlp/bin/tools/ws-javaagent.jar", \\
  "-Djava.awt.headless=true", "-Djdk.attach.allowAttachSelf=true", \\
  "-jar", "/opt/wlp/bin/tools/ws-server.jar", "$server"]
DOCKERFILE
echo "[image] $tag: docker build"
docker build --quiet --label io.ringlb.image=true -t "$tag" "$stage" >/dev/null
docker image inspect --format '[image] {{index .RepoTags 0}}: {{.Size}} bytes' "$tag"
