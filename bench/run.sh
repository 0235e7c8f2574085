#!/usr/bin/env bash
# Benchmark harness (issue 5): one run, one input, ratios against baselines measured in the same run.
# Builds what it needs, makes the inputs in a private temp dir, prints a markdown table and writes it to
# bench/results.md. Needs: hyperfine, rpmbuild, rpmsign, rpm, gpg, openssl, /usr/bin/time, zip/unzip.
# Environment: BENCH_RUNS (default 5, whole-process and in-process zstd-3 repetitions), BENCH_RUNS19 (default 1,
# zstd-19 repetitions: one zstd-19 pass over 100 MiB takes ~30-60 s on 2 cores), BENCH_SKIP_BUILD=1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${BENCH_RUNS:-5}"
runs19="${BENCH_RUNS19:-1}"
out_md="$here/bench/results.md"
for tool in hyperfine rpmbuild rpmsign rpm rpmkeys gpg openssl jq zip unzip; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y hyperfine rpm gnupg openssl jq zip unzip)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

work="$(mktemp -d /tmp/rpm-release-bench.XXXXXX)"   # 0700: holds the throw-away signing key
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
log() { echo "bench: $*" >&2; }
started="$(date -u +%FT%TZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- build --------------------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building (./mvnw -q -B -Pbench -DskipTests package)"
  (cd "$here" && ./mvnw -q -B -Pbench -DskipTests package >&2)
fi
"$here/rpm-release" --version >/dev/null   # prepares the launcher's fast start (CDS archive) if needed
bench_java=(java -cp "$here/bench/target/bench.jar:$here/bench/target/lib/*" io.avalanche.rpm.bench.Bench)

# ---- inputs -------------------------------------------------------------------------------------------------
# 100 MiB of real, compressible binaries: the ELF files among /usr/bin/* and /usr/lib/jvm/**/lib/*.so, in
# byte-sorted path order, concatenated and cut at 100 MiB. 2000 MiB = that file 20 times.
log "making inputs"
{ find /usr/bin -maxdepth 1 -type f; find /usr/lib/jvm -path '*/lib/*.so' -type f; } | LC_ALL=C sort > "$work/candidates"
while IFS= read -r f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && printf '%s\n' "$f"
done < "$work/candidates" > "$work/inputs.txt"
tr '\n' '\0' < "$work/inputs.txt" | xargs -0 cat 2>/dev/null | head -c $((100 << 20)) > "$work/in100.bin" || true
[ "$(stat -c %s "$work/in100.bin")" -eq $((100 << 20)) ] || { echo "bench: fewer than 100 MiB of ELF files" >&2; exit 1; }
head -c $((1 << 20)) "$work/in100.bin" > "$work/in1.bin"
for _ in $(seq 20); do cat "$work/in100.bin"; done > "$work/in2000.bin"
in_files="$(awk -v max=$((100 << 20)) '{ cmd = "stat -c %s \"" $0 "\""; cmd | getline s; close(cmd); n++; t += s; if (t >= max) exit } END { print n }' "$work/inputs.txt")"
in_sha="$(sha256sum "$work/in100.bin" | cut -c1-16)"

# ---- signing key (throw-away, in the 0700 work dir) ---------------------------------------------------------
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'rpm-release bench <bench@example.invalid>' \
  rsa4096 sign never 2>/dev/null
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --armor --export-secret-keys bench@example.invalid > "$work/secret.asc"
gpg --batch --quiet --armor --export bench@example.invalid > "$work/pub.asc"
mkdir "$work/rpmdb"
rpmkeys --dbpath "$work/rpmdb" --import "$work/pub.asc"

