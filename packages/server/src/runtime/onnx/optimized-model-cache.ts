/**
 * ONNX Runtime's optimized graphs, saved once per model file and reused on the next start. A session
 * created at level `all` spends most of its start-up optimizing the graph; the saved graph is loaded
 * with optimization off instead (PP-OCRv4 det and rec: about 40% less creation time, see the lifecycle
 * docs). A graph saved at level `all` is specific to the CPU it was optimized on (ONNX Runtime warns so),
 * hence the CPU in the key.
 *
 * The cache is a help, never a requirement: a directory that cannot be written turns it off (said once);
 * a cached file that fails to load is deleted and the original loaded; files are written under a
 * temporary name and renamed, so a reader never sees half a file.
 */
import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { access, constants, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { arch, cpus, homedir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { threadId } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'

export interface OptimizedModelCacheOptions {
  /**
   * Where saved graphs live; `false` turns saving off. Unset: `MODELPORT_CACHE_DIR` (`off` turns it
   * off), else `$XDG_CACHE_HOME/modelport`, else `~/.cache/modelport`, with `optimized-models/` inside.
   */
  optimizedModelCache?: string | false
}

export type CacheOutcome =
  /** The graph was optimized and saved for the next start. */
  | 'saved'
  /** A saved graph was loaded, without optimizing again. */
  | 'reused'
  /** A saved graph failed to load: it was deleted and the original file loaded. */
  | 'replaced'
  /** No cache: turned off, not writable, or nothing to save (optimization disabled). */
  | 'off'

export interface CacheContext {
  /** Describes the CPU; injectable so that tests can play another machine. */
  cpu?: string
  /** Told once per directory that cannot be used. */
  warn?: (message: string) => void
  /** Creates a session; injectable so that tests can make saving fail. */
  create?: (path: string, options: SessionOptions) => Promise<ort.InferenceSession>
}

type SessionOptions = ort.InferenceSession.SessionOptions

const warnedDirectories = new Set<string>()
const defaultWarn = (message: string) => process.emitWarning(message, { code: 'MODELPORT_OPTIMIZED_CACHE' })

/**
 * The machine's cache folder rather than one inside the model repository: a repository is often
 * read-only (a mounted volume, an image layer) or shared by machines with other CPUs, it is watched for
 * changes (writes would look like new models), and the built-in models live inside installed packages.
 */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | false {
  const given = env.MODELPORT_CACHE_DIR
  if (given === 'off') return false
  const base =
    given ||
    (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'modelport') : join(homedir(), '.cache', 'modelport'))
  return join(base, 'optimized-models')
}

let cpuDescription: string | undefined

/** The architecture, the CPU model and its feature flags: what decides which kernels a graph uses. */
export function describeCpu(): string {
  if (cpuDescription) return cpuDescription
  let flags = ''
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8')
    flags = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? ''
  } catch {
    // Not Linux: the model name and the architecture have to do.
  }
  cpuDescription = `${arch()}|${cpus()[0]?.model ?? 'unknown'}|${flags}`
  return cpuDescription
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * The entry's file name: one prefix per model file (so that an entry replaces its predecessors) and a
 * key over what the saved graph depends on. The file is identified by its path and its stat (size,
 * modification and change times, inode), not by hashing its bytes: reading and hashing PP-OCRv4 rec
 * (10.8 MB) took ~30 ms, most of what the cache saves.
 */
async function entryName(file: string, options: SessionOptions, cpu: string) {
  const path = resolve(file)
  const { size, mtimeMs, ctimeMs, ino } = await stat(path)
  const key = JSON.stringify({
    path,
    size,
    mtimeMs,
    ctimeMs,
    ino,
    ort: ort.env.versions.common,
    options,
    cpu,
  })
  const prefix = sha256(path).slice(0, 16)
  return { prefix, name: `${prefix}-${sha256(key).slice(0, 32)}.onnx` }
}

/** Whether the directory exists (or can be made) and can be written; says why not once. */
async function usableDirectory(directory: string, warn: (message: string) => void): Promise<boolean> {
  try {
    await mkdir(directory, { recursive: true })
    await access(directory, constants.W_OK)
    return true
  } catch (error) {
    if (!warnedDirectories.has(directory)) {
      warnedDirectories.add(directory)
      warn(
        `Optimized models are not saved: ${directory} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); models load without the cache.`,
      )
    }
    return false
  }
}

/** Entries of model files not loaded for this long are deleted (those files are likely gone). */
const UNUSED_ENTRY_MS = 30 * 24 * 3600_000
/** Temporary files this old were left by a process that died while saving. */
const STALE_TEMPORARY_MS = 10 * 60_000

/**
 * Keeps the directory to about one entry per model file in use: the model file's older entries (saved
 * graphs and markers) go, and so do entries unused for 30 days and temporary files left behind. Reuse
 * refreshes an entry's time.
 */
async function prune(directory: string, prefix: string, keep: string) {
  const now = Date.now()
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    if (name === keep) continue
    const path = join(directory, name)
    const modified = (await stat(path).catch(() => undefined))?.mtimeMs
    if (modified === undefined) continue
    const isEntry = !name.endsWith('.tmp')
    const stale = now - modified > (isEntry ? UNUSED_ENTRY_MS : STALE_TEMPORARY_MS)
    if ((isEntry && name.startsWith(`${prefix}-`)) || stale) await rm(path, { force: true })
  }
}

