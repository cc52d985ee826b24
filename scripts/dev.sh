#!/usr/bin/env bash
# The README's first command: API on :3000 and a worker on :3001 with local defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_node
ensure_dependencies
ensure_env_file
set -a; source "$ROOT/.env"; set +a
ensure_services
ensure_database "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/stevedore}"
cd "$ROOT"
exec pnpm dev
