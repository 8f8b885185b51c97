#!/usr/bin/env bash
# Build Nebula Desktop for macOS, one command (on a Mac with Python 3.11+ and Xcode's tools):
#
#   bash build_scripts/build_macos.sh
#
# makes dist/NebulaDesktop.app (Info.plist: bundle id com.ai-nebula.NebulaDesktop, version from
# pyproject.toml, the icon, high-DPI) and dist/NebulaDesktop-<version>-macos-<arch>.dmg.
#
# Signing and notarisation happen only when their secrets are in the environment (never in the
# repository):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)" from the login keychain
#                         (CI: import a .p12 into a temporary keychain first, see release.yml)
#   notarisation, either  MACOS_NOTARY_PROFILE  (a `xcrun notarytool store-credentials` profile)
#                 or      APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (app-specific password)
# Without MACOS_SIGN_IDENTITY the app is ad-hoc signed: it runs on this Mac, and elsewhere only
# after right-click > Open.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '\033[1;34m[build_macos]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[build_macos] %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(uname -s)" = "Darwin" ] || die "run this on macOS"
for tool in hdiutil codesign plutil; do
  command -v "$tool" >/dev/null || die "missing $tool (install Xcode command line tools)"
done
ARCH=$(uname -m)  # arm64 or x86_64: the bundle is built for the Python running it
PY=${PYTHON:-python3}
VENV="$ROOT/build/venv-macos"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV" || die "python3 -m venv failed"
  "$VENV/bin/python" -m pip install -q --upgrade pip
fi
PY="$VENV/bin/python"
log "installing the app and PyInstaller"
"$PY" -m pip install -q -e "$ROOT" "pyinstaller>=6.10,<7" || die "pip install failed"
VERSION=$("$PY" build_scripts/version.py)
log "Nebula Desktop $VERSION ($ARCH)"

QT_QPA_PLATFORM=offscreen "$PY" build_scripts/make_icons.py --out build/icons >/dev/null \
  || die "make_icons.py failed"
# The spec passes MACOS_SIGN_IDENTITY to PyInstaller, which signs every binary it collects.
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
  --workpath build/pyinstaller build_scripts/nebula_desktop.spec || die "PyInstaller failed"
APP="dist/NebulaDesktop.app"
[ -d "$APP" ] || die "no $APP"
PLIST="$APP/Contents/Info.plist"
for key in CFBundleIdentifier CFBundleShortVersionString NSHighResolutionCapable CFBundleIconFile; do
  plutil -extract "$key" raw "$PLIST" >/dev/null || die "Info.plist lacks $key"
done
[ "$(plutil -extract CFBundleShortVersionString raw "$PLIST")" = "$VERSION" ] \
  || die "Info.plist version is not $VERSION"
log "app: $(du -sh "$APP" | cut -f1)"

# Sign the whole .app (hardened runtime, timestamp: what notarisation requires).
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  log "signing with $MACOS_SIGN_IDENTITY"
  codesign --force --deep --options runtime --timestamp \
    --entitlements resources/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$APP" \
    || die "codesign failed"
else
  log "MACOS_SIGN_IDENTITY not set: ad-hoc signature (not for distribution)"
  codesign --force --deep --sign - "$APP" || die "ad-hoc codesign failed"
fi
codesign --verify --deep --strict "$APP" || die "the signature does not verify"

# The frozen app must start and load (offscreen, throw-away folders).
tmp=$(mktemp -d)
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/NebulaDesktop" --smoke-test \
  --data-dir "$tmp/data" --config-dir "$tmp/config" || die "the app's --smoke-test failed"
rm -rf "$tmp"

# The disk image: the app plus a link to /Applications to drag it onto.
DMG="dist/NebulaDesktop-$VERSION-macos-$ARCH.dmg"
STAGE=build/dmg
rm -rf "$STAGE" "$DMG" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Nebula Desktop $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
  -ov "$DMG" >/dev/null || die "hdiutil create failed"
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG" || die "signing the dmg failed"
fi

# Notarise and staple, when credentials are given.
notary=()
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  notary=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  notary=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
fi
if [ ${#notary[@]} -gt 0 ]; then
  [ -n "${MACOS_SIGN_IDENTITY:-}" ] || die "notarisation needs MACOS_SIGN_IDENTITY too"
  log "notarising (this waits for Apple)"
  xcrun notarytool submit "$DMG" "${notary[@]}" --wait || die "notarisation failed"
  xcrun stapler staple "$DMG" || die "stapling failed"
else
  log "no notarisation credentials: skipping notarisation"
fi
log "wrote $DMG ($(du -h "$DMG" | cut -f1))"
