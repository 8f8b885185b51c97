#!/usr/bin/env bash
# CI check of the Linux installer, run by .ci/run on every run (as root, as CI is):
#
#   bash build_scripts/ci_check_installers.sh
#
# 1. builds the bundle, the tar.gz and the .deb (build_linux.sh) and checks the size budget;
# 2. installs the .deb with apt-get, validates the installed .desktop and AppStream files;
# 3. runs the installed `nebula-desktop --smoke-test` offscreen with a throw-away HOME;
# 4. under a private Xvfb: `nebula-desktop --screenshot`, then a plain launch photographed with
#    `import -window root`; both PNGs must show a drawn window (many distinct colours);
#    then tests/e2e runs against the installed app (a seeded conversation must be drawn);
# 5. removes the package and checks nothing is left in /opt or /usr/bin.
# Any failure stops the run with a message saying what broke. Budget: NEBULA_BUNDLE_MAX_MB (140: math, documents and the MCP SDK).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MAX_MB=${NEBULA_BUNDLE_MAX_MB:-140}
MIN_COLOURS=${NEBULA_MIN_COLOURS:-64}
PKG=nebula-desktop
APP_ID=com.ai_nebula.NebulaDesktop

log() { printf '\033[1;34m[ci_installers]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ci_installers] FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "run as root (installs a .deb)"
  SUDO=sudo
fi
# The tools this check drives; a fresh CI machine gets them here (we are root anyway).
need=()
for pair in Xvfb:xvfb import:imagemagick identify:imagemagick xwininfo:x11-utils \
            xprop:x11-utils desktop-file-validate:desktop-file-utils appstreamcli:appstream; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null || die "apt-get install ${need[*]} failed"
fi
for tool in Xvfb import identify xwininfo xprop apt-get dpkg-deb; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

WORK=$(mktemp -d /tmp/nebula-ci-installers.XXXXXX)
XVFB_PID=""
APP_PID=""
INSTALLED=0
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$APP_PID" ] && wait "$APP_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
  [ -n "$XVFB_PID" ] && wait "$XVFB_PID" 2>/dev/null || true
  if [ "$INSTALLED" = 1 ]; then  # a failed run must not leave the package on the machine
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$PKG" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. build -------------------------------------------------------------------------------------
start=$SECONDS
bash build_scripts/build_linux.sh || die "build_linux.sh failed"
VERSION=$(python3 build_scripts/version.py)
DEB="$ROOT/dist/${PKG}_${VERSION}_amd64.deb"
TARBALL="$ROOT/dist/NebulaDesktop-$VERSION-linux-x86_64.tar.gz"
[ -f "$DEB" ] || die "no $DEB"
[ -f "$TARBALL" ] || die "no $TARBALL"
size_mb=$(du -sm dist/NebulaDesktop | cut -f1)
log "bundle size: ${size_mb} MB (budget ${MAX_MB} MB); built in $((SECONDS - start)) s"
[ "$size_mb" -le "$MAX_MB" ] || die "bundle is ${size_mb} MB, over the ${MAX_MB} MB budget"

# --- 2. install -----------------------------------------------------------------------------------
log "apt-get install $DEB"
apt_install() {
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$DEB"
}
if ! apt_install >"$WORK/apt.log" 2>&1; then
  # A fresh machine may have no package lists yet to resolve Depends from.
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  apt_install >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "apt-get install failed"; }
fi
INSTALLED=1
command -v nebula-desktop >/dev/null || die "no nebula-desktop on PATH after install"
[ "$(readlink -f "$(command -v nebula-desktop)")" = /usr/bin/nebula-desktop ] \
  || die "nebula-desktop on PATH is not /usr/bin/nebula-desktop"
for f in /opt/$PKG/NebulaDesktop /usr/share/applications/$PKG.desktop \
         /usr/share/metainfo/$APP_ID.metainfo.xml \
         /usr/share/icons/hicolor/256x256/apps/nebula-desktop.png \
         /usr/share/icons/hicolor/scalable/apps/nebula-desktop.svg; do
  [ -e "$f" ] || die "the package did not install $f"
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/$PKG.desktop || die "desktop-file-validate"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net /usr/share/metainfo/$APP_ID.metainfo.xml >"$WORK/as.log" 2>&1 \
    || { cat "$WORK/as.log" >&2; die "appstreamcli validate"; }
fi

# A throw-away HOME for every run of the installed app: nothing of the CI user's is touched.
fresh_home() {
  local home="$WORK/home-$1"
  mkdir -p "$home"
  echo "$home"
}
CLEAN_ENV=(env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME -u XDG_STATE_HOME
           -u NEBULA_DATA_DIR -u NEBULA_CONFIG_DIR -u NEBULA_CACHE_DIR -u NEBULA_LOG_DIR)
run_app() {  # run_app HOME TIMEOUT ARGS... — the installed app with only that HOME
  local home=$1 secs=$2
  shift 2
  "${CLEAN_ENV[@]}" HOME="$home" timeout --kill-after=5 "$secs" nebula-desktop "$@"
}
colours() { identify -format '%k' "$1" 2>/dev/null || echo 0; }
check_png() {  # check_png FILE WHAT
  [ -s "$1" ] || die "$2: no PNG written at $1"
  local n
  n=$(colours "$1")
  log "$2: $(identify -format '%wx%h' "$1"), $n distinct colours"
  [ "$n" -ge "$MIN_COLOURS" ] || die "$2 looks blank: only $n colours (want >= $MIN_COLOURS)"
}

