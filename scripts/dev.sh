#!/usr/bin/env bash
# The README's first command: API on :3000 and a worker on :3001 with local defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_node
ensure_chromium
ensure_dependencies
ensure_video_encoder
ensure_env_file
# The service URLs as the app will see them (environment first, then .env).
env_value() { (cd "$ROOT" && node -e 'process.loadEnvFile(".env"); process.stdout.write(process.env[process.argv[1]] || "")' "$1"); }
DATABASE_URL="$(env_value DATABASE_URL)" REDIS_URL="$(env_value REDIS_URL)" ensure_services
ensure_database "$(env_value DATABASE_URL)"
cd "$ROOT"
say "node, pnpm and pm2 for another shell: source scripts/env.sh"
exec pnpm dev
