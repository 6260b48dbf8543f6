#!/usr/bin/env bash
# Screenshots and an A4 print of a fazhi HTML scorecard, to check by eye how it looks: Chinese
# text, layout, what a county leader gets on paper. A developer tool, not part of CI.
#
#   python -m fazhi demo --out /tmp/demo
#   scripts/screenshot.sh /tmp/demo/demo_scorecard.html --out /tmp/shots [--unit unit-SYN04]
#
# Writes 1-overview.png (the top of the page through #overview), 2-<section id>.png (one township;
# default the first section.unit), 3-progress.png (#progress, when the scorecard has it) and
# scorecard.pdf, and reports the PDF's pages, where the ranking table starts and ends, the pages
# of each township, and what is too wide for A4. Every request outside the file is blocked and
# listed. More options: scripts/screenshot.sh --help.
#
# Needs Chromium (Debian: apt-get install -y chromium fonts-noto-cjk), and playwright and pypdf in
# the Python that runs it: $PYTHON, else the repository's .venv ($FAZHI_VENV), else python3.
# Playwright drives the system Chromium, so `playwright install` (a browser download) is not needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if [ $# -eq 0 ]; then
  echo "usage: $0 SCORECARD.html [--out DIR] [--unit ID] [--pdf-pages N] [--quick] (--help for all)" >&2
  exit 2
fi

# The Python: $PYTHON, or the project's virtualenv, or python3.
venv=${FAZHI_VENV:-$root/.venv}
if [ -n "${PYTHON:-}" ]; then
  py=$PYTHON
elif [ -x "$venv/bin/python" ]; then
  py=$venv/bin/python
else
  py=python3
fi

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$candidate" >/dev/null 2>&1; then
      browser=$(command -v "$candidate")
      break
    fi
  done
fi
missing=0
if [ -z "$browser" ]; then
  echo "$0: needs Chromium, and found none (chromium, chromium-browser, google-chrome, or \$CHROMIUM)." >&2
  echo "  Debian/Ubuntu: apt-get install -y chromium fonts-noto-cjk   (with sudo unless root)" >&2
  missing=1
fi
if ! "$py" -c "import playwright.sync_api, pypdf" >/dev/null 2>&1; then
  echo "$0: needs the Python packages playwright and pypdf in $py:" >&2
  echo "  $py -m pip install playwright pypdf" >&2
  echo "  (no 'playwright install' needed: the system Chromium is used)" >&2
  missing=1
fi
if [ "$missing" -ne 0 ]; then
  exit 2
fi
if command -v fc-list >/dev/null 2>&1 && ! fc-list :lang=zh family | grep -q .; then
  echo "$0: warning: no Chinese font installed, Chinese will show as boxes (apt-get install -y fonts-noto-cjk)" >&2
fi

exec "$py" "$here/screenshot.py" --chromium "$browser" "$@"
