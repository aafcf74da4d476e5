#!/usr/bin/env bash
# The first minutes of a newcomer, timed: a fresh clone of this repository, then the README's two
# commands as written. Reports how long each step took, how soon the server was ready, the memory of
# its process tree, and that Ctrl-C stopped it cleanly; exits non-zero when a step fails.
#
#   scripts/newcomer.sh              clone, install, first start (builds), second start (built)
#   scripts/newcomer.sh --with-tests also the README's test command in the clone
#
# The clone is of the committed HEAD (uncommitted changes are not in it), in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
with_tests=0
[ "${1:-}" = --with-tests ] && with_tests=1

work=$(mktemp -d "${TMPDIR:-/tmp}/modelport-newcomer-XXXXXX")
trap 'rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }
report=()
say() { report+=("$1"); echo "newcomer: $1" >&2; }

# A free loopback port, so the run never meets another server on 8080.
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

start=$(now_ms)
git clone --quiet "$repo" "$work/modelport"
say "clone: $(($(now_ms) - start)) ms"
cd "$work/modelport"

start=$(now_ms)
npx -y pnpm@10 install --frozen-lockfile >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
say "install: $(($(now_ms) - start)) ms"
if grep -q 'WARN' "$work/install.log"; then
  grep 'WARN' "$work/install.log" >&2
  say "install printed warnings (above)"
  exit 1
fi

# Starts the README's start command in its own process group and waits until it is ready: sets
# `server` (the group's leader) and `ready` (milliseconds from the command to readiness).
serve() {
  local log=$1 began
  shift
  began=$(now_ms)
  PORT=$port setsid "$@" >"$log" 2>&1 &
  server=$!
  # Ten minutes at most: the first start builds, which on a busy machine takes minutes.
  local deadline=$((began + 600000))
  while [ "$(now_ms)" -lt $deadline ]; do
    if curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null; then
      ready=$(($(now_ms) - began))
      return 0
    fi
    kill -0 $server 2>/dev/null || break
    sleep 0.05
  done
  cat "$log" >&2
  return 1
}

# Ctrl-C as a terminal sends it: to the whole group. The server must say it stopped, and be gone.
stop() {
  local log=$1
  kill -INT -"$server"
  for _ in $(seq 1 400); do
    kill -0 -"$server" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 -"$server" 2>/dev/null; then
    kill -KILL -"$server"
    say "Ctrl-C did not stop the server"
    exit 1
  fi
  grep -q '"msg":"stopped"' "$log" || { cat "$log" >&2; say "no 'stopped' line after Ctrl-C"; exit 1; }
  if grep -q 'ELIFECYCLE' "$log"; then
    say "pnpm reported a failed command after Ctrl-C"
    exit 1
  fi
}

# Resident memory of the whole process tree (pnpm, the start script, the server), in MiB.
tree_rss() {
  ps -o rss= -g "$server" | awk '{ kib += $1 } END { printf "%d", kib / 1024 }'
}

serve "$work/first.log" npx -y pnpm@10 start
say "first start (builds first): ready after $ready ms"
stop "$work/first.log"

serve "$work/second.log" npx -y pnpm@10 start
rss=$(tree_rss)
server_rss=$(ps -o rss=,args= -g "$server" | awk '/dist\/cli.js serve/ { printf "%d", $1 / 1024 }')
say "second start (built, npx -y pnpm@10 start): ready after $ready ms; memory ${rss} MiB for the process tree, ${server_rss} MiB for the server"
curl -sf "http://127.0.0.1:$port/v2/models/simplenet/infer" \
  -d '{"inputs": [{"name": "x", "shape": [1, 10], "datatype": "FP32", "data": [0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4]}]}' \
  >/dev/null || { say "the quick start's request failed"; exit 1; }
stop "$work/second.log"
say "Ctrl-C: drained and stopped, no failure reported"

# With pnpm installed, the README's `pnpm start`: no npx in front of it.
if command -v pnpm >/dev/null; then
  serve "$work/third.log" pnpm start
  rss=$(tree_rss)
  say "pnpm start (built): ready after $ready ms; memory ${rss} MiB for the process tree"
  stop "$work/third.log"
fi

if [ $with_tests = 1 ]; then
  start=$(now_ms)
  npx -y pnpm@10 install && npx -y pnpm@10 test
  say "tests: $(($(now_ms) - start)) ms"
fi

printf '%s\n' "${report[@]}"
