#!/usr/bin/env bash
# Build the Linux artifacts from a clean checkout, one command:
#
#   bash build_scripts/build_linux.sh
#
# makes dist/NebulaDesktop/ (the PyInstaller bundle), then
#   dist/NebulaDesktop-<version>-linux-x86_64.tar.gz   (unpack anywhere, run ./NebulaDesktop)
#   dist/nebula-desktop_<version>_amd64.deb            (sudo apt-get install ./dist/...deb)
# The version comes from pyproject.toml (build_scripts/version.py). Python: $PYTHON if set, else
# .venv/bin/python if it exists, else a fresh build/venv made with python3.
# NEBULA_SKIP_BUNDLE=1 reuses an existing dist/NebulaDesktop (quick packaging iterations).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { printf '\033[1;34m[build_linux]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[build_linux] %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(uname -s)" = "Linux" ] || die "run this on Linux"
[ "$(uname -m)" = "x86_64" ] || die "only x86_64 is packaged (got $(uname -m))"
for tool in dpkg-deb dpkg-query ldd tar; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (install dpkg and tar)"
done

APP_ID=com.ai_nebula.NebulaDesktop
PKG=nebula-desktop
DIST="$ROOT/dist"
BUNDLE="$DIST/NebulaDesktop"

# --- Python with the app and PyInstaller ----------------------------------------------------------
if [ -n "${PYTHON:-}" ]; then
  PY=$PYTHON
elif [ -x "$ROOT/.venv/bin/python" ]; then
  PY="$ROOT/.venv/bin/python"
else
  PY="$ROOT/build/venv/bin/python"
  if [ ! -x "$PY" ]; then
    log "creating build/venv"
    python3 -m venv "$ROOT/build/venv" || die "python3 -m venv failed (install python3-venv)"
    "$PY" -m pip install -q --upgrade pip || die "pip upgrade failed"
  fi
fi
VERSION=$("$PY" build_scripts/version.py)
[ -n "$VERSION" ] || die "no version in pyproject.toml"
# What the build needs from $PY: the app installed at pyproject's version (it reads its version
# from that metadata) with every dependency, and PySide6 really importable (make_icons.py, the
# bundle). -I keeps the working directory off sys.path: from the repository root a
# nebula_desktop.egg-info left by an earlier `pip install -e .` (with any Python) would answer
# "installed" for a Python that has neither the app nor PySide6.
app_status() {
  "$PY" -I - "$VERSION" <<'PY' 2>&1 | tail -n1
import importlib.metadata as md
import re
import sys

try:
    have = md.version("nebula-desktop")
except md.PackageNotFoundError:
    sys.exit("the app is not installed")
if have != sys.argv[1]:
    sys.exit(f"the app is installed at version {have}, pyproject.toml says {sys.argv[1]}")
missing = []
for req in md.requires("nebula-desktop") or []:
    name = re.match(r"[A-Za-z0-9._-]+", req).group(0)
    if "extra ==" not in req:
        try:
            md.version(name)
        except md.PackageNotFoundError:
            missing.append(name)
if missing:
    sys.exit("missing " + ", ".join(missing))
import nebula_desktop.resources
import PySide6.QtGui
import PySide6.QtSvg
print("ok")
PY
}
status=$(app_status || true)
if [ "$status" != "ok" ]; then
  log "installing the app into $("$PY" -I -c 'import sys; print(sys.prefix)') ($status)"
  "$PY" -m pip install -q -e "$ROOT" || die "pip install -e . failed"
  status=$(app_status || true)
  [ "$status" = "ok" ] || die "$PY still cannot build the app after pip install -e .: $status"
fi
if ! "$PY" -m PyInstaller --version >/dev/null 2>&1; then
  log "installing PyInstaller"
  "$PY" -m pip install -q "pyinstaller>=6.10,<7" || die "pip install pyinstaller failed"
fi
log "Nebula Desktop $VERSION, PyInstaller $("$PY" -m PyInstaller --version)"

# --- the bundle -----------------------------------------------------------------------------------
if [ "${NEBULA_SKIP_BUNDLE:-}" = "1" ] && [ -x "$BUNDLE/NebulaDesktop" ]; then
  log "reusing $BUNDLE"
