#!/usr/bin/env bash
# Load benchmark (issue 4, item 8): how many paced wss audio streams one core can generate, Chorus against Gatling.
#
#   bench/load/run.sh                                  # N = 50 200 500 1000 1500 2000, both tools, 20 s windows
#   NS="50 500" WINDOW_SECONDS=10 TOOLS=chorus bench/load/run.sh
#   NS="1000 2000" TOOLS="chorus chorus-nio" bench/load/run.sh   # epoll against NIO (chorus-<transport>)
#
# For every tool and N: LoadTarget on core TARGET_CORE (1), the generator on core GEN_CORE (0), N streams of one
# 20 ms JSON audio frame (640 bytes PCM16 16 kHz, base64) every 20 ms for SECONDS_PER_RUN. CPU and RSS of the
# generator come from /proc/<pid>/stat and /proc/<pid>/status over the steady window; arrivals from the target.
# Results: bench/load/results/<timestamp>/<tool>-<N>/ and table.md. Column meanings: bench/load/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NS="${NS:-50 200 500 1000 1500 2000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-auto}" # how long each stream lasts; auto = warm-up + tail + WINDOW_SECONDS
WINDOW_SECONDS="${WINDOW_SECONDS:-20}"   # the steady window SECONDS_PER_RUN=auto leaves
TOOLS="${TOOLS:-chorus gatling}"
COALESCE_US="${COALESCE_US:-150}"     # target waits this long between reads (capacity); 0 = immediate reads (jitter)
RAMP_MS="${RAMP_MS:-auto}"             # stream starts spread over this long; auto = max(2 s, 10 ms x N): 100 new
                                       # wss calls a second, so the first seconds are not all JIT and handshakes
WARMUP_MS="${WARMUP_MS:-auto}"         # from the first stream, histograms and the CPU window start after this;
                                       # auto = ramp + 8 s (TLS handshakes and JIT share the generator's one core)
TAIL_MS="${TAIL_MS:-1500}"             # CPU window ends this long before the first streams end
GEN_CORE="${GEN_CORE:-0}"
TARGET_CORE="${TARGET_CORE:-1}"
PORT="${PORT:-18443}"
# Both generators get the same JVM: a fixed heap with a 1 GB young generation, pre-touched, so neither pays for
# heap growth or a young collection copying every new session in the window.
GEN_JAVA_OPTS="${GEN_JAVA_OPTS:--XX:+UseParallelGC -Xms2g -Xmx2g -Xmn1g -XX:+AlwaysPreTouch}"
TRANSPORT="${TRANSPORT:-auto}"          # chorus run --transport: auto (epoll), epoll, nio
CHORUS_ARGS="${CHORUS_ARGS:-}"          # more chorus run options, e.g. --realtime-loops
# The sink allocates ~240 B per frame it decodes (12 MB/s at 1,000 streams): with a small young generation its own
# 15-85 ms young pauses every ~8 s showed up as every stream's arrival gap. 3 GB of young generation lasts the run.
TARGET_JAVA_OPTS="${TARGET_JAVA_OPTS:--XX:+UseParallelGC -Xms4g -Xmx4g -Xmn3g -XX:+AlwaysPreTouch}"
BASELINE_SECONDS="${BASELINE_SECONDS:-12}"
# Opt-in machine tuning for guests with the cpuidle-haltpoll driver (this Firecracker VM boots it with polling off):
# an idle vCPU polls this many ns before it halts, so a wake-up does not wait for the host to run the vCPU again.
# Needs root; the old value is put back when the script exits. Empty: leave the machine as it is.
HALT_POLL_NS="${HALT_POLL_NS:-}"
# Opt-in, root: this VM runs a DAMON monitor (kdamond, physical-address sampling for proactive pageout) that takes
# ~3.4 ms of CPU every 500 ms on whichever core it lands, at normal priority, so a paced event loop waiting behind it
# sends 2-4 ms late twice a second (perf sched, bench/load/README.md). 1: kdamond threads run SCHED_IDLE for the
# run (they still run in idle time; any other thread goes first) and go back to SCHED_OTHER at exit.
QUIET_KDAMOND="${QUIET_KDAMOND:-0}"
kdamonds() { pgrep -x 'kdamond\..*' || true; }   # its threads
halt_poll=/sys/module/haltpoll/parameters/guest_halt_poll_ns
jar="$root/bench/target/benchmarks.jar"
out="${OUT:-$root/bench/load/results/$(date +%Y%m%d-%H%M%S)}"
clk_tck="$(getconf CLK_TCK)"


