#!/usr/bin/env bash
# Installs the "ead4j-java" Jupyter kernel: rapaio-jupyter-kernel 3.0.1 (Maven Central) with the
# ead4j jars and all their dependencies on its startup classpath (RJK_CLASSPATH).
#
#   scripts/install-jupyter-kernel.sh              # kernelspec in <repo>/target/jupyter/kernels/ead4j-java;
#                                                  #   use it with: export JUPYTER_PATH=<repo>/target/jupyter
#   scripts/install-jupyter-kernel.sh --dir DIR    # kernelspec in DIR/kernels/ead4j-java (JUPYTER_PATH=DIR)
#   scripts/install-jupyter-kernel.sh --user       # into your own Jupyter kernels (jupyter kernelspec install --user)
#   ... --no-build                                 # use the jars as they are (the integration test: the
#                                                  #   Maven reactor has just built them)
#
# It builds the ead4j jars first when they are missing or older than the sources
# (mvn -DskipTests package -pl examples -am). Idempotent: rerun it after changing the code.
# Exit codes: 0 installed; 1 a build/download step failed; 2 a tool is missing or a bad argument.
# Jupyter is called as /usr/bin/jupyter (Debian's, whose python3 has the modules) because another
# python3 (pyenv, venv) may come first on PATH; override with EAD4J_JUPYTER=/path/to/jupyter.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KERNEL_NAME="ead4j-java"
DISPLAY_NAME="Java (ead4j, rapaio 3.0.1)"
RJK_ARTIFACT="io.github.padreati:rapaio-jupyter-kernel:3.0.1"
RJK_JAR_NAME="rapaio-jupyter-kernel-3.0.1.jar"
# the dependency plugin version the build pins (root pom), so an offline run finds it in ~/.m2
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
VERSION="0.1.0-SNAPSHOT"
CLI_JAR="$ROOT/examples/target/examples-$VERSION-cli.jar"
LIB_DIR="$ROOT/examples/target/lib"
JUPYTER="${EAD4J_JUPYTER:-/usr/bin/jupyter}"
APT_LINE="apt-get update && apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client python3-nbclient python3-nbformat jupyter-core"

die() { echo "install-jupyter-kernel: $2" >&2; exit "$1"; }

