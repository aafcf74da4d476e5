/**
 * What reloading a model from a fresh look at its source means for its versions: those with the same
 * file and settings stay as they are, new or changed ones load first, and the rest go once the new
 * entry serves. Pure: the registry carries the plan out.
 */

import type { ModelVersion } from '../lifecycle/model-version.js'
import { entryOf, type ModelEntry } from './model-entry.js'
import type { ModelSource } from './source.js'

export interface ReloadPlan {
  /** The entry to serve once `load` is done. */
  entry: ModelEntry
  /** Versions to load first: new, changed, or not in memory. */
  load: ModelVersion[]
  /** Versions of the current entry that the new one does not keep. */
  dropped: ModelVersion[]
}

type Settings = Pick<ModelSource, 'task' | 'runtime' | 'embeddings' | 'keepAliveMs'>

/** Everything from `model.json` that a loaded session depends on. */
const settingsOf = (model: Settings) =>
  JSON.stringify([model.task, model.runtime ?? null, model.embeddings ?? null, model.keepAliveMs ?? null])

const byNumber = (a: ModelVersion, b: ModelVersion) =>
  BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0

export function planReload(
  current: ModelEntry | undefined,
  source: ModelSource,
  create: (version: string, file: string) => ModelVersion,
  created: number,
): ReloadPlan {
  const sameSettings = current !== undefined && settingsOf(current) === settingsOf(source)
  const load: ModelVersion[] = []
  const versions = [...source.versions].map(([version, file]) => {
    const kept = current?.versions.find((v) => v.version === version)
    if (sameSettings && kept && kept.file === file && kept.stamp === source.stamps?.get(version)) {
      if (kept.state === 'unloaded' || kept.state === 'unavailable') load.push(kept)
      return kept
    }
    const fresh = create(version, file)
    load.push(fresh)
    return fresh
  })
  versions.sort(byNumber)
  const entry = entryOf(source, current?.created ?? created, versions)
  const dropped = (current?.versions ?? []).filter((v) => !versions.includes(v))
  return { entry, load, dropped }
}
