import type { components } from '@modelport/sdk'
import type { FeedbackSettings } from '../quality/feedback-settings.js'
import type { RolloutSettings } from '../rollout/rollout-settings.js'
import type { RuntimeSettings } from '../runtime/settings.js'
import type { EmbeddingsSettings } from './embeddings-settings.js'

export type Task = components['schemas']['Task']

/** Where a model's versions come from: the built-in set or the model repository. */
export interface ModelSource {
  name: string
  task: Task
  origin: 'builtin' | 'repository'
  /** Version → model file, versions as numeric strings. */
  versions: Map<string, string>
  /** Version → the file's size and modification time, so a rescan can tell a changed file. */
  stamps?: Map<string, string>
  /** `model.json` `keep_alive_ms`: release idle sessions after this long; `false` never (default: the server's). */
  keepAliveMs?: number | false
  /** Batching and ONNX Runtime settings from `model.json`. */
  runtime?: RuntimeSettings
  /** For task `embeddings`: the tokenizer and pooling settings from `model.json`. */
  embeddings?: EmbeddingsSettings
  /** `model.json` `rollout`: canary and shadow versions, and when to roll them back. */
  rollout?: RolloutSettings
  /** `model.json` `feedback`: the model's answers wait for ground truth (quality monitoring). */
  feedback?: FeedbackSettings
}

/** Reads models from where they live (the model repository on disk), when one is loaded again. */
export interface ModelSourceReader {
  /** The model's source now; undefined when there is no such model. Throws with what to fix when it cannot be read. */
  read(name: string): Promise<ModelSource | undefined>
  /** The names of every model there, loaded or not. */
  names(): Promise<string[]>
  /** Whether a folder of that name is there now (cheap and synchronous: said in a 404, not loaded). */
  has?(name: string): boolean
}
