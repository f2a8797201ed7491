# Sourced by test.sh: make sure the real services the tests use are here.
# PostgreSQL 15 (installed if missing and we are root), a role and a database for the tests.
pg_ready() { command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql/*/main >/dev/null 2>&1; }
if ! pg_ready && [ "$(id -u)" = 0 ]; then
  echo "Installing PostgreSQL…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
fi
if [ -z "${TEST_DATABASE_URL:-}" ] && pg_ready; then
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  me=$(id -un)
  if [ "$me" = root ]; then
    su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 \
      || su postgres -c "createuser -s root"
  fi
  psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='contract_desk_test'" | grep -q 1 \
    || createdb contract_desk_test
  export TEST_DATABASE_URL="postgresql:///contract_desk_test"
fi
if [ -n "${CI:-}" ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "CI needs PostgreSQL for the tests and could not start it." >&2
  exit 1
fi
# Debian's Chromium for the end-to-end checks (never a downloaded browser).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  echo "Installing Chromium…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
if [ -n "${CI:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "CI needs /usr/bin/chromium for the browser tests." >&2
  exit 1
fi
# DejaVu fonts: the PDF reports embed them (Unicode text); tests read the PDFs back.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core) >/dev/null
fi
# OCR for scanned contracts (extraction runs ocrmypdf when it is on PATH; a test covers it).
if ! command -v ocrmypdf >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing ocrmypdf…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ocrmypdf) >/dev/null
fi
