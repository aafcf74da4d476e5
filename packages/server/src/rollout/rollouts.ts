/**
 * Canary and shadow rollouts between the versions of each model. Unpinned requests go to the stable
 * version, or to the canary for its weight of them; a share of the stable version's requests is copied
 * to the shadow. Requests that name a version never pass through here. A candidate whose runs cross
 * the rollback thresholds over the window is rolled back by itself. Runtime-agnostic: time and
 * randomness are injected.
 */

import { type Clock, systemClock } from '../core/clock.js'
import { badRequest } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import type { ModelVersion } from '../lifecycle/model-version.js'
import type { LoadedModel } from '../runtime/types.js'
import { RollbackGuard } from './rollback-guard.js'
import { RolloutCounters } from './rollout-counters.js'
import type { RolloutSettings } from './rollout-settings.js'
import { type RolloutRole, RoutedModel, type RunReports } from './routed-model.js'

/** What a rollout reads of a registry entry: its name and versions (the registry's `ModelEntry`). */
interface VersionedModel {
  readonly name: string
  readonly versions: readonly ModelVersion[]
}

export interface RolloutsOptions {
  clock?: Clock
  random?: () => number
  log?: Logger
  /** Shadow runs under way at once, over all models; more are skipped and counted (default 4). */
  maxShadowRuns?: number
}

export interface RollbackRecord {
  version: string
  reason: 'error_rate' | 'p99_latency' | 'manual'
  message: string
  /** When, in milliseconds since the epoch. */
  at: number
}

interface ModelRollout {
  settings: RolloutSettings
  guards: Map<string, RollbackGuard>
  lastRollback?: RollbackRecord
  /** The `model.json` settings last applied, as JSON: a reload applies them again only once they change. */
  fromFile?: string
}

/** What the rollout API answers: the settings in force and the candidates' windows. */
export interface RolloutView {
  settings: RolloutSettings
  windows: { version: string; runs: number; failures: number }[]
  lastRollback?: RollbackRecord
}

const byNumber = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)

export class Rollouts {
  readonly #models = new Map<string, ModelRollout>()
  /** Runs, rollbacks and shadow runs, for the metrics. */
  readonly counters: RolloutCounters
  readonly #clock: Clock
  readonly #random: () => number
  readonly #log: Logger

  constructor(options: RolloutsOptions = {}) {
    this.#clock = options.clock ?? systemClock
    this.#random = options.random ?? Math.random
    this.#log = options.log ?? { info() {}, warn() {} }
    this.counters = new RolloutCounters(options.maxShadowRuns ?? 4)
  }

  /**
   * Applies `model.json` `rollout` when the model is registered or reloaded, unless the file says what
   * it said last time (so a reload does not undo a promotion made through the API). A version the file
   * names that the model lacks is logged and the rollout left as it was.
   */
  configure(name: string, settings: RolloutSettings | undefined, versions: string[]): void {
    const json = settings && JSON.stringify(settings)
    const current = this.#models.get(name)
    if (current?.fromFile === json) return
    if (!settings) {
      if (current?.fromFile !== undefined) this.#models.delete(name)
      return
    }
    try {
      this.#apply(name, settings, versions, undefined).fromFile = json
    } catch (error) {
      this.#log.warn('model.json rollout not applied', { model: name, reason: (error as Error).message })
    }
  }

  /** Sets a model's rollout through the API; 400 when it names a version the model does not have. */
  set(name: string, settings: RolloutSettings, versions: string[], served: string): RolloutView {
    this.#apply(name, settings, versions, served)
    this.#log.info('rollout set', { model: name, ...settings })
    return this.describe(name)
  }

  /** Ends a model's rollout: unpinned requests go to the newest version again. */
  clear(name: string): void {
    this.#models.delete(name)
  }

  /** The version unpinned requests go to, when a rollout says. */
  stable(name: string): string | undefined {
    return this.#models.get(name)?.settings.stable
  }

