#!/usr/bin/env bash
# Render an HTML file (a fazhi scorecard) to a PNG with headless Chromium, to check by eye how it
# looks: Chinese text, charts, layout.   scripts/screenshot.sh report.html report.png [WIDTHxHEIGHT]
# Needs the Debian package `chromium` and, for Chinese, `fonts-noto-cjk`.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 INPUT.html OUTPUT.png [WIDTHxHEIGHT, default 1280x2000]" >&2
  exit 2
fi
html=$1
png=$2
size=${3:-1280x2000}
if [ ! -f "$html" ]; then
  echo "$0: no such file: $html" >&2
  exit 2
fi
if ! [[ $size =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "$0: size must look like 1280x2000, not $size" >&2
  exit 2
fi

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$candidate
    break
  fi
done
if [ -z "$browser" ]; then
  echo "$0: no Chromium found; install it with: apt-get install -y chromium fonts-noto-cjk" >&2
  exit 2
fi
if command -v fc-list >/dev/null 2>&1 && ! fc-list :lang=zh family | grep -q .; then
  echo "$0: warning: no Chinese font installed, Chinese will show as boxes (apt-get install -y fonts-noto-cjk)" >&2
fi

# A throwaway profile, so that nothing is read from or left in the user's Chromium settings.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
html_abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
png_abs=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")

# --no-sandbox: headless Chromium refuses to start as root otherwise (containers, CI).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$png_abs" \
  "file://$html_abs" >"$profile/log" 2>&1 || { cat "$profile/log" >&2; exit 1; }
if [ ! -s "$png_abs" ]; then
  cat "$profile/log" >&2
  echo "$0: chromium wrote no screenshot" >&2
  exit 1
fi
echo "$png_abs"