# ---- commands -----------------------------------------------------------------------------------------------
cli="$here/rpm-release"
ours_pkg() { # LEVEL WORKERS INPUT OUTDIR
  printf '%q ' "$cli" package --name benchpkg --version 1.0 --arch x86_64 --file "$3:/opt/bench/payload.bin:0644" \
    --compression "zstd:$1" --workers "$2" --out "$4"
}
mkdir -p "$work/rpmbuild"
cat > "$work/bench.spec" <<'EOF'
Name: benchpkg
Version: 1.0
Release: 1
Summary: rpm-release benchmark payload
License: BSD-3-Clause
AutoReqProv: no
%description
rpm-release benchmark payload.
%install
mkdir -p %{buildroot}/opt/bench
ln %{_sourcedir}/in100.bin %{buildroot}/opt/bench/payload.bin 2>/dev/null || cp %{_sourcedir}/in100.bin %{buildroot}/opt/bench/payload.bin
%files
/opt/bench/payload.bin
EOF
rpmbuild_pkg() { # PAYLOAD_MACRO
  printf '%q ' rpmbuild -bb --quiet --define "_topdir $work/rpmbuild" --define "_sourcedir $work" \
    --define "_binary_payload $1" --define 'debug_package %{nil}' --define '__os_install_post %{nil}' \
    --define '_build_id_links none' "$work/bench.spec"
}
rpmsign_cmd() { printf '%q ' rpmsign --addsign --define '__gpg /usr/bin/gpg' --define '_gpg_name bench@example.invalid' "$1"; }
ours_sign() { printf '%q ' "$cli" sign --key "$work/secret.asc" --export-key "$work/exported.asc" "$1"; }

# hyperfine → median seconds of each command, in order
hf() { # JSON_NAME RUNS WARMUP [--prepare CMD]... -- CMD...
  local name="$1" n="$2" w="$3"; shift 3
  hyperfine --shell bash --style none --runs "$n" --warmup "$w" --export-json "$work/$name.json" "$@" >&2
  jq -r '.results[].median' "$work/$name.json"
}
declare -A R
put() { R[$1]="$2"; }

# ---- whole process: package, zstd-3 ----------------------------------------------------------------------
log "whole process: package zstd-3 (ours vs rpmbuild -bb w3.zstdio), $runs runs"
mapfile -t m < <(hf pkg3 "$runs" 1 -n ours "$(ours_pkg 3 2 "$work/in100.bin" "$work/ours3")" \
  -n rpmbuild "$(rpmbuild_pkg w3.zstdio)")
put pkg3.ours "${m[0]}"; put pkg3.base "${m[1]}"
ours3="$work/ours3/benchpkg-1.0-1.x86_64.rpm"
rb3="$work/rpmbuild/RPMS/x86_64/benchpkg-1.0-1.x86_64.rpm"
cp "$ours3" "$work/ours3.unsigned.rpm"; cp "$rb3" "$work/rb3.unsigned.rpm"
size3="$(stat -c %s "$ours3")"; size3rb="$(stat -c %s "$rb3")"

log "whole process: sign (ours vs rpmsign --addsign), $runs runs"
mapfile -t m < <(hf sign "$runs" 1 --prepare "cp $work/ours3.unsigned.rpm $ours3" --prepare "cp $work/rb3.unsigned.rpm $rb3" \
  -n ours "$(ours_sign "$ours3")" -n rpmsign "$(rpmsign_cmd "$rb3")")
put sign.ours "${m[0]}"; put sign.base "${m[1]}"
rpm --dbpath "$work/rpmdb" -K "$ours3" >&2
rpm --dbpath "$work/rpmdb" -K "$rb3" >&2

log "whole process: package --key (packages and signs in one process), zstd-3, $runs runs"
mapfile -t m < <(hf pkgsign3 "$runs" 1 -n ours "$(ours_pkg 3 2 "$work/in100.bin" "$work/pkgsign3") --key $work/secret.asc")
put pkgsign3 "${m[0]}"
rpm --dbpath "$work/rpmdb" -K "$work/pkgsign3/benchpkg-1.0-1.x86_64.rpm" >&2

# ---- whole process: verify ------------------------------------------------------------------------------------
log "whole process: verify (ours vs rpm -K vs openssl sha256), $runs runs"
mapfile -t m < <(hf verify "$runs" 1 -n ours "$(printf '%q ' "$cli" verify --key "$work/pub.asc" "$ours3")" \
  -n rpmK "$(printf '%q ' rpm --dbpath "$work/rpmdb" -K "$ours3")" -n openssl "$(printf '%q ' openssl sha256 "$ours3")")
