#!/usr/bin/env bash
# Check the shipped units with systemd-analyze verify (CI runs this; so does
# tests/packaging/test_services.py). The units name the installed paths
# (/opt/super-pos-central/bin/pos-central, /usr/bin/pos-desktop); verify also checks that
# each command exists, so the copies checked here point at this machine's pos-central and
# pos-desktop (or, without them, at any executable: the syntax is what is checked).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
central="$(command -v pos-central || command -v true)"
desktop="$(command -v pos-desktop || command -v true)"
mkdir -p "$WORK/system" "$WORK/user" "$WORK/run"
chmod 700 "$WORK/run"
for unit in "$HERE"/*.service "$HERE"/*.timer; do
    [ -e "$unit" ] || continue
    name="$(basename "$unit")"
    case "$name" in pos-desktop-*) dest="$WORK/user" ;; *) dest="$WORK/system" ;; esac
    sed -e "s#/opt/super-pos-central/bin/pos-central#$central#g" \
        -e "s#/usr/bin/pos-desktop#$desktop#g" "$unit" > "$dest/$name"
done
# verify exits 0 on an unknown key or a bad value ("ignoring"): any line it prints fails.
findings="$WORK/findings"
(cd "$WORK/system" && systemd-analyze verify --man=no ./*) >"$findings" 2>&1 || echo "(exit $?)" >>"$findings"
(cd "$WORK/user" && XDG_RUNTIME_DIR="$WORK/run" systemd-analyze --user verify --man=no ./*) \
    >>"$findings" 2>&1 || echo "(exit $?)" >>"$findings"
if [ -s "$findings" ]; then
    echo "systemd-analyze verify found problems:" >&2
    cat "$findings" >&2
    exit 1
fi
echo "systemd-analyze verify: $(ls "$WORK/system" "$WORK/user" | grep -c '\.service\|\.timer') units OK"
