#!/usr/bin/env bash
# Prepares the CLI's fast start (called by ./rpm-release after a build): copies of the dependency jars with
# their jar signatures removed (a signed jar is re-verified on every start and is excluded from class data
# sharing) and an AppCDS archive of the classes package, sign, verify and inspect load.
# OUT_DIR becomes a symlink to a fresh versioned directory, switched atomically, so launchers running meanwhile
# keep a complete directory; the launcher resolves the link once. The launcher keeps one OUT_DIR per JDK (a
# directory fast-start/ of them); an archive is only valid for the JDK that made it.
# Usage: fast-start.sh JAVA CLI_JAR LIB_DIR OUT_DIR
set -euo pipefail
java_bin="$1"; jar="$2"; lib="$3"; fast="$4"
parent="$(dirname "$fast")"
if [ -L "$parent" ]; then   # an older launcher's single archive: fast-start was a link to fast-start.<n>
  rm -f "$parent"
  rm -rf "$parent".[0-9]*
fi
mkdir -p "$parent"
exec 9>"$fast.lock"
flock 9
jdk="$(readlink -f "$java_bin" 2>/dev/null || echo "$java_bin")"
jdk="${jdk%/bin/java}"
if [ -f "$fast/app.jsa" ] && [ -f "$fast/classpath" ] && ! [ "$jdk/lib/modules" -nt "$fast/app.jsa" ] \
    && [ -z "$(find "$jar" "$lib" "${BASH_SOURCE[0]}" -newer "$fast/app.jsa" -print -quit)" ]; then
  exit 0   # another launcher made it meanwhile
