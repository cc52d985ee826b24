# Puts the tools the setup installed on this shell's PATH: Node 24 and pnpm (under
# ~/.cache/stevedore/tools when the machine's Node was too old) and the project's own
# binaries (pm2, nest, typeorm). Source it: `source scripts/env.sh`.
_stevedore_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export PATH="${STEVEDORE_TOOLS:-$HOME/.cache/stevedore/tools}/bin:$_stevedore_root/node_modules/.bin:$PATH"
unset _stevedore_root
