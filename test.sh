#!/usr/bin/env bash
# Set up and run the whole test suite on SQLite and PostgreSQL, with a real browser and SMTP.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh dev
source scripts/services.sh   # starts PostgreSQL, exports TEST_DATABASE_URL; checks Chromium
set +e
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  exit 1
fi
exit "$rc"