put verify.ours "${m[0]}"; put verify.rpmk "${m[1]}"; put verify.openssl "${m[2]}"

# ---- in process -----------------------------------------------------------------------------------------------
log "in process: RpmWriter.write vs raw zstd-jni"
inproc() { # LEVEL WORKERS RUNS WARMUPS TAG
  "${bench_java[@]}" inprocess "$work/in100.bin" "$1" "$2" "$3" "$4" "$work/inproc" | while read -r tag key secs _; do
    [ "$tag" = RESULT ] && echo "$key.$5 $secs"
  done
}
while read -r k v; do put "$k" "$v"; done < <(inproc 3 1 "$runs" 1 z3w1; inproc 3 2 "$runs" 1 z3w2)

log "in process: sign 1 MiB vs 100 MiB package, verify"
eval "$(ours_pkg 3 2 "$work/in1.bin" "$work/ours1")" >/dev/null 2>&1
small="$work/ours1/benchpkg-1.0-1.x86_64.rpm"
cp "$ours3" "$work/large.rpm"
results() { while read -r tag key secs _; do [ "$tag" = RESULT ] && echo "$key $secs"; done; }
while read -r k v; do put "$k" "$v"; done < <("${bench_java[@]}" sign "$work/secret.asc" "$small" "$work/large.rpm" 20 | results)
while read -r k v; do put "$k" "$v"; done < <("${bench_java[@]}" verify "$work/pub.asc" "$ours3" "$runs" | results)

log "in process: publish to S3Proxy vs raw PutObject"
mkdir "$work/release"
cp "$ours3" "$work/release/"; cp "$work/pub.asc" "$work/release/RPM-GPG-KEY-avalanchego"
while read -r k v; do put "$k" "$v"; done < <("${bench_java[@]}" publish "$work/release" "$work/release/$(basename "$ours3")" "$runs" 2>/dev/null | results)
mkdir "$work/release1"   # the same with the 1 MiB package: the fixed cost of a publish (requests, metadata)
cp "$small" "$work/release1/"; cp "$work/pub.asc" "$work/release1/RPM-GPG-KEY-avalanchego"
while read -r k v; do put "$k.small" "$v"; done < <("${bench_java[@]}" publish "$work/release1" "$work/release1/$(basename "$small")" "$runs" 2>/dev/null | results)

# ---- peak RSS: 2000 MiB at zstd-3 through the CLI -------------------------------------------------------------
log "peak RSS: package 2000 MiB at zstd-3 (whole CLI process)"
eval "/usr/bin/time -v $(ours_pkg 3 2 "$work/in2000.bin" "$work/ours2000")" >/dev/null 2> "$work/time2000.txt"
put rss2000 "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time2000.txt")"
put time2000 "$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time2000.txt")"
rm -rf "$work/ours2000"

# ---- zstd-19, 2 workers (slow: last) --------------------------------------------------------------------------
log "whole process: package --key zstd-19, 2 workers (ours, signs too) vs rpmbuild w19T2.zstdio, $runs19 run(s)"
mapfile -t m < <(hf pkg19 "$runs19" 0 -n ours "$(ours_pkg 19 2 "$work/in100.bin" "$work/ours19") --key $work/secret.asc" \
  -n rpmbuild "$(rpmbuild_pkg w19T2.zstdio)")
put pkg19.ours "${m[0]}"; put pkg19.base "${m[1]}"
rpm --dbpath "$work/rpmdb" -K "$work/ours19/benchpkg-1.0-1.x86_64.rpm" >&2
size19="$(stat -c %s "$work/ours19/benchpkg-1.0-1.x86_64.rpm")"; size19rb="$(stat -c %s "$rb3")"  # rpmbuild's zstd-19 output
log "in process: zstd-19, 2 workers"
while read -r k v; do put "$k" "$v"; done < <(inproc 19 2 "$runs19" 0 z19w2)
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- table ----------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
sec() { awk -v s="$1" 'BEGIN { printf "%.3f s", s }'; }
met() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? (r <= t) : (r >= t); print ok ? "yes" : "**no**" }'; }
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a + b }'; }

