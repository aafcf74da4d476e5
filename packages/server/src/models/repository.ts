/**
 * The model repository on disk: `<name>/<version>/model.onnx` (numeric versions) or `<name>/model.onnx`,
 * with an optional `<name>/model.json`.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MODEL_NAME, MODEL_VERSION } from './names.js'
import type { ModelSource, Task } from './source.js'

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

/** Lists the models in `root`; a missing folder is an empty repository. */
export async function scanRepository(root: string): Promise<ScanResult> {
  const result: ScanResult = { models: [], skipped: [] }
  if (!existsSync(root)) return result
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const dir = join(root, entry.name)
    if (!MODEL_NAME.test(entry.name)) {
      result.skipped.push({ path: dir, reason: 'the folder name is not a valid model name' })
      continue
    }
    const versions = new Map<string, string>()
    for (const sub of await readdir(dir, { withFileTypes: true })) {
      const file = join(dir, sub.name, 'model.onnx')
      if (sub.isDirectory() && MODEL_VERSION.test(sub.name) && existsSync(file)) {
        versions.set(String(BigInt(sub.name)), file)
      }
    }
    if (versions.size === 0 && existsSync(join(dir, 'model.onnx'))) versions.set('1', join(dir, 'model.onnx'))
    if (versions.size === 0) {
      result.skipped.push({ path: dir, reason: 'no model.onnx in it or in a numeric version folder' })
      continue
    }
    try {
      result.models.push({ name: entry.name, task: await readTask(dir), origin: 'repository', versions })
    } catch (error) {
      result.skipped.push({ path: join(dir, 'model.json'), reason: (error as Error).message })
    }
  }
  return result
}