const exists = (path: string) =>
  stat(path).then(
    (found) => found.isFile(),
    () => false,
  )

/**
 * Creates a session for `file`, from its saved optimized graph when there is one for this file, ONNX
 * Runtime version, session options and CPU, else from the file itself, saving the optimized graph.
 */
export async function createOptimizedSession(
  file: string,
  options: SessionOptions,
  cache: OptimizedModelCacheOptions = {},
  context: CacheContext = {},
): Promise<{ session: ort.InferenceSession; outcome: CacheOutcome }> {
  const create = context.create ?? ((path, given) => ort.InferenceSession.create(path, given))
  const plain = async (outcome: CacheOutcome) => ({ session: await create(file, options), outcome })
  const directory = cache.optimizedModelCache ?? defaultCacheDirectory()
  if (directory === false || options.graphOptimizationLevel === 'disabled') return plain('off')
  if (!(await usableDirectory(directory, context.warn ?? defaultWarn))) return plain('off')

  const { prefix, name } = await entryName(file, options, context.cpu ?? describeCpu())
  const saved = join(directory, name)
  if (await exists(saved)) {
    try {
      // Already optimized: optimizing again would only cost time.
      const session = await create(saved, { ...options, graphOptimizationLevel: 'disabled' })
      await utimes(saved, new Date(), new Date()).catch(() => {})
      return { session, outcome: 'reused' }
    } catch {
      await rm(saved, { force: true })
      return plain('replaced')
    }
  }
  // A graph that could not be saved once is not tried again on every start (each try costs a creation).
  const unsaveable = saved.replace(/\.onnx$/, '.unsaveable')
  if (await exists(unsaveable)) return plain('off')

  const temporary = join(directory, `${prefix}-${process.pid}-${threadId}-${randomUUID()}.tmp`)
  let session: ort.InferenceSession
  try {
    session = await create(file, { ...options, optimizedModelFilePath: temporary })
  } catch {
    await rm(temporary, { force: true })
    // Saving can fail where loading does not (a full disk, a model too large for one file); a file that
    // cannot be loaded fails again here, with ONNX Runtime's own message.
    const loaded = await plain('off')
    await writeFile(unsaveable, '').catch(() => {})
    await prune(directory, prefix, basename(unsaveable))
    return loaded
  }
  try {
    await rename(temporary, saved)
    await prune(directory, prefix, name)
  } catch {
    await rm(temporary, { force: true })
  }
  return { session, outcome: 'saved' }
}
