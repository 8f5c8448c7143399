#!/usr/bin/env bash
# systemd_unit.sh - dist/ccboard.service is a clean unit (systemd-analyze verify
# prints nothing), runs ccboard --headless on the packaged configuration, keeps
# the hardening the README promises, and stays at exposure 2.0 or below in
# systemd-analyze security. Exit 77 (skip) only where systemd-analyze cannot
# run at all; scripts/deps --test installs systemd for it.
. "$(dirname "$0")/lib.bash"
UNIT="$SRCDIR/dist/ccboard.service"
[ -f "$UNIT" ] || fail "no $UNIT"
command -v systemd-analyze > /dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
systemd-analyze --version > /dev/null 2>&1 || { echo "SKIP: systemd-analyze does not run here"; exit 77; }

# 1. the directives the package and the README rely on
has() { grep -qxF -- "$1" "$UNIT" || fail "the unit lacks the line: $1"; }
has "ExecStart=/usr/bin/ccboard --headless -c /etc/ccboard/config.ini"
has 'ExecReload=/bin/kill -HUP $MAINPID'
for line in Restart=on-failure DynamicUser=yes ProtectSystem=strict ProtectHome=yes \
		NoNewPrivileges=yes ReadOnlyPaths=-/var/log/asterisk StateDirectory=ccboard \
		PrivateTmp=yes "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
		SystemCallFilter=@system-service WantedBy=multi-user.target; do
	has "$line"
done
grep -q '^SupplementaryGroups=' "$UNIT" && fail "SupplementaryGroups= is set: the unit would not start without that group"
pass "the unit runs --headless on /etc/ccboard/config.ini, hardened"

# 2. verify: the same unit with ExecStart on the built binary (the installed
# path does not exist here) and the man page of the tree for Documentation=
mkdir -p "$TMP/man/man1"
cp "$SRCDIR/man/ccboard.1" "$TMP/man/man1/"
sed "s|^ExecStart=/usr/bin/ccboard |ExecStart=$CCBOARD |" "$UNIT" > "$TMP/ccboard.service"
grep -q "^ExecStart=$CCBOARD --headless" "$TMP/ccboard.service" || fail "ExecStart not rewritten"
man_check=--man=yes
command -v man > /dev/null || man_check=--man=no
MANPATH="$TMP/man" systemd-analyze verify "$man_check" "$TMP/ccboard.service" > "$TMP/verify" 2>&1 \
	|| fail "systemd-analyze verify exits non-zero: $(cat "$TMP/verify")"
[ -s "$TMP/verify" ] && fail "systemd-analyze verify warns: $(cat "$TMP/verify")"
pass "systemd-analyze verify $man_check is silent"

# 3. the hardening as systemd scores it (0 best, 10 worst; threshold is x10)
systemd-analyze security --offline=yes --threshold=20 "$TMP/ccboard.service" > "$TMP/sec" 2>&1 \
	|| fail "exposure above 2.0: $(grep -a 'Overall' "$TMP/sec")"
pass "$(grep -a 'Overall' "$TMP/sec" | sed 's/^→ //')"