# The flags come from the app (issue 3); say so plainly if this build predates them.
help_text=$(QT_QPA_PLATFORM=offscreen run_app "$(fresh_home help)" 30 --help 2>&1 || true)
for flag in --smoke-test --screenshot; do
  grep -q -- "$flag" <<<"$help_text" \
    || die "the installed app has no $flag option (nebula_desktop/app.py must provide it)"
done

# --- 3. smoke test, offscreen ---------------------------------------------------------------------
log "nebula-desktop --smoke-test (offscreen)"
home=$(fresh_home smoke)
QT_QPA_PLATFORM=offscreen run_app "$home" 60 --smoke-test >"$WORK/smoke.log" 2>&1 \
  || { cat "$WORK/smoke.log" >&2; die "nebula-desktop --smoke-test failed"; }

# The languages really ship: our catalogues and Qt's own for the standard buttons.
log "nebula-desktop --check-parts (every part loaded on demand: Markdown, math, documents, MCP…)"
run_app "$(fresh_home parts)" 120 --check-parts >"$WORK/parts.log" 2>&1 \
  || { cat "$WORK/parts.log" >&2; die "the installed app lacks a part it loads on demand"; }
cat "$WORK/parts.log" >&2

for qm in nebula_desktop/resources/translations/nebula_desktop_zh_CN.qm \
          nebula_desktop/resources/translations/nebula_desktop_en.qm \
          PySide6/Qt/translations/qtbase_zh_CN.qm; do
  [ -s "/opt/nebula-desktop/_internal/$qm" ] || die "the installed app lacks $qm (Chinese would not work)"
done
log "translations installed (zh_CN, en)"

# --- 4. a real window under Xvfb ------------------------------------------------------------------
# -displayfd: Xvfb picks a free display itself and writes its number once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do
  [ -s "$WORK/display" ] && break
  kill -0 "$XVFB_PID" 2>/dev/null || { cat "$WORK/xvfb.log" >&2; die "Xvfb did not start"; }
  sleep 0.1
done
[ -s "$WORK/display" ] || die "Xvfb gave no display number in 10 s"
export DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"
unset QT_QPA_PLATFORM WAYLAND_DISPLAY
log "Xvfb on $DISPLAY"

log "nebula-desktop --screenshot (xcb)"
home=$(fresh_home shot)
run_app "$home" 90 --screenshot "$WORK/window.png" >"$WORK/shot.log" 2>&1 \
  || { cat "$WORK/shot.log" >&2; die "nebula-desktop --screenshot failed"; }
check_png "$WORK/window.png" "--screenshot"

log "plain launch, photographed with import -window root"
home=$(fresh_home root)
# Started directly (env and the launcher exec), so $! is the app itself and kill reaches it.
"${CLEAN_ENV[@]}" HOME="$home" nebula-desktop >"$WORK/root.log" 2>&1 &
APP_PID=$!
found=0
for _ in $(seq 300); do  # up to 30 s for the main window to be mapped
  if xwininfo -root -tree 2>/dev/null | grep -q '"Nebula Desktop'; then found=1; break; fi
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/root.log" >&2; die "the app exited early"; }
  sleep 0.1
done
[ "$found" = 1 ] || { cat "$WORK/root.log" >&2; die "no 'Nebula Desktop' window appeared"; }
# The window is mapped; give it a moment to finish its first paint before photographing.
for _ in $(seq 50); do
  import -window root "$WORK/root.png" 2>/dev/null || true
  if [ -s "$WORK/root.png" ] && [ "$(colours "$WORK/root.png")" -ge "$MIN_COLOURS" ]; then
    break
  fi
  sleep 0.2
done
check_png "$WORK/root.png" "root-window screenshot"
kill "$APP_PID" 2>/dev/null || true
wait "$APP_PID" 2>/dev/null || true
APP_PID=""
mkdir -p build/ci && cp "$WORK/window.png" "$WORK/root.png" build/ci/  # for a human to look at

# The real-window tests, now on the installed app: a seeded conversation with code, CJK and
# emoji must appear in its window (tests/e2e, with NEBULA_E2E_APP pointing at the launcher).
if [ "${NEBULA_SKIP_E2E:-}" = "1" ]; then
  log "NEBULA_SKIP_E2E=1: skipping tests/e2e on the installed app"
else
  [ -x .venv/bin/python ] || die "no .venv (bash tools/dev.sh test makes it) for tests/e2e"
  log "tests/e2e on the installed app"
  kill "$XVFB_PID" 2>/dev/null || true  # the tests start their own Xvfb
  wait "$XVFB_PID" 2>/dev/null || true
  XVFB_PID=""
  env -u DISPLAY CI=true NEBULA_E2E_APP=/usr/bin/nebula-desktop \
    .venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider -m xvfb \
    || die "tests/e2e failed on the installed app"
fi

# --- 5. uninstall ---------------------------------------------------------------------------------
log "apt-get remove $PKG"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$PKG" >/dev/null \
  || die "apt-get remove failed"
INSTALLED=0
for f in /opt/$PKG /usr/bin/nebula-desktop /usr/share/applications/$PKG.desktop; do
  [ ! -e "$f" ] || die "$f is still there after apt-get remove"
done
log "all installer checks passed in $((SECONDS - start)) s (screenshots in build/ci/)"
