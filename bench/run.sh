#!/usr/bin/env bash
# Benchmark harness (issue 15): one run, one input, every ratio against a baseline measured in the same run, at
# equal thread counts. Builds what it needs, makes the inputs in a private temp dir, prints a markdown table and
# writes it to bench/results.md. Needs: rpmbuild, rpmsign, rpm, rpmkeys, gpg, /usr/bin/time, zip/unzip.
# Environment: BENCH_RUNS (default 7: alternating pairs per comparison), BENCH_SKIP_BUILD=1,
# BENCH_SKIP_LEVELS=1 (skip the compression-level table, ~3 min), BENCH_E2E_RUNS (default 3: main-job pairs;
# 0 skips the end-to-end row, which needs root and podman as scripts/main-job.sh does), BENCH_ONLY_E2E=1 (only that
# row, printed as one line; no inputs, no table).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${BENCH_RUNS:-7}"
out_md="$here/bench/results.md"
for tool in rpmbuild rpmsign rpm rpmkeys gpg zip unzip awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y rpm gnupg zip unzip gawk)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }

work="$(mktemp -d /tmp/rpm-release-bench.XXXXXX)"   # 0700: holds the throw-away signing key
cleanup() { gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "bench: $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
timed() { # CMD... → seconds on stdout, the command's output discarded; fails the bench if the command fails
  local s e
  s="$(now)"; "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }; e="$(now)"
  secs "$s" "$e"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) printf "%.4f", a[(NR + 1) / 2]; else printf "%.4f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
median2() { median | awk '{ printf "%.2f", $1 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a + b }'; }
declare -A R
started="$(date -u +%FT%TZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- build --------------------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building (./mvnw -q -B -Pbench -DskipTests package)"
  (cd "$here" && ./mvnw -q -B -Pbench -DskipTests package >&2)
fi
"$here/rpm-release" --version >/dev/null   # prepares the launcher's fast start (CDS archive) if needed
bench_java=(java -cp "$here/bench/target/bench.jar:$here/bench/target/lib/*" io.avalanche.rpm.bench.Bench)

if [ "${BENCH_ONLY_E2E:-0}" != 1 ]; then   # the end-to-end row alone needs none of the inputs below
# ---- inputs -------------------------------------------------------------------------------------------------
# 100 MiB of real, compressible binaries (an avalanchego-sized ELF payload): the ELF files among /usr/bin/* and
# /usr/lib/jvm/**/lib/*.so, in byte-sorted path order, concatenated and cut at 100 MiB. 2000 MiB = it 20 times.
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

# ---- signing key (throw-away RSA-4096, in the 0700 work dir) -------------------------------------------------
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'rpm-release bench <bench@example.invalid>' \
  rsa4096 sign never 2>/dev/null
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --armor --export-secret-keys bench@example.invalid > "$work/secret.asc"
gpg --batch --quiet --armor --export bench@example.invalid > "$work/pub.asc"
mkdir "$work/rpmdb"
rpmkeys --dbpath "$work/rpmdb" --import "$work/pub.asc"

# ---- commands (argument lists; the baseline scripts are written with printf %q) -------------------------------
cli="$here/rpm-release"
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
rb_rpm="$work/rpmbuild/RPMS/x86_64/benchpkg-1.0-1.x86_64.rpm"
ours_pkg() { # LEVEL WORKERS INPUT OUTDIR [more args]
  local level="$1" workers="$2" input="$3" outdir="$4"; shift 4
  "$cli" package --name benchpkg --version 1.0 --arch x86_64 --file "$input:/opt/bench/payload.bin:0644" \
    --compression "zstd:$level" --workers "$workers" --out "$outdir" "$@"
}

# baseline package + sign as processes: rpmbuild (TNAME payload macro), then rpmsign on a fresh copy (the copy is
# not timed); prints the sum. Also the script PackageSign runs between its in-process runs.
baseline_script() { # PAYLOAD_MACRO SCRIPT
  {
    echo 'set -euo pipefail'
    printf 'export GNUPGHOME=%q\n' "$GNUPGHOME"
    printf 's=$EPOCHREALTIME; '; printf '%q ' rpmbuild -bb --quiet --define "_topdir $work/rpmbuild" \
      --define "_sourcedir $work" --define "_binary_payload $1" --define 'debug_package %{nil}' \
      --define '__os_install_post %{nil}' --define '_build_id_links none' "$work/bench.spec"; echo '>/dev/null 2>&1; e=$EPOCHREALTIME'
    printf '%q ' cp "$rb_rpm" "$work/rb-sign.rpm"; echo
    printf 's2=$EPOCHREALTIME; '; printf '%q ' rpmsign --addsign --define '__gpg /usr/bin/gpg' \
      --define '_gpg_name bench@example.invalid' "$work/rb-sign.rpm"; echo '>/dev/null 2>&1; e2=$EPOCHREALTIME'
    echo 'awk -v a="$s" -v b="$e" -v c="$s2" -v d="$e2" '"'"'BEGIN { printf "BASE %.4f\nBUILD %.4f\nSIGN %.4f\n", b - a + d - c, b - a, d - c }'"'"
  } > "$2"
}
baseline_script w3T2.zstdio "$work/base-t2.sh"
baseline_script w3.zstdio "$work/base-t1.sh"
base_run() { bash "$1"; }   # prints BASE/BUILD/SIGN lines

# pairs NAME RUNS BASELINE_SCRIPT OURS_CMD...: alternating ours / baseline-script runs after one warm-up each;
# R[NAME.ours], R[NAME.base] medians, R[NAME.pairs] the per-pair ratios, R[NAME.ratio] their median
pairs_vs_script() {
  local name="$1" n="$2" script="$3"; shift 3
  local o b ratios="" os="" bs="" i
  rm -rf "$work/p-$name"; timed "$@" >/dev/null; base_run "$script" >/dev/null
  for ((i = 0; i < n; i++)); do
    rm -rf "$work/p-$name"
    o="$(timed "$@")"
    b="$(base_run "$script" | awk '/^BASE/ { print $2 }')"
    os="$os $o"; bs="$bs $b"; ratios="$ratios $(div "$o" "$b")"
  done
  R[$name.ours]="$(echo "$os" | median)"; R[$name.base]="$(echo "$bs" | median)"
  R[$name.pairs]="${ratios# }"; R[$name.ratio]="$(echo "$ratios" | median2)"
}
# pairs_cmds NAME RUNS -- OURS... -- BASE...: the same for two commands
pairs_cmds() {
  local name="$1" n="$2"; shift 3
  local a=() b=() o t ratios="" os="" bs="" i
  while [ "$1" != -- ]; do a+=("$1"); shift; done; shift
  b=("$@")
  timed "${a[@]}" >/dev/null; timed "${b[@]}" >/dev/null
  for ((i = 0; i < n; i++)); do
    o="$(timed "${a[@]}")"; t="$(timed "${b[@]}")"
    os="$os $o"; bs="$bs $t"; ratios="$ratios $(div "$o" "$t")"
  done
  R[$name.ours]="$(echo "$os" | median)"; R[$name.base]="$(echo "$bs" | median)"
  R[$name.pairs]="${ratios# }"; R[$name.ratio]="$(echo "$ratios" | median2)"
}
results() { while read -r tag key secs _; do [ "$tag" = RESULT ] && echo "$key $secs"; done; }

fi

# ---- 0. the main job end to end, against the sum of its unavoidable parts --------------------------------------
# The parts: compiling both programs for both arches (the build scripts, run directly), and the four validation
# containers (x86_64 and aarch64, before and after publishing) each doing only its real work in one docker run:
# start, rpm --import, rpm -K, rpm -ivh, both --version (aarch64 under qemu-user); the two arches of a phase at
# the same time, as the main job validates them. Everything else the main job does
# is the tool's own overhead: overhead / wall time is the ratio.
e2e_runs="${BENCH_E2E_RUNS:-3}"
e2e_why=""
if [ "$e2e_runs" = 0 ]; then e2e_why="BENCH_E2E_RUNS=0"
elif [ "$(id -u)" != 0 ] || ! command -v podman >/dev/null || ! command -v docker >/dev/null; then
  e2e_why="needs root, podman and the docker CLI (scripts/install-deps.sh)"
fi
e2e_parts() { # SOURCE RELEASE_DIR: prints "COMPILE s" and "CONTAINERS s"
  local src="$1" rel="$2" host foreign fcc fgo commit when s e s2 e2 darch a phase
  host="$(uname -m)"; case "$host" in x86_64) foreign=aarch64; fgo=arm64 ;; *) foreign=x86_64; fgo=amd64 ;; esac
  fcc="$foreign-linux-gnu-gcc"
  commit="$(git -C "$src" rev-parse HEAD)"; when="$(git -C "$src" log -1 --format=%ct HEAD)"
  local build=(env SOURCE_DATE_EPOCH="$when" AVALANCHEGO_COMMIT="$commit" GOFLAGS=-buildvcs=false)
  s="$(now)"
  (cd "$src" && "${build[@]}" ./scripts/build.sh && cd graft/subnet-evm && "${build[@]}" ./scripts/build.sh "$src/build/subnet-evm") >/dev/null 2>&1
  (cd "$src" && "${build[@]}" GOOS=linux GOARCH="$fgo" CGO_ENABLED=1 CC="$fcc" ./scripts/build.sh \
    && cd graft/subnet-evm && "${build[@]}" GOOS=linux GOARCH="$fgo" CGO_ENABLED=1 CC="$fcc" ./scripts/build.sh "$src/build/subnet-evm") \
    >/dev/null 2>&1 || { echo "bench: compiling the sample failed" >&2; exit 1; }
  e="$(now)"
  s2="$(now)"
  for phase in before after; do   # the two arches of a phase at the same time, as release runs them
    for a in x86_64 aarch64; do
      case "$a" in x86_64) darch=amd64 ;; *) darch=arm64 ;; esac
      # no --rm: removing a container costs 0.3-1 s after it ends, and validation removes its own off the critical
      # path too (ContainerTarget.close); these are removed after the timed part
      docker run --name "rpm-release-bench-$phase-$a-$$" --network=none --platform "linux/$darch" -v "$rel:/rpms:ro" \
        "localhost/rpm-release-target:latest-$darch" \
        sh -c 'rpm --import /rpms/RPM-GPG-KEY-avalanchego && rpm -K /rpms/*-"$1".rpm \
          && rpm -ivh --define "_pkgverify_level signature" /rpms/*-"$1".rpm \
          && /var/opt/avalanchego/bin/avalanchego --version && for p in /var/opt/avalanchego/plugins/*; do "$p" --version; done' \
        sh "$a" > "$work/e2e-container-$a.txt" 2>&1 &
    done
    wait
    for a in x86_64 aarch64; do
      grep -q 'avalanchego/' "$work/e2e-container-$a.txt" \
        || { cat "$work/e2e-container-$a.txt" >&2; echo "bench: container part failed" >&2; exit 1; }
    done
  done
  e2="$(now)"
  docker rm -f "rpm-release-bench-before-x86_64-$$" "rpm-release-bench-before-aarch64-$$" \
    "rpm-release-bench-after-x86_64-$$" "rpm-release-bench-after-aarch64-$$" >/dev/null 2>&1 || true
  echo "COMPILE $(secs "$s" "$e")"; echo "CONTAINERS $(secs "$s2" "$e2")"
}
engine_left() { # LOG: engine processes (conmon and others) still naming a validation container of that main-job log
  local names n=0 pid
  names="$(grep -o 'rpm-release-validate-[0-9a-f]*' "$1" | sort -u)"
  [ -n "$names" ] || { echo 0; return; }
  for pid in $(pgrep -x conmon || true); do
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$names"; then n=$((n + 1)); fi
  done
  echo "$n"
}
if [ -z "$e2e_why" ]; then
  log "end to end: scripts/main-job.sh vs its unavoidable parts (compile, 4 validation containers), $e2e_runs pairs"
  mj="$work/mj"
  eval "$("$here/scripts/podman-env.sh" start)"   # the docker CLI of the container parts talks to this service
  "$here/scripts/main-job.sh" "$mj" > "$work/mj-warm.log" 2>&1 || { tail -20 "$work/mj-warm.log" >&2; exit 1; }
  e2e_parts "$mj/source" "$mj/release" >/dev/null
  ws=""; ps_=""; cs=""; ks=""; ratios=""; leftover=0
  for ((i = 0; i < e2e_runs; i++)); do
    s="$(now)"; t0="${s/./}"
    "$here/scripts/main-job.sh" "$mj" 2>&1 | while IFS= read -r l; do   # each line with its time since the start
      t="${EPOCHREALTIME/./}"; printf '%3d.%02d %s\n' $(((t - t0) / 1000000)) $(((t - t0) / 10000 % 100)) "$l"
    done > "$work/mj.log"
    e="$(now)"
    grep -q 'RELEASE OK' "$work/mj.log" || { tail -20 "$work/mj.log" >&2; exit 1; }
    w="$(secs "$s" "$e")"
    sleep 5   # a container's monitor process ends a moment after its container
    leftover=$((leftover + $(engine_left "$work/mj.log")))
    parts="$(e2e_parts "$mj/source" "$mj/release")"
    c="$(awk '/^COMPILE/ { print $2 }' <<<"$parts")"; k="$(awk '/^CONTAINERS/ { print $2 }' <<<"$parts")"
    u="$(add "$c" "$k")"
    ws="$ws $w"; cs="$cs $c"; ks="$ks $k"; ps_="$ps_ $u"
    ratios="$ratios $(awk -v w="$w" -v u="$u" 'BEGIN { printf "%.2f", (w - u) / w }')"
  done
  R[e2e.wall]="$(echo "$ws" | median)"; R[e2e.parts]="$(echo "$ps_" | median)"
  R[e2e.compile]="$(echo "$cs" | median)"; R[e2e.containers]="$(echo "$ks" | median)"
  R[e2e.pairs]="${ratios# }"; R[e2e.ratio]="$(echo "$ratios" | median2)"; R[e2e.conmon]="$leftover"
  R[e2e.walls]="${ws# }"
  grep -E '^ *[0-9.]+ (== |install-deps|signing key|RELEASE|PASSED|FAILED|repository metadata)' "$work/mj.log" \
    | cut -c1-140 > "$work/mj-summary.txt" || true
