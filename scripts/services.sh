# Sourced by test.sh: make sure the real things the tests use are here, then start PostgreSQL.
# Debian packages: PostgreSQL, Chromium (browser tests; never a downloaded browser),
# DejaVu fonts (PDF reports embed them), ocrmypdf (OCR of scanned contracts).
need=()
ls /etc/postgresql/*/main >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v ocrmypdf >/dev/null 2>&1 || need+=(ocrmypdf)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need[*]}…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") \
      >/dev/null
  else
    echo "Missing Debian packages: ${need[*]} (run as root, or install them)." >&2
  fi
fi

if [ -z "${TEST_DATABASE_URL:-}" ] && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  if [ "$(id -un)" = root ]; then
    su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 \
      || su postgres -c "createuser -s root"
  fi
  psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='contract_desk_test'" \
    | grep -q 1 || createdb contract_desk_test
  export TEST_DATABASE_URL="postgresql:///contract_desk_test"
fi
if [ -n "${CI:-}" ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "CI needs PostgreSQL for the tests and could not start it." >&2
  exit 1
fi
if [ -n "${CI:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "CI needs /usr/bin/chromium for the browser tests." >&2
  exit 1
fi
