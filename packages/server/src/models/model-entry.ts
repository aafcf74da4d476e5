/** A model as the registry holds it: its `model.json` settings and its versions. */
import type { ModelVersion } from '../lifecycle/model-version.js'
import type { RuntimeSettings } from '../runtime/settings.js'
import type { EmbeddingsSettings } from './embeddings-settings.js'
import type { ModelSource, Task } from './source.js'

export interface ModelEntry {
  readonly name: string
  readonly task: Task
  readonly origin: ModelSource['origin']
  /** Batching and ONNX Runtime settings from `model.json`, passed to the loader. */
  readonly runtime?: RuntimeSettings
  /** For task `embeddings`: tokenizer and pooling settings from `model.json`. */
  readonly embeddings?: EmbeddingsSettings
  /** `model.json` `keep_alive_ms`, when it says. */
  readonly keepAliveMs?: number | false
  readonly created: number
  /** Versions in ascending numeric order; the newest that takes requests is served by default. */
  readonly versions: ModelVersion[]
}

/** The entry for a model's source: its settings, `created` (seconds) and its versions, in order. */
export function entryOf(source: ModelSource, created: number, versions: ModelVersion[]): ModelEntry {
  return {
    name: source.name,
    task: source.task,
    origin: source.origin,
    ...(source.runtime && { runtime: source.runtime }),
    ...(source.embeddings && { embeddings: source.embeddings }),
    ...(source.keepAliveMs !== undefined && { keepAliveMs: source.keepAliveMs }),
    created,
    versions,
  }
}