else
  log "end to end: not measured ($e2e_why)"
fi

if [ "${BENCH_ONLY_E2E:-0}" = 1 ]; then
  [ -n "${R[e2e.ratio]:-}" ] || { echo "bench: the end-to-end row was not measured ($e2e_why)" >&2; exit 1; }
  echo "main job end to end: wall ${R[e2e.walls]} s (median ${R[e2e.wall]}), unavoidable parts$ps_ s (compile" \
    "${R[e2e.compile]}, containers ${R[e2e.containers]}), overhead/wall ${R[e2e.ratio]} (pairs ${R[e2e.pairs]})," \
    "engine processes left ${R[e2e.conmon]}; load at the start $load_start"
  exit 0
fi

# ---- 1. package + sign, whole processes, zstd-3, 2 workers each ----------------------------------------------
log "whole process: package --key (2 zstd workers) vs rpmbuild w3T2.zstdio + rpmsign, $runs alternating pairs"
pairs_vs_script pk2 "$runs" "$work/base-t2.sh" ours_pkg 3 2 "$work/in100.bin" "$work/p-pk2" --key "$work/secret.asc"
rpm --dbpath "$work/rpmdb" -K "$work/p-pk2/benchpkg-1.0-1.x86_64.rpm" >&2
size3="$(stat -c %s "$work/p-pk2/benchpkg-1.0-1.x86_64.rpm")"; size3rb="$(stat -c %s "$work/rb-sign.rpm")"
cp "$work/p-pk2/benchpkg-1.0-1.x86_64.rpm" "$work/ours3.rpm"
bash "$work/base-t2.sh" > "$work/base-split.txt"   # one more baseline run, split into its build and sign parts
R[split.build]="$(awk '/^BUILD/ { print $2 }' "$work/base-split.txt")"; R[split.sign]="$(awk '/^SIGN/ { print $2 }' "$work/base-split.txt")"

