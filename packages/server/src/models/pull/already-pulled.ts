/** Whether a model folder already holds what a pull would write: the same source, and every file at its listed size. */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { HubFile } from './hub.js'

export interface PulledSource {
  hub: string
  repo: string
  commit: string
  file: string
}

/** The files and model.json found in `dir` if they came from `source`, else undefined. */
export async function alreadyPulled(
  dir: string,
  wanted: Map<string, HubFile>,
  modelJson: Record<string, unknown>,
  source: PulledSource,
): Promise<{ files: { name: string; bytes: number }[]; modelJson: Record<string, unknown> } | undefined> {
  const recorded = (modelJson.source ?? {}) as Partial<PulledSource>
  const same = (Object.keys(source) as (keyof PulledSource)[]).every((key) => recorded[key] === source[key])
  if (!same) return undefined
  const files: { name: string; bytes: number }[] = []
  for (const [local, file] of wanted) {
    const bytes = (await stat(join(dir, local)).catch(() => undefined))?.size
    if (bytes === undefined || (file.size !== undefined && bytes !== file.size)) return undefined
    files.push({ name: local, bytes })
  }
  return { files, modelJson }
}