ps3two="$(add "${R[pkg3.ours]}" "${R[sign.ours]}")"; ps3b="$(add "${R[pkg3.base]}" "${R[sign.base]}")"
ps3="${R[pkgsign3]}"   # package --key: one process
ps19="${R[pkg19.ours]}"; ps19b="$(add "${R[pkg19.base]}" "${R[sign.base]}")"
r_ps3="$(ratio "$ps3" "$ps3b")"; r_ps19="$(ratio "$ps19" "$ps19b")"
r_w1="$(ratio "${R[inprocess.package.z3w1]}" "${R[inprocess.rawzstd.z3w1]}")"
r_w2="$(ratio "${R[inprocess.package.z3w2]}" "${R[inprocess.rawzstd.z3w2]}")"
r_19="$(ratio "${R[inprocess.package.z19w2]}" "${R[inprocess.rawzstd.z19w2]}")"
r_ver="$(ratio "${R[inprocess.verify]}" "${R[verify.openssl]}")"
thr_ours="$(awk -v b="$size3" -v s="${R[inprocess.publish]}" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
thr_raw="$(awk -v b="$size3" -v s="${R[inprocess.rawput]}" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
r_pub="$(ratio "${R[inprocess.rawput]}" "${R[inprocess.publish]}")"
thr_rawsha="$(awk -v b="$size3" -v s="${R[inprocess.rawput.sha256]}" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
r_pubsha="$(ratio "${R[inprocess.rawput.sha256]}" "${R[inprocess.publish]}")"
rss_mb="$(awk -v k="${R[rss2000]}" 'BEGIN { printf "%.0f", k / 1024 }')"
sign_small_ms="$(ms "${R[inprocess.sign.small]}")"; sign_large_ms="$(ms "${R[inprocess.sign.large]}")"
sign_ok="$(awk -v a="${R[inprocess.sign.small]}" -v b="${R[inprocess.sign.large]}" 'BEGIN { print (a < 0.05 && b < 0.05) ? "yes" : "**no**" }')"

