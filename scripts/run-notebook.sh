#!/usr/bin/env bash
# Executes a notebook headless and saves it with its outputs:
#
#   scripts/run-notebook.sh IN.ipynb OUT.ipynb [KERNEL]
#
# KERNEL defaults to the notebook's own kernelspec (ead4j-java, see scripts/install-jupyter-kernel.sh);
# set JUPYTER_PATH=<repo>/target/jupyter when the kernel was installed there (the default).
#
# rapaio-jupyter-kernel 3.0.1 sometimes never answers kernel_info at startup (a race in the kernel,
# see the notebooks note). Only those startup failures are retried, up to EAD4J_NB_TRIES (5) times;
# a cell error, compile error or failed assertion ends the run at once with nbconvert's exit code.
# The kernel manager in scripts/nbclient/ waits until the kernel has bound its ports, so the
# startup timeout only covers the kernel_info answer and a hung start costs seconds, not minutes.
# Environment: EAD4J_NB_STARTUP_TIMEOUT (s after the bind, 10), EAD4J_NB_CELL_TIMEOUT (s, 600),
# EAD4J_NB_RUN_TIMEOUT (s per try, 900), EAD4J_JUPYTER (/usr/bin/jupyter).
# Exit codes: nbconvert's (0 ok, 1 cell error ...); 2 bad arguments or Jupyter missing;
# 124 a try ran past EAD4J_NB_RUN_TIMEOUT.
set -uo pipefail

die() { echo "run-notebook: $2" >&2; exit "$1"; }

[[ $# -ge 2 && $# -le 3 ]] || die 2 "usage: run-notebook.sh IN.ipynb OUT.ipynb [KERNEL]"
IN="$1"; OUT="$2"; KERNEL="${3:-}"
JUPYTER="${EAD4J_JUPYTER:-/usr/bin/jupyter}"
TRIES="${EAD4J_NB_TRIES:-5}"
STARTUP_TIMEOUT="${EAD4J_NB_STARTUP_TIMEOUT:-10}"
CELL_TIMEOUT="${EAD4J_NB_CELL_TIMEOUT:-600}"
RUN_TIMEOUT="${EAD4J_NB_RUN_TIMEOUT:-900}"

[[ -f "$IN" ]] || die 2 "notebook '$IN' not found"
[[ -x "$JUPYTER" ]] || die 2 "Jupyter not found at $JUPYTER. Install Debian's Jupyter (as root):
  apt-get update && apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client python3-nbclient python3-nbformat jupyter-core"

OUT_DIR="$(dirname "$OUT")"
mkdir -p "$OUT_DIR" || die 2 "cannot create $OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
OUT_NAME="$(basename "$OUT")"
LOG="$OUT_DIR/${OUT_NAME%.ipynb}.log"
rm -f "$LOG" "${LOG%.log}".try*.log
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PYTHONPATH="$SCRIPTS/nbclient${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in scripts/nbclient

# Every process started for this run (nbconvert and the kernel it launches) inherits this marker,
# so leftovers of a timed-out or hung try are found by it and ended by their ids.
export EAD4J_NB_RUN_ID="nb-$$-$RANDOM$RANDOM"
cleanup() {
  local p pid
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [[ "$pid" == "$$" ]] && continue
    if { tr '\0' '\n' < "$p/environ"; } 2>/dev/null | grep -qx "EAD4J_NB_RUN_ID=$EAD4J_NB_RUN_ID"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

ARGS=(nbconvert --to notebook --execute "$IN" --output-dir "$OUT_DIR" --output "$OUT_NAME"
      --ExecutePreprocessor.startup_timeout="$STARTUP_TIMEOUT" --ExecutePreprocessor.timeout="$CELL_TIMEOUT"
      --ExecutePreprocessor.kernel_manager_class=ead4j_kernel_manager.Ead4jKernelManager)
[[ -n "$KERNEL" ]] && ARGS+=(--ExecutePreprocessor.kernel_name="$KERNEL")

# the log without rapaio's "Add <jar> to classpath" lines (one per jar)
show_log() { grep -vE '^(Add .* to classpath|Parsing classpath: )' "$LOG" >&2; }

rc=1
for ((try = 1; try <= TRIES; try++)); do
  start=$SECONDS
  TRY_LOG="${LOG%.log}.try$try.log"
  timeout -k 10 "$RUN_TIMEOUT" "$JUPYTER" "${ARGS[@]}" > "$TRY_LOG" 2>&1
  rc=$?
  cp -f "$TRY_LOG" "$LOG"
  cleanup
  if [[ $rc -eq 0 ]]; then
    echo "run-notebook: OK $IN (attempt $try, $((SECONDS - start)) s)" >&2
    exit 0
  fi
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    show_log
    die 124 "$IN ran past ${RUN_TIMEOUT} s (attempt $try)"
  fi
  if grep -qE "Kernel didn't respond|Kernel died before replying" "$TRY_LOG"; then
    echo "run-notebook: kernel startup failed (attempt $try of $TRIES), retrying: $(grep -m1 -oE "Kernel didn't respond[^\"]*|Kernel died before replying[^\"]*" "$TRY_LOG")" >&2
    continue
  fi
  show_log
  echo "run-notebook: FAILED $IN (nbconvert exit code $rc, attempt $try); log: $LOG" >&2
  exit "$rc"
done
show_log
echo "run-notebook: FAILED $IN: the kernel did not start in $TRIES attempts" >&2
exit "$rc"
