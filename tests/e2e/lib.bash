# lib.bash - shared by the end-to-end tests (sourced, not run by ctest itself).
set -euo pipefail
: "${CCBOARD:?path of the ccboard binary}"
: "${SHARED:?path of the shared data}"
: "${SRCDIR:?source root}"
GEN="$SHARED/tools/gen-queue-log"
export TZ=UTC
export CCBOARD_CONFIG=/dev/null
mkdir -p "${BUILDDIR:-/tmp}/e2e-tmp"
TMP=$(mktemp -d "${BUILDDIR:-/tmp}/e2e-tmp/$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME="$TMP/state"   # the history database: the test's own, never the home
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
