#!/usr/bin/env bash
# Quick start: set up, migrate, seed the demo company if the store is empty, run the app.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
.venv/bin/python cli.py demo seed --if-empty
exec .venv/bin/streamlit run app.py "$@"
