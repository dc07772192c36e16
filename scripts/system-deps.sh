#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing: Chromium (driven by
# Playwright, never a downloaded browser), PostgreSQL (a throwaway cluster), gettext
# (to extract messages for the translation check) and Pango (WeasyPrint, the PDF report).
# Fails loudly if it cannot.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Shared libraries WeasyPrint loads. The cache is read once into a variable: piping ldconfig into
# `grep -q` would fail under pipefail when grep stops reading early.
libraries="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)"
grep -q 'libpango-1\.0\.so\.0' <<<"$libraries" || missing+=(libpango-1.0-0)
grep -q 'libpangoft2-1\.0\.so\.0' <<<"$libraries" || missing+=(libpangoft2-1.0-0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing missing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  apt_get=(sudo apt-get)
else
  echo "ERROR: these Debian packages are missing and I cannot install them (not root, no sudo):" >&2
  echo "       ${missing[*]}" >&2
  echo "       Install them (apt-get install ${missing[*]}) and run make test again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq
"${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