MODE="dir"
DEST="$ROOT/target/jupyter"
BUILD="yes"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --user) MODE="user"; shift ;;
    --no-build) BUILD="no"; shift ;;
    --dir)
      [[ $# -ge 2 ]] || die 2 "--dir needs a folder"
      MODE="dir"; DEST="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die 2 "unknown argument '$1'; allowed: --dir DIR, --user, --no-build, --help" ;;
  esac
done

# --- tools -------------------------------------------------------------------------------------
[[ -x "$JUPYTER" ]] || die 2 "Jupyter not found at $JUPYTER. Install Debian's Jupyter (as root):
  $APT_LINE"
"$JUPYTER" kernelspec --version >/dev/null 2>&1 || die 2 "'$JUPYTER kernelspec' does not run (is jupyter-client installed?). Install (as root):
  $APT_LINE"
command -v java >/dev/null 2>&1 || die 2 "java not found on PATH: the kernel needs a JDK 17+ (with jshell)"
java --list-modules 2>/dev/null | grep -q '^jdk.jshell@' || die 2 "'java' on PATH has no jdk.jshell module: the kernel needs a full JDK 17+, not a JRE"
command -v mvn >/dev/null 2>&1 || die 2 "mvn not found on PATH: Maven 3.8+ is needed to build ead4j and fetch the kernel"

# --- 1. the ead4j jars (CLI jar + every runtime dependency in examples/target/lib) -------------
# Maven leaves a jar untouched when its own classes did not change (examples' CLI jar does not change
# with ead-samediff), so freshness is judged against a stamp written after each build by this script.
STAMP="$ROOT/examples/target/.jupyter-kernel-build.stamp"
stale() {
  [[ ! -f "$CLI_JAR" || ! -d "$LIB_DIR" ]] && return 0
  local ref="$CLI_JAR" m dirs=("$ROOT/pom.xml")
  [[ -f "$STAMP" ]] && ref="$STAMP"
  for m in ead-samediff ead-plugin examples; do dirs+=("$ROOT/$m/pom.xml" "$ROOT/$m/src/main"); done
  [[ -n "$(find "${dirs[@]}" -newer "$ref" -type f -print -quit 2>/dev/null)" ]]
}
if [[ "$BUILD" == "yes" ]] && stale; then
  echo "install-jupyter-kernel: building the ead4j jars (mvn package -pl examples -am)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests -Dmaven.javadoc.skip=true package -pl examples -am >&2) \
    || die 1 "the Maven build failed; see the output above"
  touch "$STAMP"
fi
[[ -f "$CLI_JAR" ]] || die 1 "$CLI_JAR is missing; build it with: mvn -DskipTests package -pl examples -am"
compgen -G "$LIB_DIR/ead-samediff-*.jar" >/dev/null || die 1 "no ead-samediff jar in $LIB_DIR"
compgen -G "$LIB_DIR/ead-plugin-*.jar" >/dev/null || die 1 "no ead-plugin jar in $LIB_DIR"

# --- 2. the kernel jar, cached next to the target kernelspec -----------------------------------
CACHE="$ROOT/target/jupyter-cache"
mkdir -p "$CACHE"
if [[ ! -s "$CACHE/$RJK_JAR_NAME" ]]; then
  echo "install-jupyter-kernel: fetching $RJK_ARTIFACT with Maven..." >&2
  # offline first (from ~/.m2), then from Maven Central
  (cd "$CACHE" && { mvn -B -q -o "$DEP_PLUGIN:copy" -Dartifact="$RJK_ARTIFACT" -DoutputDirectory="$CACHE" >/dev/null 2>&1 \
      || mvn -B -q "$DEP_PLUGIN:copy" -Dartifact="$RJK_ARTIFACT" -DoutputDirectory="$CACHE" >&2; }) \
    || die 1 "could not fetch $RJK_ARTIFACT (no network and not in ~/.m2?)"
fi
[[ -s "$CACHE/$RJK_JAR_NAME" ]] || die 1 "expected $CACHE/$RJK_JAR_NAME after mvn dependency:copy"

# --- 3. the kernelspec ---------------------------------------------------------------------------
if [[ "$MODE" == "user" ]]; then
  DATA_DIR="$("$JUPYTER" --data-dir)" || die 2 "'$JUPYTER --data-dir' failed"
  FINAL_DIR="$DATA_DIR/kernels/$KERNEL_NAME"
  STAGE="$(mktemp -d)"
  trap 'rm -rf "$STAGE"' EXIT
  SPEC_DIR="$STAGE/$KERNEL_NAME"
else
  mkdir -p "$DEST" || die 2 "cannot create $DEST"
  DEST="$(cd "$DEST" && pwd)"
  FINAL_DIR="$DEST/kernels/$KERNEL_NAME"
  SPEC_DIR="$FINAL_DIR"
fi
mkdir -p "$SPEC_DIR"
cp -f "$CACHE/$RJK_JAR_NAME" "$SPEC_DIR/$RJK_JAR_NAME"

# RJK_CLASSPATH: ';'-separated, entries may be globs (with ':' the classes are silently missing).
RJK_CLASSPATH="$CLI_JAR;$LIB_DIR/*.jar"

json_str() { # JSON string literal (paths with quotes or backslashes stay valid)
  local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"
}
# The kernel runs the cells in its own JVM (JShell local execution), so these JVM options apply to
# the notebook code: a quiet ND4J log, the off-heap limit the ead launcher uses, one OpenMP thread
# (two make small ND4J ops slower) and headless AWT for XChart.
cat > "$SPEC_DIR/kernel.json.tmp" <<JSON
{
  "argv": ["java", "-Xmx4g", "-Djava.awt.headless=true",
           "-Dorg.bytedeco.javacpp.maxbytes=8G",
           "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
           "-Dorg.slf4j.simpleLogger.log.org.nd4j.imports.converters.ImportClassMapping=error",
           "-Dorg.slf4j.simpleLogger.log.org.nd4j.autodiff.functions.DifferentialFunction=error",
           "-jar", $(json_str "$FINAL_DIR/$RJK_JAR_NAME"), "{connection_file}"],
  "display_name": $(json_str "$DISPLAY_NAME"),
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_CLASSPATH": $(json_str "$RJK_CLASSPATH"),
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": "",
    "RJK_TIMEOUT_MILLIS": "-1",
    "RJK_MIMA_CACHE": "mima_cache",
    "OMP_NUM_THREADS": "1"
  }
}
JSON
mv -f "$SPEC_DIR/kernel.json.tmp" "$SPEC_DIR/kernel.json"

if [[ "$MODE" == "user" ]]; then
  "$JUPYTER" kernelspec install --user --replace --name "$KERNEL_NAME" "$SPEC_DIR" >/dev/null \
    || die 1 "jupyter kernelspec install failed"
  [[ -f "$FINAL_DIR/kernel.json" ]] || die 1 "kernelspec not found at $FINAL_DIR after install"
  echo "install-jupyter-kernel: installed kernel '$KERNEL_NAME' in $FINAL_DIR"
else
  # check that Jupyter finds it through JUPYTER_PATH
  JUPYTER_PATH="$DEST${JUPYTER_PATH:+:$JUPYTER_PATH}" "$JUPYTER" kernelspec list 2>/dev/null \
    | grep -q "^ *$KERNEL_NAME " || die 1 "Jupyter does not list kernel '$KERNEL_NAME' with JUPYTER_PATH=$DEST"
  echo "install-jupyter-kernel: installed kernel '$KERNEL_NAME' in $FINAL_DIR"
  echo "install-jupyter-kernel: use it with: export JUPYTER_PATH=$DEST"
fi
