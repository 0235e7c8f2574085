#!/usr/bin/env bash
# Prepares the CLI's fast start (called by ./rpm-release after a build): copies of the dependency jars with
# their jar signatures removed (a signed jar is re-verified on every start and is excluded from class data
# sharing) and an AppCDS archive of the classes package, sign, verify and inspect load.
# OUT_DIR becomes a symlink to a fresh versioned directory, switched atomically, so launchers running meanwhile
# keep a complete directory; the launcher resolves the link once.
# Usage: fast-start.sh JAVA CLI_JAR LIB_DIR OUT_DIR
set -euo pipefail
java_bin="$1"; jar="$2"; lib="$3"; fast="$4"
mkdir -p "$(dirname "$fast")"
exec 9>"$fast.lock"
flock 9
if [ -f "$fast/app.jsa" ] && [ -z "$(find "$jar" "$lib" -newer "$fast/app.jsa" -print -quit)" ]; then
  exit 0   # another launcher made it meanwhile
fi
echo "rpm-release: preparing fast start (class data sharing archive) ..."
link="$fast"
old="$(readlink -f "$link" 2>/dev/null || true)"
fast="$link.$(date +%s%N)"
mkdir -p "$fast/lib"
cp "$lib"/*.jar "$fast/lib/"
if command -v zip >/dev/null && command -v unzip >/dev/null; then
  for j in "$fast"/lib/*.jar; do
    # no grep -q: under pipefail an early exit would fail the pipeline with SIGPIPE
    if unzip -Z1 "$j" 2>/dev/null | grep -E '^META-INF/[^/]+\.(SF|RSA|DSA|EC)$' >/dev/null; then
      zip -q -d "$j" 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' 'META-INF/*.EC' >/dev/null 2>&1 || true
    fi
  done
fi
cp_="$jar:$fast/lib/*"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'rpm-release class data sharing training\n' > "$work/f.txt"
rpm="$work/out/cds-training-1-1.noarch.rpm"
train() {
  local name="$1"; shift
  "$java_bin" -XX:+UseSerialGC -XX:DumpLoadedClassList="$work/$name.lst" -cp "$cp_" io.avalanche.rpm.cli.Main "$@" \
    >/dev/null 2>&1 || true
}
train package package --name cds-training --version 1 --arch noarch --file "$work/f.txt:/opt/cds-training/f.txt" \
  --compression zstd:3 --out "$work/out"
train sign sign --ephemeral --export-key "$work/pub.asc" "$rpm"
train verify verify --key "$work/pub.asc" "$rpm"
train inspect inspect --json "$rpm"
cat "$work"/*.lst | sort -u > "$work/all.classlist"
"$java_bin" -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile="$work/all.classlist" \
  -XX:SharedArchiveFile="$fast/app.jsa.tmp" -cp "$cp_" >"$work/dump.log" 2>&1
mv "$fast/app.jsa.tmp" "$fast/app.jsa"
[ -L "$link" ] || rm -rf "$link"   # a directory from an older launcher
ln -sfn "$(basename "$fast")" "$link.new"
mv -T "$link.new" "$link"
for d in "$link".[0-9]*; do   # keep the new and the previous directory (a JVM may still be starting from it)
  [ "$d" = "$fast" ] || [ "$d" = "$old" ] || rm -rf "$d"
done