log "whole process: the same with one zstd thread each (--workers 1 vs w3.zstdio), $runs pairs"
pairs_vs_script pk1 "$runs" "$work/base-t1.sh" ours_pkg 3 1 "$work/in100.bin" "$work/p-pk1" --key "$work/secret.asc"

log "profile of one package --key run (RPM_RELEASE_PROFILE=1)"
rm -rf "$work/prof"
RPM_RELEASE_PROFILE=1 ours_pkg 3 2 "$work/in100.bin" "$work/prof" --key "$work/secret.asc" 2>&1 >/dev/null \
  | grep '^profile:' | sed 's/^profile: //' > "$work/profile.txt"

# ---- 2. package + sign in one JVM (release, Jenkins steps) vs the same baseline ------------------------------
log "in process: RpmWriter.write signing while writing (2 workers) vs rpmbuild T2 + rpmsign processes, $runs pairs"
"${bench_java[@]}" packagesign "$work/in100.bin" "$work/secret.asc" 3 2 "$runs" "$work/inproc" "$work/base-t2.sh" \
  > "$work/packagesign.txt"
R[ip.ours]="$(results < "$work/packagesign.txt" | awk '$1 == "inprocess.packagesign" { print $2 }')"
R[ip.base]="$(results < "$work/packagesign.txt" | awk '$1 == "inprocess.packagesign.base" { print $2 }')"
R[ip.pairs]="$(results < "$work/packagesign.txt" | awk '$1 ~ /^inprocess.packagesign.pair/ { printf "%s%.2f", sep, $2; sep = " " }')"
R[ip.ratio]="$(echo "${R[ip.pairs]}" | median2)"
rm -rf "$work/inproc"

