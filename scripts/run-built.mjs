#!/usr/bin/env node
// @ts-check
/**
 * `node scripts/run-built.mjs <modelport|gen-client> [args…]`: runs a CLI of this repository from its
 * build with plain `node`, building first when the build is missing or older than its sources.
 * `pnpm start`, `pnpm modelport …` and `pnpm gen-client …` are this script.
 *
 * Signals: Node cannot replace its own process (no exec on Node 20), so the CLI runs as a child in
 * this process's group. A signal sent to the whole group (Ctrl-C in a terminal, systemd's default
 * `KillMode=control-group`) reaches the child directly; one sent to this process alone (or relayed by
 * pnpm) must be passed on, or the child would never hear it. So every signal is passed on, and the
 * server takes a repeat that arrives within a second as the same stop, not as "stop at once".
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const at = (/** @type {string} */ path) => join(root, path)

const commands = {
  modelport: at('packages/server/dist/cli.js'),
  'gen-client': at('packages/sdk/bin/modelport-gen-client.js'),
}

/** What the build reads, and what it writes; the build is fresh when every output is newer. */
const sources = [
  'packages/sdk/src',
  'packages/sdk/package.json',
  'packages/sdk/tsup.config.ts',
  'packages/server/src',
  'packages/server/package.json',
  'packages/server/tsup.config.ts',
  'packages/server/scripts/edge-build.ts',
]
const outputs = [
  'packages/sdk/dist/index.js',
  'packages/sdk/dist/codegen.js',
  'packages/server/dist/cli.js',
  'packages/server/dist/edge.js',
]

/** @param {string} path @returns {number} the newest modification time under path, 0 if absent */
function newest(path) {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

/** @returns {string | undefined} why a build is needed, if it is */
function staleReason() {
  const oldestOutput = Math.min(...outputs.map((path) => newest(at(path)) || Number.NEGATIVE_INFINITY))
  if (oldestOutput === Number.NEGATIVE_INFINITY) return 'no build yet'
  const changed = sources.find((path) => newest(at(path)) > oldestOutput)
  return changed ? `${changed} changed since the last build` : undefined
}

function build() {
  // Under `pnpm …`, npm_execpath is the pnpm that runs us: use the same one, even when it came from npx.
  const pnpm = process.env.npm_execpath
  const [command, args] =
    pnpm && /pnpm/.test(pnpm) ? [process.execPath, [pnpm, 'build']] : ['pnpm', ['build']]
  // The build's output goes to stderr, so stdout carries only what the command itself prints.
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2] })
  if (result.error)
    throw new Error(`cannot run the build (${result.error.message}); run 'pnpm build' yourself`)
  if (result.status !== 0) throw new Error(`the build failed (exit ${result.status}); see its output above`)
}

const [name, ...args] = process.argv.slice(2)
const entry = commands[/** @type {keyof typeof commands} */ (name)]
if (!entry) {
  console.error(`Usage: node scripts/run-built.mjs <${Object.keys(commands).join('|')}> [args…]`)
  process.exit(2)
}
/** Builds unless fresh; one build at a time, so two commands started together do not both write dist/. */
function ensureBuilt() {
  const lock = at('node_modules/.modelport-build.lock')
  const started = Date.now()
  for (;;) {
    if (!staleReason()) return
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST')
        throw new Error(`cannot build: ${/** @type {Error} */ (error).message} (did 'pnpm install' run?)`)
      // Another command is building; a lock older than ten minutes was left by a build that died.
      if (Date.now() - newest(lock) > 600_000) rmSync(lock, { recursive: true, force: true })
      else if (Date.now() - started > 600_000)
        throw new Error(`waited ten minutes for the build that holds ${lock}`)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250)
    }
  }
  try {
    const reason = staleReason()
    if (reason) {
      console.error(`Building first: ${reason} (pnpm build).`)
      build()
    }
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

try {
  ensureBuilt()
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}

const child = spawn(process.execPath, [entry, ...args], { cwd: process.cwd(), stdio: 'inherit' })
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)
})
