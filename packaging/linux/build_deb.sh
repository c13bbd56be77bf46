#!/usr/bin/env bash
# Build dist/super-pos_<version>_<arch>.deb from the PyInstaller folder dist/super-pos/.
#
#   pyinstaller --noconfirm --clean build.spec   # first, on the same Linux as the target
#   packaging/linux/build_deb.sh                 # then this (needs dpkg-deb, fakeroot optional)
#
# Layout: the app under /opt/super-pos, a /usr/bin/pos-desktop wrapper on PATH, a desktop
# entry and the hicolor icon. Compression: gzip by default (fast to build and to install,
# ~62 MB); DEB_COMPRESSION=xz gives ~48 MB but takes minutes. Budget: 90 MB.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIST="${DIST:-$ROOT/dist}"
APP="$DIST/super-pos"
VERSION="${VERSION:-$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import pos_desktop; print(pos_desktop.__version__)' "$ROOT")}"
ARCH="${ARCH:-$(dpkg --print-architecture)}"
OUT="$DIST/super-pos_${VERSION}_${ARCH}.deb"
COMPRESSION="${DEB_COMPRESSION:-gzip}"

if [ ! -x "$APP/pos-desktop" ]; then
    echo "build_deb: $APP/pos-desktop not found; run: pyinstaller --noconfirm build.spec" >&2
    exit 1
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/icons/hicolor/256x256/apps" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/super-pos"
cp -a "$APP" "$STAGE/opt/super-pos"
install -m 0755 "$ROOT/packaging/linux/pos-desktop" "$STAGE/usr/bin/pos-desktop"
install -m 0644 "$ROOT/packaging/linux/super-pos.desktop" "$STAGE/usr/share/applications/"
install -m 0644 "$ROOT/pos_desktop/resources/icons/app.png" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps/super-pos.png"
install -m 0644 "$ROOT/pos_desktop/resources/icons/app.svg" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps/super-pos.svg"
install -m 0644 "$ROOT/packaging/linux/copyright" "$STAGE/usr/share/doc/super-pos/copyright"
# USB receipt printers: the logged-in user may open them (no root, no dialout group).
install -d "$STAGE/usr/lib/udev/rules.d"
install -m 0644 "$ROOT/packaging/linux/60-super-pos-printers.rules" "$STAGE/usr/lib/udev/rules.d/"
# Files readable by everyone, owned by root; only executables and libraries keep +x.
chmod -R u+rwX,go+rX,go-w "$STAGE"
SIZE_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$SIZE_KB/" \
    "$ROOT/packaging/linux/control.in" > "$STAGE/DEBIAN/control"
install -m 0755 "$ROOT/packaging/linux/postinst" "$STAGE/DEBIAN/postinst"
install -m 0755 "$ROOT/packaging/linux/postrm" "$STAGE/DEBIAN/postrm"

dpkg-deb --root-owner-group "-Z$COMPRESSION" --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