else
  log "rendering icons"
  QT_QPA_PLATFORM=offscreen "$PY" build_scripts/make_icons.py --out build/icons >/dev/null \
    || die "make_icons.py failed"
  log "PyInstaller bundle"
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" \
    --workpath build/pyinstaller build_scripts/nebula_desktop.spec || die "PyInstaller failed"
fi
[ -x "$BUNDLE/NebulaDesktop" ] || die "no executable in $BUNDLE"

# Every library the bundle links must resolve, inside it or on the system; the ones from the
# system become the .deb's Depends (what dpkg-shlibdeps would do, without a debian/ tree).
INTERNAL="$BUNDLE/_internal"
LIBPATH="$INTERNAL:$INTERNAL/PySide6/Qt/lib"
mapfile -t elves < <(find "$BUNDLE" -type f \( -name '*.so' -o -name '*.so.*' -o -name NebulaDesktop \))
ldd_out=$(LD_LIBRARY_PATH=$LIBPATH ldd "${elves[@]}" 2>/dev/null || true)
missing=$(grep 'not found' <<<"$ldd_out" | awk '{print $1}' | sort -u || true)
[ -z "$missing" ] || die "libraries not found for the bundle: $(echo $missing) — install them and rebuild"
# Depends lists the packages of the libraries the bundle links directly (DT_NEEDED), as
# dpkg-shlibdeps would; their own dependencies come with them. One dpkg-query for all of them.
declare -A where=() bundled=() owner_of=() pkgs=()
while read -r name arrow path _; do
  [ "$arrow" = "=>" ] && [ -n "$path" ] && where[$name]=$path
done <<<"$ldd_out"
for f in "${elves[@]}"; do bundled[$(basename "$f")]=1; done
mapfile -t direct < <("$PY" build_scripts/elf_needed.py "${elves[@]}")
syslibs=()
for name in "${direct[@]}"; do
  [ -n "${bundled[$name]:-}" ] && continue
  case $name in ld-linux*) continue ;; esac  # the dynamic loader: part of libc6
  [ -n "${where[$name]:-}" ] || die "ldd could not resolve $name (needed by the bundle)"
  case ${where[$name]} in "$BUNDLE"/*) continue ;; esac
  syslibs+=("${where[$name]}")
done
candidates() {  # the names dpkg may know a library by (usrmerge: /lib vs /usr/lib, symlinks)
  local real
  real=$(readlink -f "$1")
  printf '%s\n' "$1" "$real" "/usr${1#/usr}" "${1#/usr}" "/usr${real#/usr}" "${real#/usr}"
}
mapfile -t cands < <(for lib in "${syslibs[@]}"; do candidates "$lib"; done | sort -u)
while IFS= read -r line; do
  owner_of[${line#*: }]=${line%%: *}
done < <(dpkg-query -S "${cands[@]}" 2>/dev/null || true)
for lib in "${syslibs[@]}"; do
  owner=""
  while read -r cand; do
    owner=${owner_of[$cand]:-}
    [ -n "$owner" ] && break
  done < <(candidates "$lib")
  [ -n "$owner" ] || die "no Debian package owns $lib (needed by the bundle)"
  owner=${owner%%,*}  # "a, b: path" when two packages share a file: either will do
  pkgs[${owner%%:*}]=1  # drop ":amd64"
done
glibc=$(dpkg-query -W -f '${Version}' libc6 | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
depends="libc6 (>= $glibc)"
for p in $(printf '%s\n' "${!pkgs[@]}" | grep -vx libc6 | sort); do depends+=", $p"; done
# Loaded at run time, not linked: a font so text can be drawn at all.
depends+=", fontconfig, fonts-dejavu-core | fonts-noto-core | fonts-liberation2"
log "Depends: $depends"
du_mb=$(du -sm "$BUNDLE" | cut -f1)
log "bundle: $(du -sh "$BUNDLE" | cut -f1) ($du_mb MB)"

# --- shared desktop-integration files -------------------------------------------------------------
stage_share() {  # $1 = a share/ folder to fill
  local share=$1 size
  install -Dm644 resources/linux/$PKG.desktop "$share/applications/$PKG.desktop"
  install -Dm644 "resources/linux/$APP_ID.metainfo.xml" "$share/metainfo/$APP_ID.metainfo.xml"
  install -Dm644 resources/icons/nebula-desktop.svg \
    "$share/icons/hicolor/scalable/apps/nebula-desktop.svg"
  for size in 16 24 32 48 64 128 256 512; do
    install -Dm644 "resources/icons/nebula-desktop-$size.png" \
      "$share/icons/hicolor/${size}x${size}/apps/nebula-desktop.png"
  done
}

# --- tar.gz ---------------------------------------------------------------------------------------
TARNAME="NebulaDesktop-$VERSION-linux-x86_64"
TARDIR="build/tar/$TARNAME"
rm -rf build/tar && mkdir -p "$TARDIR"
cp -a "$BUNDLE/." "$TARDIR/"
stage_share "$TARDIR/share"
apt_names=$(sed -E 's/ \([^)]*\)//g; s/ \| [^,]*//g; s/,//g' <<<"$depends")
cat > "$TARDIR/README.txt" <<TXT
Nebula Desktop $VERSION for Linux x86_64

