/**
 * The model a routed (unpinned) request runs while a rollout is under way: the version it was sent to,
 * measured, and — for a share of the stable version's requests — a copy of the run on the shadow
 * version, whose answer is dropped and whose outcome only counts.
 */
import { ModelportError } from '../core/errors.js'
import type { ModelVersion } from '../lifecycle/model-version.js'
import type { HostTensor, LoadedModel, TensorMetadata } from '../runtime/types.js'

export type RolloutRole = 'stable' | 'canary' | 'shadow'

/** Where the routed runs report to (the rollouts that made them). */
export interface RunReports {
  ran(version: string, role: RolloutRole, failed: boolean, ms: number): void
  /** Starts a shadow run unless too many are under way; returns whether it may start. */
  claimShadow(): boolean
  releaseShadow(): void
}

type Tensors = Record<string, HostTensor>

/** A failure of the version itself; a refusal of the request (a 4xx) says nothing about the version. */
export const isVersionFailure = (error: unknown): boolean =>
  !(error instanceof ModelportError) || error.status >= 500

export class RoutedModel implements LoadedModel {
  /** The shadow's answer to the last run, once it has one (undefined when it failed or was not run). */
  shadowAnswer: Promise<{ version: string; results: Tensors } | undefined> | undefined

  constructor(
    readonly version: ModelVersion,
    readonly role: RolloutRole,
    readonly shadow: ModelVersion | undefined,
    readonly reports: RunReports,
  ) {}

  get platform(): string {
    return this.version.managed.platform
  }

  get inputs(): TensorMetadata[] {
    return this.version.managed.inputs
  }

  get outputs(): TensorMetadata[] {
    return this.version.managed.outputs
  }

  async run(inputs: Tensors, outputs: string[]): Promise<Tensors> {
    const started = performance.now()
    let results: Tensors
    try {
      results = await this.version.managed.run(inputs, outputs)
    } catch (error) {
      if (isVersionFailure(error))
        this.reports.ran(this.version.version, this.role, true, performance.now() - started)
      throw error
    }
    this.reports.ran(this.version.version, this.role, false, performance.now() - started)
    // After the answer, so the shadow never delays it; the inputs are not changed by either run.
    if (this.shadow && this.reports.claimShadow())
      this.shadowAnswer = this.#runShadow(this.shadow, inputs, outputs)
    return results
  }

  /** Never rejects: a shadow's failure is counted, and never reaches the client. */
  async #runShadow(shadow: ModelVersion, inputs: Tensors, outputs: string[]) {
    const started = performance.now()
    try {
      const results = await shadow.managed.run(inputs, outputs)
      this.reports.ran(shadow.version, 'shadow', false, performance.now() - started)
      return { version: shadow.version, results }
    } catch (error) {
      if (isVersionFailure(error))
        this.reports.ran(shadow.version, 'shadow', true, performance.now() - started)
      return undefined
    } finally {
      this.reports.releaseShadow()
    }
  }

  /** Never disposes: the registry owns the versions' sessions. */
  async dispose(): Promise<void> {}
}