# ---------------------------------------------------------------------------------------------------- build
if [ ! -f "$jar" ] || [ ! -f "$root/engine/target/chorus.jar" ] || \
   [ -n "$(find "$root/pom.xml" "$root/codecs" "$root/engine" "$root/bench" -newer "$jar" \
       \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -not -path '*/target/*' \
       -print -quit 2>/dev/null)" ]; then
  echo "run.sh: building bench (and engine) ..." >&2
  (cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
fi
touch "$root/engine/target/chorus.jar"   # the launcher must not rebuild while pinned to the generator core

mkdir -p "$out"
echo "run.sh: results in $out" >&2
old_halt_poll=""
quieted=""
restore_machine() {
  if [ -n "$old_halt_poll" ]; then echo "$old_halt_poll" > "$halt_poll"; fi
  for p in $quieted; do chrt -o -p 0 "$p" 2>/dev/null || true; done
}
trap restore_machine EXIT
if [ "$QUIET_KDAMOND" = 1 ]; then
  for p in $(kdamonds); do
    if chrt -i -p 0 "$p" 2>/dev/null; then quieted="$quieted $p"; fi
  done
  echo "run.sh: kdamond threads SCHED_IDLE for the run:${quieted:- none found or not permitted}" >&2
fi
if [ -n "$HALT_POLL_NS" ]; then
  if [ -w "$halt_poll" ]; then
    old_halt_poll="$(cat "$halt_poll")"
    echo "$HALT_POLL_NS" > "$halt_poll"
  else
    echo "run.sh: HALT_POLL_NS needs a writable $halt_poll (cpuidle-haltpoll guest, root); unset it" >&2
    exit 2
  fi
fi

# ---------------------------------------------------------------------------------------------------- helpers
# cpu_ticks PID -> "utime stime" (clock ticks; fields 14 and 15 of /proc/PID/stat, after the parenthesised name)
cpu_ticks() { sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{print $12, $13}'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
status_frames() { sed -n 's/^frames=//p' "$1/status" 2>/dev/null || true; }
now_ms() { date +%s%3N; }
steal_ticks() { awk '/^cpu / {print $9}' /proc/stat; }   # the host's steal from this VM, all cores (USER_HZ ticks)

wait_for() {   # wait_for SECONDS CMD... : polls every 50 ms
  local limit=$(( $1 * 20 )); shift
  local i=0
  until "$@"; do
    i=$((i + 1)); (( i < limit )) || return 1
    sleep 0.05
  done
}
has_frames() { local f; f="$(status_frames "$1")"; [ -n "$f" ] && (( f > 0 )); }

# run_one TOOL N SECONDS DIR
run_one() {
  local tool="$1" n="$2" secs="$3" dir="$4"
  local ramp_ms="$RAMP_MS" warmup_ms="$WARMUP_MS"
  [ "$ramp_ms" = auto ] && ramp_ms=$(( n * 10 > 2000 ? n * 10 : 2000 ))
  [ "$warmup_ms" = auto ] && warmup_ms=$(( ramp_ms + 8000 ))
  [ "$secs" = auto ] && secs=$(( (warmup_ms + TAIL_MS + 999) / 1000 + WINDOW_SECONDS ))
  if (( n > 1 && secs * 1000 <= warmup_ms + TAIL_MS + 1000 )); then
    echo "run.sh: SECONDS_PER_RUN=$secs leaves no steady window after a warm-up of $warmup_ms ms (N=$n)" >&2
    return 1
  fi
  (( n == 1 )) && warmup_ms=$(( secs * 1000 / 2 ))
  mkdir -p "$dir"
  rm -f "$dir/ca.pem" "$dir/status"
  taskset -c "$TARGET_CORE" java $TARGET_JAVA_OPTS -Xlog:gc:file="$dir/target-gc.log" -cp "$jar" dev.chorus.bench.load.LoadTarget \
      --port "$PORT" --ca-pem "$dir/ca.pem" --out "$dir" --coalesce-us "$COALESCE_US" \
      --warmup-ms "$warmup_ms" --window-ms "$(( secs * 1000 - warmup_ms - TAIL_MS ))" \
      > "$dir/target.log" 2>&1 &
  local tpid=$!
  if ! wait_for 60 test -f "$dir/ca.pem"; then
    echo "run.sh: target did not start, see $dir/target.log" >&2; kill -TERM "$tpid" 2>/dev/null || true; return 1
  fi

  local gpid
  local transport="$TRANSPORT"
  [[ "$tool" == chorus-* ]] && transport="${tool#chorus-}"   # TOOLS="chorus chorus-nio": both transports
  if [[ "$tool" == chorus* ]]; then
    cat > "$dir/agent.json" <<JSON
{"endpoint": "wss://127.0.0.1:$PORT/", "initialization_json": {"type": "init", "call": "{{call_id}}"},
 "trust_ca_file": "$dir/ca.pem"}
JSON
    # One case that only streams: a pause is silence frames in real time (CallSession sends a frame every chunk
    # whatever the step), then a hang-up at the slot after the last frame.
    cat > "$dir/tests.json" <<JSON
{"name": "load", "test_cases": [{"id": "stream", "script": [{"pause_ms": $((secs * 1000))}, {"hang_up": true}]}]}
JSON
    CHORUS_JAVA_OPTS="$GEN_JAVA_OPTS -Xlog:gc:file=$dir/generator-gc.log" taskset -c "$GEN_CORE" \
        "$root/chorus" run --agent "$dir/agent.json" --tests "$dir/tests.json" --concurrency "$n" --iterations "$n" \
        --ramp "${ramp_ms}ms" --transport "$transport" $CHORUS_ARGS --out "$dir/chorus" --quiet \
        > "$dir/generator.log" 2>&1 &
    gpid=$!
  else
    taskset -c "$GEN_CORE" java $GEN_JAVA_OPTS -Xlog:gc:file="$dir/generator-gc.log" \
        --add-opens java.base/java.lang=ALL-UNNAMED -cp "$jar" dev.chorus.bench.load.GatlingLoad \
        --url "wss://127.0.0.1:$PORT/" --ca-pem "$dir/ca.pem" --users "$n" --seconds "$secs" \
        --ramp-ms "$ramp_ms" --results "$dir/gatling" > "$dir/generator.log" 2>&1 &
    gpid=$!
  fi

  # Steady window (CPU here, histograms in the target): from the warm-up after the first frame to TAIL_MS before
  # the first streams end.
  local a_t a_f a_cpu a_tcpu a_steal b_t b_f b_cpu b_tcpu b_steal rss hwm window_ok=1
  if wait_for 120 has_frames "$dir"; then
    sleep "$(awk -v w="$warmup_ms" 'BEGIN {print w / 1000}')"
    a_t="$(now_ms)"; a_f="$(status_frames "$dir")"; a_cpu="$(cpu_ticks "$gpid" || echo "0 0")"
    a_tcpu="$(cpu_ticks "$tpid")"; a_steal="$(steal_ticks)"
    sleep "$(awk -v s="$secs" -v w="$warmup_ms" -v t="$TAIL_MS" 'BEGIN {print s - (w + t) / 1000}')"
    b_t="$(now_ms)"; b_f="$(status_frames "$dir")"; b_cpu="$(cpu_ticks "$gpid" || echo "0 0")"
    b_tcpu="$(cpu_ticks "$tpid")"; b_steal="$(steal_ticks)"
    rss="$(rss_kb "$gpid" || echo 0)"; hwm="$(hwm_kb "$gpid" || echo 0)"
    # RSS again once glibc has handed back its free pages (jcmd System.trim_native_heap, malloc_trim): handshakes
    # and JIT compilations leave ~15 MB of freed but resident arena pages after a ramp of 1,000 calls, which the raw
    # figure would charge to the streams. The heap is pre-touched, so this delta is what the streams hold off-heap.
    jcmd "$gpid" System.trim_native_heap > /dev/null 2>&1 || true
    rss_trimmed="$(rss_kb "$gpid" || echo 0)"
    # Live heap after a full GC (jcmd's class histogram forces one), once the CPU window has closed: what the
    # streams hold, free of how far the heap had grown with garbage (RSS is mostly that).
    jcmd "$gpid" GC.class_histogram > "$dir/heap-histogram.txt" 2>/dev/null || true
    heap_live="$(awk '/^Total/ {print int($3 / 1024)}' "$dir/heap-histogram.txt")"
  else
    window_ok=0; a_steal=0; b_steal=0; a_t=0; a_f=0; a_cpu="0 0"; a_tcpu="0 0"; b_t=0; b_f=0; b_cpu="0 0"; b_tcpu="0 0"; rss=0; hwm=0
    rss_trimmed=0; heap_live=0
    echo "run.sh: $tool N=$n: no frame arrived, see $dir/generator.log" >&2
  fi
  local gen_exit=0
  wait "$gpid" || gen_exit=$?
  kill -TERM "$tpid" 2>/dev/null || true
  wait "$tpid" || true

  local gen_errors=0
  if [[ "$tool" == chorus* ]]; then
    gen_errors="$(sed -n 's/^ *"failed" : \([0-9]*\).*/\1/p' "$dir/chorus/report.json" 2>/dev/null | head -1)"
  else
    # Gatling's last console block: "> Global  |  total |  OK |  KO"
    gen_errors="$(grep -E '^> Global' "$dir/generator.log" | tail -1 | awk -F'|' '{gsub(/[ ,]/, "", $4); print $4}')"
  fi
  cat > "$dir/run.properties" <<PROPS
tool=$tool
n=$n
seconds=$secs
coalesce_us=$COALESCE_US
ramp_ms=$ramp_ms
warmup_ms=$warmup_ms
window_ok=$window_ok
window_ms=$((b_t - a_t))
window_frames=$(( ${b_f:-0} - ${a_f:-0} ))
gen_utime_ticks=$(( $(echo "$b_cpu" | cut -d' ' -f1) - $(echo "$a_cpu" | cut -d' ' -f1) ))
gen_stime_ticks=$(( $(echo "$b_cpu" | cut -d' ' -f2) - $(echo "$a_cpu" | cut -d' ' -f2) ))
target_utime_ticks=$(( $(echo "$b_tcpu" | cut -d' ' -f1) - $(echo "$a_tcpu" | cut -d' ' -f1) ))
target_stime_ticks=$(( $(echo "$b_tcpu" | cut -d' ' -f2) - $(echo "$a_tcpu" | cut -d' ' -f2) ))
clk_tck=$clk_tck
steal_ticks=$(( ${b_steal:-0} - ${a_steal:-0} ))
gen_rss_kb=$rss
gen_hwm_kb=$hwm
gen_rss_trimmed_kb=${rss_trimmed:-0}
gen_heap_live_kb=${heap_live:-0}
transport=$transport
gen_exit=$gen_exit
gen_errors=${gen_errors:-unknown}
PROPS
  echo "run.sh: $tool N=$n done (generator exit $gen_exit, errors ${gen_errors:-unknown})" >&2
}

# ---------------------------------------------------------------------------------------------------- runs
{
  echo "started=$(date -Is)"
  echo "host=$(uname -n) cores=$(nproc) kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "ns=$NS seconds=$SECONDS_PER_RUN coalesce_us=$COALESCE_US ramp_ms=$RAMP_MS warmup_ms=$WARMUP_MS transport=$TRANSPORT"
  echo "guest_halt_poll_ns=$(cat "$halt_poll" 2>/dev/null || echo n/a)"
  echo "kdamond=$(for p in $(kdamonds); do printf '%s:%s ' "$p" "$(chrt -p "$p" 2>/dev/null | head -1 | sed 's/.*: //')"; done)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other_processes_top:"; ps -eo pcpu,comm --sort=-pcpu | head -8
} > "$out/environment.txt"

for tool in $TOOLS; do
  # RSS baseline: one stream (N=0 cannot be asked of either tool), subtracted from every N of this tool.
  run_one "$tool" 1 "$BASELINE_SECONDS" "$out/$tool-baseline"
  for n in $NS; do
    run_one "$tool" "$n" "$SECONDS_PER_RUN" "$out/$tool-$n"
  done
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/environment.txt"

java -cp "$jar" dev.chorus.bench.load.LoadReport "$out" | tee "$out/table.md"
