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
# The pane as a whole frame, on stdout: a capture equal to one taken 0.1 s
# before. A frame larger than the terminal's output buffer is written in
# pieces, and a capture taken between two of them holds the new header over
# the old body. Each script defines tm (its own tmux server).
pane_whole() {  # [capture-pane options...]
	local a b k
	a=$(tm capture-pane -p "$@" 2>/dev/null) || return 1
	for ((k = 0; k < 30; k++)); do
		sleep 0.1
		b=$(tm capture-pane -p "$@" 2>/dev/null) || return 1
		[ "$a" == "$b" ] && break
		a=$b
	done
	printf '%s\n' "$b"
}