log "in process: RpmWriter.write vs raw zstd-jni (writer overhead, 2 workers)"
while read -r k v; do R[$k]="$v"; done < <("${bench_java[@]}" inprocess "$work/in100.bin" 3 2 "$runs" 1 "$work/inproc" | results)
rm -rf "$work/inproc"

# ---- 3. verify, whole processes ------------------------------------------------------------------------------
log "whole process: verify vs rpm -K, $runs pairs"
pairs_cmds verify "$runs" -- "$cli" verify --key "$work/pub.asc" "$work/ours3.rpm" -- rpm --dbpath "$work/rpmdb" -K "$work/ours3.rpm"
RPM_RELEASE_PROFILE=1 "$cli" verify --key "$work/pub.asc" "$work/ours3.rpm" 2>&1 >/dev/null | grep '^profile:' \
  | sed 's/^profile: //' > "$work/profile-verify.txt"

# ---- 4. publish ------------------------------------------------------------------------------------------------
log "in process: publish to S3Proxy vs raw PutObject"
mkdir "$work/release"
cp "$work/ours3.rpm" "$work/release/benchpkg-1.0-1.x86_64.rpm"; cp "$work/pub.asc" "$work/release/RPM-GPG-KEY-avalanchego"
"${bench_java[@]}" publish "$work/release" "$work/release/benchpkg-1.0-1.x86_64.rpm" "$runs" 2> "$work/publish.err" \
  > "$work/publish.txt" || log "publish FAILED (row not measured): $(tail -3 "$work/publish.err")"
