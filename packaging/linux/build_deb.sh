#!/usr/bin/env bash
# Build <out>/super-pos_<version>_<arch>.deb from the PyInstaller folder.
#
#   pyinstaller --noconfirm --clean --distpath out/pyinstaller build.spec
#   packaging/linux/build_deb.sh                   # → out/deb/super-pos_<v>_<arch>.deb
#
# Needs dpkg-deb, dpkg-shlibdeps (dpkg-dev), patchelf and readelf (binutils), and the
# Python that ran PyInstaller (PYTHON, default python3) for the licence list.
#
# Layout: the app under /opt/super-pos, a /usr/bin/pos-desktop wrapper on PATH, a desktop
# entry and the hicolor icon, the man page, the sync user unit, the printers' udev rule,
# the changelog, the copyright file and the lintian overrides.
# - RUNPATHs of the build machine (/root/.pyenv/…/lib) are stripped (patchelf): only
#   $ORIGIN-relative ones stay.
# - Depends is what the bundle's ELF files link, by dpkg-shlibdeps; libusb is loaded by
#   ctypes (python-escpos → pyusb), so it is a Recommends.
# Compression: gzip by default (fast to build and to install); DEB_COMPRESSION=xz is
# smaller and takes minutes. Budget: 90 MB.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
APP="${APP:-$ROOT/out/pyinstaller/super-pos}"
OUT_DIR="${OUT_DIR:-$ROOT/out/deb}"
VERSION="${VERSION:-$("$PYTHON" -c 'import sys; sys.path.insert(0, sys.argv[1]); import pos_desktop; print(pos_desktop.__version__)' "$ROOT")}"
ARCH="${ARCH:-$(dpkg --print-architecture)}"
OUT="$OUT_DIR/super-pos_${VERSION}_${ARCH}.deb"
COMPRESSION="${DEB_COMPRESSION:-gzip}"
LINUX="$ROOT/packaging/linux"

if [ ! -x "$APP/pos-desktop" ]; then
    echo "build_deb: $APP/pos-desktop not found; run: pyinstaller --noconfirm --distpath out/pyinstaller build.spec" >&2
    exit 1
fi
for tool in dpkg-deb dpkg-shlibdeps patchelf readelf; do
    command -v "$tool" >/dev/null || { echo "build_deb: $tool is missing (apt install dpkg-dev patchelf binutils)" >&2; exit 1; }
done

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
DOC="$STAGE/usr/share/doc/super-pos"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$DOC" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/icons/hicolor/256x256/apps" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/man/man1" \
    "$STAGE/usr/share/lintian/overrides" "$STAGE/usr/lib/udev/rules.d" \
    "$STAGE/usr/lib/systemd/user"
cp -a "$APP" "$STAGE/opt/super-pos"
"$PYTHON" "$LINUX/bundle.py" runpath "$STAGE/opt/super-pos"
DEPENDS="$("$PYTHON" "$LINUX/bundle.py" depends "$STAGE/opt/super-pos")"

install -m 0755 "$LINUX/pos-desktop" "$STAGE/usr/bin/pos-desktop"
install -m 0644 "$LINUX/super-pos.desktop" "$STAGE/usr/share/applications/"
install -m 0644 "$ROOT/pos_desktop/resources/icons/app.png" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps/super-pos.png"
install -m 0644 "$ROOT/pos_desktop/resources/icons/app.svg" \
    "$STAGE/usr/share/icons/hicolor/scalable/apps/super-pos.svg"
gzip -9n < "$ROOT/packaging/man/pos-desktop.1" > "$STAGE/usr/share/man/man1/pos-desktop.1.gz"
gzip -9n < "$LINUX/changelog" > "$DOC/changelog.gz"
{ cat "$LINUX/copyright.in"; "$PYTHON" "$LINUX/bundle.py" notices "$STAGE/opt/super-pos"; } \
    > "$DOC/copyright"
install -m 0644 "$LINUX/super-pos.lintian-overrides" "$STAGE/usr/share/lintian/overrides/super-pos"
# USB receipt printers: the logged-in user may open the listed models (no root).
install -m 0644 "$LINUX/60-super-pos-printers.rules" "$STAGE/usr/lib/udev/rules.d/"
# The till's sync without the window, as a user service (packaging/systemd/README.md).
install -m 0644 "$ROOT/packaging/systemd/pos-desktop-sync.service" "$STAGE/usr/lib/systemd/user/"
# Files readable by everyone, owned by root; only executables keep +x (a shared library
# is mapped, not executed).
chmod -R u+rwX,go+rX,go-w "$STAGE"
find "$STAGE/opt" -type f -name '*.so*' -exec chmod 0644 {} +
chmod 0644 "$DOC/copyright"
SIZE_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$SIZE_KB/" \
    -e "s/@DEPENDS@/$DEPENDS/" "$LINUX/control.in" > "$STAGE/DEBIAN/control"
install -m 0755 "$LINUX/postinst" "$STAGE/DEBIAN/postinst"
install -m 0755 "$LINUX/postrm" "$STAGE/DEBIAN/postrm"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z \
    | xargs -0 md5sum > DEBIAN/md5sums)

mkdir -p "$OUT_DIR"
dpkg-deb --root-owner-group "-Z$COMPRESSION" --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
