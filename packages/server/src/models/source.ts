import type { components } from '@modelport/sdk'

export type Task = components['schemas']['Task']

/** Where a model's versions come from: the built-in set or the model repository. */
export interface ModelSource {
  name: string
  task: Task
  origin: 'builtin' | 'repository'
  /** Version → model file, versions as numeric strings. */
  versions: Map<string, string>
}