while read -r k v; do R[$k]="$v"; done < <(results < "$work/publish.txt")
R[pub.pairs]="$(results < "$work/publish.txt" | awk '$1 ~ /^inprocess.publish.pair/ { printf "%s%.2f", sep, $2; sep = " " }')"
log "in process: publish one package into an empty repository vs one of 1,000 packages"
for i in $(seq 0 "$runs"); do   # one signed package per run (a published name is taken forever), the warm-up too
  "$cli" package --name benchpkg --version "1.$i" --arch x86_64 --file "$work/in1.bin:/opt/bench/payload.bin:0644" \
    --compression zstd:3 --workers 1 --out "$work/small" --key "$work/secret.asc" >/dev/null 2>&1
done
"${bench_java[@]}" publish-scale "$work/small" "$work/pub.asc" "$runs" 2> "$work/scale.err" \
  > "$work/scale.txt" || log "publish-scale FAILED (row not measured): $(tail -3 "$work/scale.err")"
while read -r k v; do R[$k]="$v"; done < <(results < "$work/scale.txt")
R[scale.pairs]="$(results < "$work/scale.txt" | awk '$1 ~ /^inprocess.publish.scale.pair/ { printf "%s%.2f", sep, $2; sep = " " }')"

# ---- 5. peak RSS: 2000 MiB at zstd-3 through the CLI -------------------------------------------------------------
rss() { # NAME ARGS... : peak RSS (KiB) and wall time of one whole CLI run
  local name="$1"; shift
  /usr/bin/time -v "$@" >/dev/null 2> "$work/time-$name.txt" || { cat "$work/time-$name.txt" >&2; exit 1; }
  R[$name.rss]="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time-$name.txt")"
  R[$name.wall]="$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time-$name.txt")"
}
log "peak RSS: package 2000 MiB at zstd-3 (whole CLI process), unsigned and with --key"
pkg2000=("$cli" package --name benchpkg --version 1.0 --arch x86_64 --file "$work/in2000.bin:/opt/bench/payload.bin:0644"
  --compression zstd:3 --workers 2 --out "$work/o2000")
