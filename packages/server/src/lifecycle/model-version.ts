/** A registered version of a model: where its file is, and its life (state, sessions, statistics). */
import type { LoadedModel } from '../runtime/types.js'
import type { ManagedModel, VersionState } from './managed-model.js'

export class ModelVersion {
  constructor(
    readonly version: string,
    readonly file: string,
    /** The file's size and modification time when registered: a rescan reloads a version whose file changed. */
    readonly stamp: string | undefined,
    readonly managed: ManagedModel,
  ) {}

  get state(): VersionState {
    return this.managed.state
  }

  /** Whether requests are taken: loaded, or released when idle and loaded again by the next request. */
  get accepting(): boolean {
    return this.managed.accepting
  }

  /** The model to run (it loads on demand), once its signature is known from a first load. */
  get model(): LoadedModel | undefined {
    return this.managed.described ? this.managed : undefined
  }

  /** Why loading failed; for logs, never sent to clients. */
  get error(): string | undefined {
    return this.managed.error
  }
}
