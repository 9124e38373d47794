#!/bin/sh
# Installs Debian's chromium when no Chromium is on the machine. Playwright's own
# browser download does not work everywhere (closed networks), Debian's package does;
# the crawler finds /usr/bin/chromium by itself.
set -eu
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
        exit 0
    fi
done
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "adcensus: no Chromium found; install Debian's 'chromium' package as root" >&2
    exit 1
fi
echo "adcensus: installing Debian's chromium (the browser for JavaScript sites)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
