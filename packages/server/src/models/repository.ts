/**
 * The model repository on disk: `<name>/<version>/model.onnx` (numeric versions) or `<name>/model.onnx`,
 * with an optional `<name>/model.json`.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseKeepAlive } from '../lifecycle/keep-alive.js'
import { MODEL_NAME, MODEL_VERSION } from '../lifecycle/model-names.js'
import { readFeedbackSettings } from '../quality/feedback-settings.js'
import { readRolloutSettings } from '../rollout/rollout-settings.js'
import { parseRuntimeSettings, type RuntimeSettings } from '../runtime/settings.js'
import { readEmbeddingsSettings } from './embeddings-settings.js'
import { checkModelJsonKeys } from './model-json-keys.js'
import type { ModelSource, ModelSourceReader, Task } from './source.js'

const tasks: Task[] = ['raw', 'embeddings', 'ocr', 'vad', 'chat']

export interface ScanResult {
  models: ModelSource[]
  /** Folders that were passed over, and why; the server logs them at start-up. */
  skipped: { path: string; reason: string }[]
}

async function readTask(dir: string): Promise<Task> {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) return 'raw'
  const config = JSON.parse(await readFile(file, 'utf8')) as { task?: unknown }
  if (config.task === undefined) return 'raw'
  if (!tasks.includes(config.task as Task)) throw new Error(`task must be one of ${tasks.join(', ')}`)
  return config.task as Task
}

/** The batching and ONNX Runtime fields of `model.json`, if it has any. */
async function readRuntime(dir: string): Promise<RuntimeSettings | undefined> {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) return undefined
  return parseRuntimeSettings(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>)
}

/** Refuses a `model.json` with a key nothing reads (a misspelling would be ignored otherwise). */
async function checkKeys(dir: string): Promise<void> {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) return
  const config = JSON.parse(await readFile(file, 'utf8')) as unknown
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Error('model.json must hold a JSON object')
  checkModelJsonKeys(config as Record<string, unknown>)
}

/** `model.json` `keep_alive_ms`, if it says. */
async function readKeepAlive(dir: string): Promise<number | false | undefined> {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) return undefined
  return parseKeepAlive(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>)
}

/** `model.json` `rollout` and `feedback`, if it says. */
async function readLifecycle(dir: string) {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) return {}
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  const rollout = readRolloutSettings(config)
  const feedback = readFeedbackSettings(config)
  return { ...(rollout && { rollout }), ...(feedback && { feedback }) }
}

type FolderScan = { model: ModelSource } | { skipped: ScanResult['skipped'][number] } | undefined

/** One model folder of the repository: its source, why it was skipped, or undefined if there is no folder. */
async function scanModelFolder(root: string, name: string): Promise<FolderScan> {
  const dir = join(root, name)
  if (!existsSync(dir) || !(await stat(dir)).isDirectory()) return undefined
  if (!MODEL_NAME.test(name))
    return { skipped: { path: dir, reason: 'the folder name is not a valid model name' } }
  const versions = new Map<string, string>()
  for (const sub of await readdir(dir, { withFileTypes: true })) {
    const file = join(dir, sub.name, 'model.onnx')
    if (sub.isDirectory() && MODEL_VERSION.test(sub.name) && existsSync(file)) {
      versions.set(String(BigInt(sub.name)), file)
    }
  }
  if (versions.size === 0 && existsSync(join(dir, 'model.onnx'))) versions.set('1', join(dir, 'model.onnx'))
  if (versions.size === 0) {
    return { skipped: { path: dir, reason: 'no model.onnx in it or in a numeric version folder' } }
  }
  const stamps = new Map<string, string>()
  for (const [version, file] of versions) {
    const { size, mtimeMs } = await stat(file)
    stamps.set(version, `${size}:${mtimeMs}`)
  }
  try {
    await checkKeys(dir)
    const runtime = await readRuntime(dir)
    const task = await readTask(dir)
    const embeddings = task === 'embeddings' ? await readEmbeddingsSettings(dir) : undefined
    const keepAliveMs = await readKeepAlive(dir)
    const lifecycle = await readLifecycle(dir)
    return {
      model: {
        name,
        task,
        origin: 'repository',
        versions,
        stamps,
        ...(runtime && { runtime }),
        ...(embeddings && { embeddings }),
        ...(keepAliveMs !== undefined && { keepAliveMs }),
        ...lifecycle,
      },
    }
  } catch (error) {
    return { skipped: { path: join(dir, 'model.json'), reason: (error as Error).message } }
  }
}

/** Lists the models in `root`; a missing folder is an empty repository. */
export async function scanRepository(root: string): Promise<ScanResult> {
  const result: ScanResult = { models: [], skipped: [] }
  if (!existsSync(root)) return result
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const scanned = await scanModelFolder(root, entry.name)
    if (scanned && 'model' in scanned) result.models.push(scanned.model)
    else if (scanned) result.skipped.push(scanned.skipped)
  }
  return result
}

/** The repository as the registry reads it when a model is loaded again, and for the repository index. */
export function repositoryReader(root: string): ModelSourceReader {
  return {
    async read(name) {
      const scanned = await scanModelFolder(root, name)
      if (scanned && 'skipped' in scanned) throw new Error(scanned.skipped.reason)
      return scanned?.model
    },
    has(name) {
      return MODEL_NAME.test(name) && existsSync(join(root, name))
    },
    async names() {
      if (!existsSync(root)) return []
      const entries = await readdir(root, { withFileTypes: true })
      return entries.filter((e) => e.isDirectory() && MODEL_NAME.test(e.name)).map((e) => e.name)
    },
  }
}
