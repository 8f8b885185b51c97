#!/usr/bin/env bash
# Regenerate docs/screenshot.png: the real app in a real X window (Xvfb) on demo data.
#   bash tools/make_screenshot.sh [OUT.png] [DEMO_DATA_SCRIPT]
#   bash tools/make_screenshot.sh docs/screenshot-context.png tools/context_demo_data.py
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshot.png}
demo=${2:-tools/demo_data.py}
work=$(mktemp -d)
trap 'kill $xvfb_pid 2>/dev/null || true; rm -rf "$work"' EXIT
.venv/bin/python "$demo" "$work/data" "$work/config"
display=:$((100 + RANDOM % 400))
Xvfb "$display" -screen 0 1180x780x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
export HOME="$work/home" NEBULA_LOG_DIR="$work/logs"
mkdir -p "$HOME"
DISPLAY=$display QT_QPA_PLATFORM=xcb .venv/bin/python -m nebula_desktop \
  --data-dir "$work/data" --config-dir "$work/config" --screenshot "$work/window.png"
cp "$work/window.png" "$out"
echo "wrote $out"
