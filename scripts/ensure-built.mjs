#!/usr/bin/env node
// @ts-check
/**
 * `node scripts/ensure-built.mjs`: builds the packages (`pnpm build`) when their build is missing or
 * older than its sources, and does nothing otherwise. `pnpm start`, `pnpm modelport …` and
 * `pnpm gen-client …` run it, then replace their shell with the built command run by plain `node`
 * (`… && exec node packages/server/dist/cli.js serve`): no wrapper process stays between pnpm and the
 * server, so the server is pnpm's child and receives signals as pnpm's child does.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const at = (/** @type {string} */ path) => join(root, path)

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