rss rss2000 "${pkg2000[@]}"; rm -rf "$work/o2000"
rss rss2000k "${pkg2000[@]}" --key "$work/secret.asc"; rm -rf "$work/o2000"

# ---- 6. compression levels: size and time on the 100 MiB ELF payload ---------------------------------------------
levels=()
if [ "${BENCH_SKIP_LEVELS:-0}" != 1 ]; then
  log "compression table: zstd 3/9/15/19 (2 workers) and xz (whole package, 1 run each; zstd-19 takes ~1 min)"
  for c in zstd:3 zstd:9 zstd:15 zstd:19 xz:2 xz:6; do
    rm -rf "$work/lvl"
    t="$(timed "$cli" package --name benchpkg --version 1.0 --arch x86_64 --file "$work/in100.bin:/opt/bench/payload.bin:0644" \
      --compression "$c" --workers 2 --out "$work/lvl")"
    levels+=("$c $t $(stat -c %s "$work/lvl/benchpkg-1.0-1.x86_64.rpm")")
  done
  rm -rf "$work/lvl"
fi
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- table --------------------------------------------------------------------------------------------------------
sec() { awk -v s="$1" 'BEGIN { printf "%.3f s", s }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
met() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r == "") { print "**not measured**"; exit } ok = (op == "<=") ? (r <= t) : (r >= t); print ok ? "yes" : "**no**" }'; }
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
r_pub=""; thr_ours=""; thr_raw=""
if [ -n "${R[inprocess.publish]:-}" ] && [ -n "${R[inprocess.rawput]:-}" ]; then
  r_pub="$(div "${R[inprocess.rawput]}" "${R[inprocess.publish]}")"
  thr_ours="$(awk -v b="$size3" -v s="${R[inprocess.publish]}" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
  thr_raw="$(awk -v b="$size3" -v s="${R[inprocess.rawput]}" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
fi
r_scale=""
if [ -n "${R[inprocess.publish.repo1000]:-}" ] && [ -n "${R[inprocess.publish.empty]:-}" ]; then
  r_scale="$(div "${R[inprocess.publish.repo1000]}" "${R[inprocess.publish.empty]}")"