Run:      ./NebulaDesktop
Needs the system libraries below (Debian/Ubuntu names; most desktops have them already):
  sudo apt-get install $apt_names
Menu entry and icon (optional): copy share/ into ~/.local/share/ and point Exec= in
  ~/.local/share/applications/$PKG.desktop at this folder's NebulaDesktop.
Prefer the .deb on Debian and Ubuntu: it does all of this for you.
TXT
tar -C build/tar -czf "$DIST/$TARNAME.tar.gz" "$TARNAME" || die "tar failed"
log "wrote dist/$TARNAME.tar.gz ($(du -h "$DIST/$TARNAME.tar.gz" | cut -f1))"

# --- .deb -----------------------------------------------------------------------------------------
DEBROOT=build/deb/root
rm -rf build/deb && mkdir -p "$DEBROOT/DEBIAN" "$DEBROOT/opt" "$DEBROOT/usr/bin"
cp -a "$BUNDLE" "$DEBROOT/opt/$PKG"
cat > "$DEBROOT/usr/bin/$PKG" <<'SH'
#!/bin/sh
# Launcher for Nebula Desktop (the bundle lives in /opt/nebula-desktop).
exec /opt/nebula-desktop/NebulaDesktop "$@"
SH
chmod 755 "$DEBROOT/usr/bin/$PKG"
stage_share "$DEBROOT/usr/share"
install -d "$DEBROOT/usr/share/doc/$PKG"
cat > "$DEBROOT/usr/share/doc/$PKG/copyright" <<TXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Nebula Desktop

Files: *
Copyright: Nebula Desktop developers
License: MIT

Files: opt/nebula-desktop/_internal/PySide6/*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3.0-only
TXT
# dpkg's triggers (hicolor-icon-theme, desktop-file-utils) refresh the icon and menu caches.
installed_kb=$(du -sk --exclude=DEBIAN "$DEBROOT" | cut -f1)
cat > "$DEBROOT/DEBIAN/control" <<CTL
Package: $PKG
Version: $VERSION
Architecture: amd64
Maintainer: Nebula Desktop developers <nebula-desktop@users.noreply.github.com>
Installed-Size: $installed_kb
Depends: $depends
Recommends: fonts-noto-color-emoji, fonts-noto-cjk, gnome-keyring | kwalletmanager
Section: net
Priority: optional
Homepage: https://llm.ai-nebula.com/
Description: fast native chat client for OpenAI-compatible AI models
 Nebula Desktop is a light Qt desktop client for chat-completions APIs: the
 ai-nebula gateway, OpenAI, new-api and one-api gateways, OpenRouter, LiteLLM,
 llama.cpp, LM Studio and Ollama. It streams answers, renders Markdown and code,
 keeps conversations on disk and the API key in the system keyring.
CTL
# Packages must not ship group/world-writable files, whatever the builder's umask was.
chmod -R go-w "$DEBROOT"
DEB="$DIST/${PKG}_${VERSION}_amd64.deb"
dpkg-deb -Zzstd --root-owner-group --build "$DEBROOT" "$DEB" >/dev/null || die "dpkg-deb failed"
log "wrote dist/$(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