fi
echo "rpm-release: preparing fast start (class data sharing archive) ..."
link="$fast"
old="$(readlink -f "$link" 2>/dev/null || true)"
fast="$link.$(date +%s%N)"
mkdir -p "$fast/lib"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$lib"/*.jar "$fast/lib/"
if command -v zip >/dev/null && command -v unzip >/dev/null; then
  for j in "$fast"/lib/*.jar; do
    # no grep -q: under pipefail an early exit would fail the pipeline with SIGPIPE
    if unzip -Z1 "$j" 2>/dev/null | grep -E '^META-INF/[^/]+\.(SF|RSA|DSA|EC)$' >/dev/null; then
      zip -q -d "$j" 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' 'META-INF/*.EC' >/dev/null 2>&1 || true
      # and the manifest's per-entry digests, which only the signature used: opening a jar reads its whole manifest,
      # and java.util.logging's start (Bouncy Castle's key rings) opens every jar of the class path in a service
      # lookup (Bouncy Castle's: ~1 MB, 7,000 sections, ~70 ms of verify). Sections with any other attribute (a
      # package's sealing or version) stay.
      m="$work/manifest"
      mkdir -p "$m/META-INF"
      if unzip -p "$j" META-INF/MANIFEST.MF 2>/dev/null | tr -d '\r' | awk '
          BEGIN { RS = ""; ORS = "\n\n" }
          NR == 1 { print; next }
          { n = split($0, l, "\n"); keep = 0
            for (i = 1; i <= n; i++) if (l[i] !~ /^ / && l[i] !~ /^Name:/ && l[i] !~ /^[A-Za-z0-9-]+-Digest:/) keep = 1
            if (keep) print }' > "$m/META-INF/MANIFEST.MF" && [ -s "$m/META-INF/MANIFEST.MF" ]; then
        (cd "$m" && zip -q "$j" META-INF/MANIFEST.MF) || true
      fi
      rm -rf "$m"
    fi
  done
fi
# Class path order matters at start-up: a class missing from the archive is looked up jar by jar, and each jar
# is opened (central directory read) when first reached; a service lookup (java.util.logging, which Bouncy Castle's
# key rings use, looks one up) opens every jar. So the class path has two parts: the jars package, sign, verify
# and inspect need, hot ones first, on line 1 (the archive is made for it), and those only publishing needs (the AWS
# SDK and its HTTP client) on line 2, which the launcher appends for the other commands.
cp_="$jar"
hot="picocli- rpm-core- zstd-jni- bcprov- bcpg- bcutil- xz-"
for h in $hot; do for j in "$fast"/lib/"$h"*.jar; do [ -f "$j" ] && cp_="$cp_:$j"; done; done
publishing=""
for j in "$fast"/lib/*.jar; do
  is_hot=0
  for h in $hot; do case "$(basename "$j")" in "$h"*) is_hot=1 ;; esac; done
  [ "$is_hot" = 1 ] && continue
  # only publishing's classes inside: the AWS SDK, Apache HTTP client, codec, commons-logging, reactive streams
  if [ -z "$(unzip -Z1 "$j" 2>/dev/null | grep '\.class$' \
      | grep -Ev '^(software/amazon/|org/apache/http/|org/apache/commons/codec/|org/apache/commons/logging/|org/reactivestreams/|META-INF/)' \
      | head -1)" ]; then
    publishing="$publishing${publishing:+:}$j"
  else
    cp_="$cp_:$j"
  fi
done
# zstd-jni's native library, unpacked once (otherwise every start copies it to a temp file, after probing for OSGi)
case "$(uname -m)" in x86_64) zarch=amd64 ;; aarch64) zarch=aarch64 ;; *) zarch="" ;; esac
zjar="$(ls "$fast"/lib/zstd-jni-*.jar 2>/dev/null | head -1)"
if [ -n "$zarch" ] && [ -n "$zjar" ]; then
  mkdir -p "$fast/native"
  (cd "$fast/native" && unzip -q -j -o "$zjar" "linux/$zarch/*.so") 2>/dev/null || rm -rf "$fast/native"
fi
zlib="$(ls "$fast"/native/*.so 2>/dev/null | head -1 || true)"
printf 'rpm-release class data sharing training\n' > "$work/f.txt"
rpm="$work/out/cds-training-1-1.noarch.rpm"
train() {
  local name="$1"; shift
  "$java_bin" -XX:+UseSerialGC -XX:DumpLoadedClassList="$work/$name.lst" ${zlib:+-DZstdNativePath="$zlib"} \
    -cp "$cp_" io.avalanche.rpm.cli.Main "$@" >/dev/null 2>&1 </dev/null || true
}
train package package --name cds-training --version 1 --arch noarch --file "$work/f.txt:/opt/cds-training/f.txt" \
  --compression zstd:3 --out "$work/out"
case "$(uname -m)" in x86_64|aarch64)   # an ELF file: the architecture check reads its header
  train packageelf package --name cds-training --version 3 --arch "$(uname -m)" --file "/bin/true:/opt/cds-training/true" \
    --compression zstd:3 --workers 2 --out "$work/out3" ;;
esac
train sign sign --ephemeral --export-key "$work/pub.asc" "$rpm"
train verify verify --key "$work/pub.asc" "$rpm"
train inspect inspect --json "$rpm"
# an armored secret key file, as release engineers pass it, through package --key, sign --key and verify --key
# (a throw-away RSA-2048 key from gpg when it is installed: the same classes as RSA-4096, made in a second)
if command -v gpg >/dev/null; then
  export GNUPGHOME="$work/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  if gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'CDS Training <cds@example.invalid>' \
      rsa2048 sign never >/dev/null 2>&1 \
    && gpg --batch --quiet --pinentry-mode loopback --passphrase '' --armor --export-secret-keys cds@example.invalid \
      > "$work/secret.asc" 2>/dev/null \
    && gpg --batch --quiet --armor --export cds@example.invalid > "$work/public.asc" 2>/dev/null; then
    train packagekey package --name cds-training --version 2 --arch noarch --file "$work/f.txt:/opt/cds-training/f.txt" \
      --compression zstd:3 --workers 2 --out "$work/out2" --key "$work/secret.asc"
    train signkey sign --key "$work/secret.asc" "$rpm"
    train verifykey verify --key "$work/public.asc" "$work/out2/cds-training-2-1.noarch.rpm"
  fi
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  unset GNUPGHOME
fi
# one list from all runs: newer JDKs number every class (" id: N", per run), which would clash between runs; the
# numbers matter only for classes of custom loaders (lines with "source:"), which these runs do not load
cat "$work"/*.lst | sed -E '/ source: /!s/ id: [0-9]+$//' | sort -u > "$work/all.classlist"
"$java_bin" -Xshare:dump -XX:+UseSerialGC -XX:SharedClassListFile="$work/all.classlist" \
  -XX:SharedArchiveFile="$fast/app.jsa.tmp" -cp "$cp_" >"$work/dump.log" 2>&1
mv "$fast/app.jsa.tmp" "$fast/app.jsa"
# ArchiveRelocationMode=0 maps the archive where it was made instead of at a random address plus relocation (~60 ms
# of each start on JDK 17.0.15); the CDS region then has no address randomisation, the JDK's earlier default.
# Line 3 of the classpath file: only when this JDK accepts it with the archive.
reloc="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
# shellcheck disable=SC2086
"$java_bin" -XX:SharedArchiveFile="$fast/app.jsa" -Xshare:on $reloc -XX:+UseSerialGC -cp "$cp_" \
  io.avalanche.rpm.cli.Main --version >/dev/null 2>&1 || reloc=""
printf '%s\n%s\n%s\n' "$cp_" "$publishing" "$reloc" > "$fast/classpath"
[ -L "$link" ] || rm -rf "$link"   # a directory from an older launcher
ln -sfn "$(basename "$fast")" "$link.new"
mv -T "$link.new" "$link"
for d in "$link".[0-9]*; do   # keep the new and the previous directory (a JVM may still be starting from it)
  [ "$d" = "$fast" ] || [ "$d" = "$old" ] || rm -rf "$d"
done