fi
rss_mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
scale_met() { # MEDIAN "PAIRS": median ≤ 1.30 and the worst pair ≤ 2
  [ -n "$1" ] || { echo "**not measured**"; return; }
  awk -v m="$1" -v p="$2" 'BEGIN { n = split(p, a, " "); w = 0; for (i = 1; i <= n; i++) if (a[i] > w) w = a[i]
    print (m <= 1.30 && w <= 2) ? "yes" : "**no**" }'
}
{
  echo "# rpm-release benchmark results"
  echo
  echo "One run of \`bench/run.sh\` ($started, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"
  echo "load average at start $load_start, at end $load_end; $(java -version 2>&1 | head -1); $(rpm --version); $(rpmbuild --version | head -1 | sed 's/RPM version/rpmbuild/'))."
  echo "Input: the first 100 MiB of the $in_files ELF files among \`/usr/bin/*\` and \`/usr/lib/jvm/**/lib/*.so\`, in"
  echo "byte-sorted path order, concatenated (sha256 $in_sha…); 1 MiB = its first MiB; 2000 MiB = it 20 times. Key: RSA-4096."
  echo "Comparisons run as **alternating pairs** (ours, then the baseline; $runs pairs after one warm-up each); the ratio is"
  echo "the median of the per-pair ratios ours / baseline (publish: throughput ours / raw), which are listed. Whole-process"
  echo "times include process start-up. **Threads:** ours \`--workers N\` = N zstd worker threads (plus the reading and"
  echo "hashing threads); rpmbuild \`wNTk.zstdio\` = k zstd worker threads (plus its main thread, which reads and hashes)."
  echo
  row measure ours baseline ratio target "met?"
  row --- ---: ---: ---: --- ---
  if [ -n "${R[e2e.ratio]:-}" ]; then
    row "**main job end to end** (\`scripts/main-job.sh\`: x86_64 + aarch64, build, sign, 4 validations, publish): wall time vs the sum of its unavoidable parts (compile $(sec "${R[e2e.compile]}"), 4 validation containers, the two arches of a phase at once, incl. emulation and rpm install $(sec "${R[e2e.containers]}")); ratio = tool overhead / wall time" \
      "$(sec "${R[e2e.wall]}") (runs ${R[e2e.walls]})" "$(sec "${R[e2e.parts]}")" "**${R[e2e.ratio]}** (pairs ${R[e2e.pairs]})" "≤ 0.20" "$(met "${R[e2e.ratio]}" "<=" 0.20)"
    row "engine processes (conmon) left after the main job's validations, all $e2e_runs runs" "${R[e2e.conmon]}" "-" "-" "0" \
      "$( [ "${R[e2e.conmon]}" = 0 ] && echo yes || echo '**no**')"
  else
    row "**main job end to end**" "not measured: $e2e_why" "-" "-" "≤ 0.20" "**not measured**"
  fi
  row "**package + sign**, zstd-3, **2 zstd workers each**: \`package --key\` (one process) vs \`rpmbuild w3T2.zstdio\` + \`rpmsign --addsign\` (two processes)" \
    "$(sec "${R[pk2.ours]}")" "$(sec "${R[pk2.base]}")" "**${R[pk2.ratio]}** (pairs ${R[pk2.pairs]})" "≤ 0.90" "$(met "${R[pk2.ratio]}" "<=" 0.90)"
  row "package + sign, zstd-3, **1 zstd thread each** (\`--workers 1\` vs \`w3.zstdio\`)" \
    "$(sec "${R[pk1.ours]}")" "$(sec "${R[pk1.base]}")" "${R[pk1.ratio]} (pairs ${R[pk1.pairs]})" "-" "-"
  row "**package + sign in one JVM** (release, Jenkins steps; warm), 2 workers, vs rpmbuild T2 + rpmsign processes" \
    "$(sec "${R[ip.ours]}")" "$(sec "${R[ip.base]}")" "**${R[ip.ratio]}** (pairs ${R[ip.pairs]})" "≤ 0.50" "$(met "${R[ip.ratio]}" "<=" 0.50)"
  row "in one JVM: RpmWriter.write (unsigned) vs raw zstd-jni, same bytes and parameters, 2 workers" \
    "$(sec "${R[inprocess.package]}")" "$(sec "${R[inprocess.rawzstd]}")" "$(div "${R[inprocess.package]}" "${R[inprocess.rawzstd]}")" "-" "-"
  row "**verify** $(mib "$size3") package (whole process) vs \`rpm -K\`" \
    "$(sec "${R[verify.ours]}")" "$(sec "${R[verify.base]}")" "**${R[verify.ratio]}** (pairs ${R[verify.pairs]})" "≤ 3.00" "$(met "${R[verify.ratio]}" "<=" 3.00)"
  row "**publish** $(mib "$size3") package to S3Proxy (in one JVM) vs raw \`PutObject\` of its bytes, throughput" \
    "${thr_ours:-?} MiB/s" "${thr_raw:-?} MiB/s" "**${r_pub:-?}**${R[pub.pairs]:+ (pairs ${R[pub.pairs]})}" "≥ 0.80" "$(met "$r_pub" ">=" 0.80)"
  row "**publish one package into a repository of 1,000** vs into an empty one" \
    "$(ms "${R[inprocess.publish.repo1000]:-0}")" "$(ms "${R[inprocess.publish.empty]:-0}")" \
    "**${r_scale:-?}**${R[scale.pairs]:+ (pairs ${R[scale.pairs]})}" "≤ 1.30, worst pair ≤ 2" \
    "$(scale_met "$r_scale" "${R[scale.pairs]:-}")"
  row "**peak RSS**, package 2000 MiB zstd-3, 2 workers (whole CLI, ${R[rss2000.wall]} wall)" "$(rss_mb "${R[rss2000.rss]}") MiB" "-" "-" "≤ 128 MB" \
    "$(awk -v k="${R[rss2000.rss]}" 'BEGIN { print (k * 1024 <= 128e6) ? "yes" : "**no**" }')"
  row "peak RSS, the same with \`--key\` (${R[rss2000k.wall]} wall)" "$(rss_mb "${R[rss2000k.rss]}") MiB" "-" "-" "-" "-"
  echo
  echo "Baseline split (one more run): rpmbuild $(sec "${R[split.build]}"), rpmsign $(sec "${R[split.sign]}")."
  if [ -s "$work/mj-summary.txt" ]; then
    echo
    echo "The last main job's stages (seconds since it started):"
    echo
    echo '```'
    cat "$work/mj-summary.txt"
    echo '```'
  fi
  echo "Package sizes at zstd-3: ours $size3 bytes, rpmbuild $size3rb bytes."
  echo
  echo "Where one \`package --key\` run spends its time (\`RPM_RELEASE_PROFILE=1\`; ms since JVM start, ms in the phase,"
  echo "[thread]; the launcher and JVM start before \"main\" are not included):"
  echo
  echo '```'
  cat "$work/profile.txt"
  echo '```'
  echo
  echo "One \`verify\` run:"
  echo
  echo '```'
  cat "$work/profile-verify.txt"
  echo '```'
  if [ "${#levels[@]}" -gt 0 ]; then
    echo
    echo "### Compression levels (100 MiB ELF payload, whole \`package\` process, 2 workers, 1 run each)"
    echo
    echo "| compression | time | package size | of input | MiB/s in |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for l in "${levels[@]}"; do
      set -- $l
      printf '| %s | %s | %s | %s | %s |\n' "$1" "$(sec "$2")" "$(mib "$3")" \
        "$(awk -v s="$3" 'BEGIN { printf "%.1f %%", s * 100 / 104857600 }')" "$(awk -v t="$2" 'BEGIN { printf "%.0f", 100 / t }')"
    done
  fi
} > "$work/results.md"
cat "$work/results.md"
cp "$work/results.md" "$out_md"
log "written to $out_md"