{
  echo "# rpm-release benchmark results"
  echo
  echo "One run of \`bench/run.sh\` ($started, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
  echo "load average at start $load_start, at end $load_end; $(java -version 2>&1 | head -1); $(rpm --version))."
  echo "Input: the first 100 MiB of the $in_files ELF files among \`/usr/bin/*\` and \`/usr/lib/jvm/**/lib/*.so\`, in"
  echo "byte-sorted path order, concatenated (sha256 $in_sha…); 1 MiB = its first MiB; 2000 MiB = it 20 times."
  echo "Whole-process figures are hyperfine medians ($runs runs, zstd-19: $runs19); in-process figures are medians of"
  echo "$runs runs after a warm-up in one JVM (sign: 20 runs). Ratios are ours / baseline (publish: throughput ours / raw)."
  echo
  row measure ours baseline ratio target "met?"
  row --- ---: ---: ---: --- ---
  row "package 100 MiB, zstd-3 (whole process; ours 2 workers)" "$(sec "${R[pkg3.ours]}")" "$(sec "${R[pkg3.base]}") rpmbuild -bb w3.zstdio" "$(ratio "${R[pkg3.ours]}" "${R[pkg3.base]}")" "-" "-"
  row "sign 100 MiB package (whole process)" "$(sec "${R[sign.ours]}")" "$(sec "${R[sign.base]}") rpmsign --addsign" "$(ratio "${R[sign.ours]}" "${R[sign.base]}")" "-" "-"
  row "package then sign as two processes, zstd-3" "$(sec "$ps3two")" "$(sec "$ps3b") rpmbuild + rpmsign" "$(ratio "$ps3two" "$ps3b")" "-" "-"
  row "**package + sign, zstd-3**: \`package --key\` (one process)" "$(sec "$ps3")" "$(sec "$ps3b") rpmbuild + rpmsign" "$r_ps3" "≤ 0.70" "$(met "$r_ps3" "<=" 0.70)"
  row "**package + sign, zstd-19, 2 workers**: \`package --key\`" "$(sec "$ps19")" "$(sec "$ps19b") rpmbuild w19T2 + rpmsign" "$r_ps19" "≤ 0.60" "$(met "$r_ps19" "<=" 0.60)"
  row "**in-process RpmWriter.write**, zstd-3, 1 worker" "$(sec "${R[inprocess.package.z3w1]}")" "$(sec "${R[inprocess.rawzstd.z3w1]}") raw zstd-jni" "$r_w1" "≤ 1.15" "$(met "$r_w1" "<=" 1.15)"
  row "**in-process RpmWriter.write**, zstd-3, 2 workers" "$(sec "${R[inprocess.package.z3w2]}")" "$(sec "${R[inprocess.rawzstd.z3w2]}") raw zstd-jni" "$r_w2" "≤ 1.15" "$(met "$r_w2" "<=" 1.15)"
  row "**in-process RpmWriter.write**, zstd-19, 2 workers" "$(sec "${R[inprocess.package.z19w2]}")" "$(sec "${R[inprocess.rawzstd.z19w2]}") raw zstd-jni" "$r_19" "≤ 1.15" "$(met "$r_19" "<=" 1.15)"
  row "**sign in-process**, 1 MiB vs 100 MiB package" "$sign_small_ms / $sign_large_ms" "-" "$(ratio "${R[inprocess.sign.large]}" "${R[inprocess.sign.small]}") (100 MiB / 1 MiB)" "< 50 ms, flat" "$sign_ok"
  row "verify $(awk -v b="$size3" 'BEGIN { printf "%.1f", b / 1048576 }') MiB package (whole process)" "$(sec "${R[verify.ours]}")" "$(sec "${R[verify.rpmk]}") rpm -K" "$(ratio "${R[verify.ours]}" "${R[verify.rpmk]}")" "-" "-"
  row "**verify in-process** vs openssl sha256 of the file" "$(sec "${R[inprocess.verify]}")" "$(sec "${R[verify.openssl]}") openssl sha256" "$r_ver" "≤ 1.30" "$(met "$r_ver" "<=" 1.30)"
  row "**publish** to S3Proxy (in-process, throughput)" "$thr_ours MiB/s" "$thr_raw MiB/s raw PutObject" "$r_pub" "≥ 0.80" "$(met "$r_pub" ">=" 0.80)"
  row "publish vs raw PutObject carrying x-amz-checksum-sha256 (as publish sends)" "$thr_ours MiB/s" "$thr_rawsha MiB/s" "$r_pubsha" "-" "-"
  row "publish of the 1 MiB package vs its raw PutObject (fixed cost)" "$(ms "${R[inprocess.publish.small]}")" "$(ms "${R[inprocess.rawput.small]}")" "$(ratio "${R[inprocess.publish.small]}" "${R[inprocess.rawput.small]}")" "-" "-"
  row "**peak RSS**, package 2000 MiB zstd-3 (whole CLI, ${R[time2000]} wall)" "$rss_mb MB" "-" "-" "≤ 128 MB" "$(awk -v m="$rss_mb" 'BEGIN { print (m <= 128) ? "yes" : "**no**" }')"
  echo
  echo "In-process CPU time (all threads), package vs raw zstd-jni: zstd-3 1 worker $(sec "${R[inprocess.package.cpu.z3w1]}") vs"
  echo "$(sec "${R[inprocess.rawzstd.cpu.z3w1]}"), zstd-3 2 workers $(sec "${R[inprocess.package.cpu.z3w2]}") vs $(sec "${R[inprocess.rawzstd.cpu.z3w2]}"),"
  echo "zstd-19 2 workers $(sec "${R[inprocess.package.cpu.z19w2]}") vs $(sec "${R[inprocess.rawzstd.cpu.z19w2]}")."
  echo
  echo "Package sizes: zstd-3 ours $size3 bytes, rpmbuild $size3rb bytes; zstd-19 ours $size19 bytes, rpmbuild $size19rb bytes."
} > "$work/results.md"
cat "$work/results.md"
cp "$work/results.md" "$out_md"
log "written to $out_md"