  /** The version and model an unpinned request runs; `served` is the stable version the registry found. */
  route(entry: VersionedModel, served: ModelVersion): { entry: ModelVersion; model: LoadedModel } {
    const rollout = this.#models.get(entry.name)
    const { canary, shadow } = rollout?.settings ?? {}
    if (!canary && !shadow) return { entry: served, model: served.managed }
    if (canary && canary.version !== served.version && this.#random() < canary.weight) {
      const version = accepting(entry, canary.version)
      if (version) return { entry: version, model: this.#routed(entry.name, version, 'canary', undefined) }
    }
    const mirrored =
      shadow && shadow.version !== served.version && this.#random() < shadow.share
        ? accepting(entry, shadow.version)
        : undefined
    return { entry: served, model: this.#routed(entry.name, served, 'stable', mirrored) }
  }

  /** Makes the canary (or else the shadow) the stable version; 400 when there is neither. */
  promote(name: string): RolloutView {
    const rollout = this.#models.get(name)
    const candidate = rollout?.settings.canary?.version ?? rollout?.settings.shadow?.version
    if (!rollout || candidate === undefined)
      throw badRequest('no_rollout_candidate', `Model '${name}' has no canary or shadow version to promote.`)
    const { rollback } = rollout.settings
    rollout.settings = { stable: candidate, ...(rollback && { rollback }) }
    rollout.guards.clear()
    this.#log.info('rollout promoted', { model: name, stable: candidate })
    return this.describe(name)
  }

  /** Takes the canary and shadow out of the rollout; the stable version takes every request. */
  rollback(name: string): RolloutView {
    const rollout = this.#models.get(name)
    const { canary, shadow } = rollout?.settings ?? {}
    if (!rollout || (!canary && !shadow))
      throw badRequest(
        'no_rollout_candidate',
        `Model '${name}' has no canary or shadow version to roll back.`,
      )
    for (const version of new Set([canary?.version, shadow?.version]))
      if (version !== undefined)
        this.#rollBack(name, rollout, version, 'manual', 'rolled back through the API')
    return this.describe(name)
  }

  describe(name: string): RolloutView {
    const rollout = this.#models.get(name)
    if (!rollout) return { settings: {}, windows: [] }
    const now = this.#clock.now()
    const windows = [...rollout.guards].map(([version, guard]) => ({ version, ...guard.window(now) }))
    return {
      settings: rollout.settings,
      windows,
      ...(rollout.lastRollback && { lastRollback: rollout.lastRollback }),
    }
  }

  #apply(name: string, settings: RolloutSettings, versions: string[], served: string | undefined) {
    const known = new Set(versions)
    for (const [field, version] of [
      ['stable', settings.stable],
      ['canary.version', settings.canary?.version],
      ['shadow.version', settings.shadow?.version],
    ] as const) {
      if (version !== undefined && !known.has(version))
        throw badRequest(
          'version_not_found',
          `rollout.${field}: model '${name}' has no version ${version} (it has ${versions.join(', ')}).`,
          'version',
        )
    }
    const candidates = new Set([settings.canary?.version, settings.shadow?.version])
    candidates.delete(undefined)
    let stable = settings.stable
    // With a candidate and no stable version named, the one served now stays stable (else the newest other one).
    if (stable === undefined && candidates.size > 0)
      stable =
        served !== undefined && !candidates.has(served)
          ? served
          : [...versions]
              .sort(byNumber)
              .reverse()
              .find((v) => !candidates.has(v))
    if (candidates.size > 0 && stable === undefined)
      throw badRequest(
        'no_stable_version',
        `Model '${name}' has no version besides the candidate to keep stable.`,
      )
    if (stable !== undefined && candidates.has(stable))
      throw badRequest(
        'candidate_is_stable',
        `rollout: version ${stable} cannot be both stable and a candidate.`,
      )
    const guards = new Map<string, RollbackGuard>()
    if (settings.rollback)
      for (const version of candidates)
        if (version !== undefined) guards.set(version, new RollbackGuard(settings.rollback))
    const rollout: ModelRollout = {
      settings: { ...settings, ...(stable !== undefined && { stable }) },
      guards,
      ...(this.#models.get(name)?.lastRollback && { lastRollback: this.#models.get(name)?.lastRollback }),
    }
    this.#models.set(name, rollout)
    return rollout
  }

  #routed(model: string, version: ModelVersion, role: RolloutRole, shadow: ModelVersion | undefined) {
    return new RoutedModel(version, role, shadow, this.#reports(model))
  }

  #reports(model: string): RunReports {
    const { counters } = this
    return {
      ran: (version, role, failed, ms) => this.#ran(model, version, role, failed, ms),
      claimShadow: () => counters.claimShadow(),
      releaseShadow: () => counters.releaseShadow(),
    }
  }

  #ran(model: string, version: string, role: RolloutRole, failed: boolean, ms: number): void {
    this.counters.ran(model, version, role, failed, ms)
    if (role === 'stable') return
    const rollout = this.#models.get(model)
    const verdict = rollout?.guards.get(version)?.record(failed, ms, this.#clock.now())
    if (rollout && verdict) this.#rollBack(model, rollout, version, verdict.reason, verdict.message)
  }

  #rollBack(
    model: string,
    rollout: ModelRollout,
    version: string,
    reason: RollbackRecord['reason'],
    message: string,
  ) {
    const { canary, shadow, ...rest } = rollout.settings
    rollout.settings = {
      ...rest,
      ...(canary && canary.version !== version && { canary }),
      ...(shadow && shadow.version !== version && { shadow }),
    }
    rollout.guards.delete(version)
    rollout.lastRollback = { version, reason, message, at: this.#clock.now() }
    this.counters.rolledBack(model, reason)
    this.#log.warn('rollout rolled back', { model, version, reason, message })
  }
}

/** The version of `entry` numbered `version`, when it takes requests. */
function accepting(entry: VersionedModel, version: string): ModelVersion | undefined {
  const found = entry.versions.find((v) => v.version === version)
  return found?.accepting ? found : undefined
}
