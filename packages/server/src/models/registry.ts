/**
 * The models this server serves, their versions and their load state. Runtime-agnostic: loading is
 * delegated to a `ModelLoader`, each version's life (idle release, reload, drain) to `src/lifecycle`.
 */

import { type Clock, systemClock } from '../core/clock.js'
import { badRequest, notFound } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { ManagedModel, type VersionState } from '../lifecycle/managed-model.js'
import { checkModelName, checkVersion } from '../lifecycle/model-names.js'
import { ModelVersion } from '../lifecycle/model-version.js'
import { Rollouts } from '../rollout/rollouts.js'
import type { LoadedModel, ModelLoader } from '../runtime/types.js'
import { entryOf, type ModelEntry } from './model-entry.js'
import { planReload } from './reload-plan.js'
import type { ModelSource, ModelSourceReader } from './source.js'

export interface RegistryOptions {
  loader: ModelLoader
  log?: Logger
  now?: () => number
  /** Time and timers for keep-alive and retirement (default the system clock). */
  clock?: Clock
  /** Release a model's sessions after this long without a request, unless its `model.json` says otherwise (default and 0: never). */
  keepAliveMs?: number
  /** How long a version that is no longer served stays loaded for requests handed it just before (default 1000 ms). */
  retireDelayMs?: number
  /** Where `reload()` reads a model again from (the model repository); built-ins are read from what `add()` was given. */
  repository?: ModelSourceReader
  /** Canary and shadow rollouts between versions (default: its own, on this clock). */
  rollouts?: Rollouts
  /** Told of each model's source when it is registered or read again, and of a removal (undefined). */
  onSource?: (name: string, source: ModelSource | undefined) => void
}

/** What a reload did: the versions that failed to load (the ones serving before go on serving). */
export interface ReloadOutcome {
  failed: string[]
  removed: boolean
}

const byNumber = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)

export class ModelRegistry {
  readonly #entries = new Map<string, ModelEntry>()
  readonly #builtins = new Map<string, ModelSource>()
  /** Versions taken out of service and not yet unloaded. */
  readonly #retiring = new Set<ManagedModel>()
  /** Reloads and unloads of one model run one after another. */
  readonly #queues = new Map<string, Promise<unknown>>()
  readonly #loader: ModelLoader
  readonly #log: Logger
  readonly #now: () => number
  readonly #clock: Clock
  readonly #keepAliveMs: number | undefined
  readonly #retireDelayMs: number
  readonly #repository: ModelSourceReader | undefined
  #stopping = false
  /** Which version an unpinned request runs while a rollout is under way. */
  readonly rollouts: Rollouts
  readonly #onSource: RegistryOptions['onSource']

  constructor(options: RegistryOptions) {
    this.#loader = options.loader
    this.#log = options.log ?? { info() {}, warn() {} }
    this.#clock = options.clock ?? systemClock
    this.#now = options.now ?? (() => this.#clock.now())
    // 0 means never, as leaving it out does: releasing after every request would reload for the next.
    this.#keepAliveMs = options.keepAliveMs || undefined
    this.#retireDelayMs = options.retireDelayMs ?? 1000
    this.#repository = options.repository
    this.rollouts = options.rollouts ?? new Rollouts({ clock: this.#clock, log: this.#log })
    this.#onSource = options.onSource
  }

  /** Registers sources; a later source with the same name replaces an earlier one (the repository wins over built-ins). */
  add(sources: ModelSource[]): void {
    for (const source of sources) {
      if (this.#entries.has(source.name))
        this.#log.info('model replaced', { model: source.name, by: source.origin })
      if (source.origin === 'builtin') this.#builtins.set(source.name, source)
      const versions = [...source.versions.keys()]
        .sort(byNumber)
        .map((version) => this.#version(source, version, source.versions.get(version) as string))
      this.#entries.set(source.name, entryOf(source, Math.floor(this.#now() / 1000), versions))
      this.rollouts.configure(source.name, source.rollout, [...source.versions.keys()])
      this.#onSource?.(source.name, source)
    }
  }

  /** Loads every registered version not asked to load yet; failures mark the version unavailable. */
  async loadAll(): Promise<void> {
    const pending = [...this.#entries.values()].flatMap((entry) =>
      entry.versions.filter((v) => !v.managed.started).map((v) => v.managed.load()),
    )
    await Promise.all(pending)
  }

  #version(source: ModelSource, version: string, file: string): ModelVersion {
    const keepAliveMs = source.keepAliveMs === false ? undefined : (source.keepAliveMs ?? this.#keepAliveMs)
    const managed = new ManagedModel({
      name: source.name,
      version,
      clock: this.#clock,
      log: this.#log,
      ...(keepAliveMs !== undefined && { keepAliveMs }),
      load: () =>
        this.#loader(file, {
          name: source.name,
          version,
          ...(source.runtime && { settings: source.runtime }),
        }),
    })
    return new ModelVersion(version, file, source.stamps?.get(version), managed)
  }

  list(): ModelEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The entry for a name; 400 for a name that is not plain, 404 for an unknown one. */
  entry(name: string): ModelEntry {
    const entry = this.#entries.get(checkModelName(name))
    if (entry) return entry
    // A folder added after start-up is not served until it is loaded: say so, and how.
    if (this.#repository?.has?.(name))
      throw notFound(
        'model_not_found',
        `Model '${name}' is in the model repository but not loaded: added after start-up, or skipped then (the log says why). Load it with POST /v2/repository/models/${name}/load, or restart the server; with MODELPORT_WATCH=1 new folders load by themselves.`,
        'model',
      )
    throw notFound('model_not_found', `Model '${name}' does not exist.`, 'model')
  }

  /** The version to serve: the one asked for, or the newest that takes requests (the newest if none does). */
  version(name: string, version?: string): ModelVersion {
    const entry = this.entry(name)
    if (version === undefined) return this.#served(entry)
    const wanted = checkVersion(version)
    const found = entry.versions.find((v) => v.version === String(BigInt(wanted)))
    if (!found) {
      const known = entry.versions.map((v) => v.version).join(', ')
      throw notFound(
        'version_not_found',
        `Model '${name}' has no version ${version} (it has ${known}).`,
        'version',
      )
    }
    return found
  }

  #served(entry: ModelEntry): ModelVersion {
    const stable = this.rollouts.stable(entry.name)
    const pinned = stable === undefined ? undefined : entry.versions.find((v) => v.version === stable)
    if (pinned?.accepting) return pinned
    for (let i = entry.versions.length - 1; i >= 0; i--) {
      const version = entry.versions[i] as ModelVersion
      if (version.accepting) return version
    }
    return entry.versions.at(-1) as ModelVersion
  }

  /**
   * The model for a version, to run; it loads on demand if it was released when idle. 503 while it
   * loads for the first time, if it failed to, or after it was unloaded on request.
   */
  ready(name: string, version?: string): { entry: ModelVersion; model: LoadedModel } {
    const entry = this.version(name, version)
    if (!entry.accepting) throw entry.managed.refusal()
    if (version === undefined) return this.rollouts.route(this.entry(name), entry)
    return { entry, model: entry.managed }
  }

  /** Whether every model has finished loading: a version takes requests, or every version has settled. */
  get allLoaded(): boolean {
    return this.list().every(
      (e) => e.versions.some((v) => v.accepting) || e.versions.every((v) => v.state !== 'loading'),
    )
  }

  /** Server readiness: every model has finished loading and the server is not shutting down. */
  get serving(): boolean {
    return !this.#stopping && this.allLoaded
  }

  /** Readiness turns false for good (the server is draining before it stops). */
  stopServing(): void {
    this.#stopping = true
  }

  /** Model state as the `/v1` list reports it: that of the served version. */
  stateOf(entry: ModelEntry): VersionState {
    return this.#served(entry).state
  }

  /**
   * Reads a model again from the repository (or its built-in files) and loads what changed: new
   * versions, versions whose file or settings changed, and versions not in memory. The served version
   * switches only once its successor is loaded; the one it replaces drains and is released. A model
   * whose folder is gone is removed. 400 when its folder cannot be read, 404 when there is none.
   */
  async reload(name: string): Promise<ReloadOutcome> {
    checkModelName(name)
    return this.#serialize(name, () => this.#reload(name))
  }

  async #reload(name: string): Promise<ReloadOutcome> {
    const current = this.#entries.get(name)
    let source: ModelSource | undefined
    try {
      source = (await this.#repository?.read(name)) ?? this.#builtins.get(name)
    } catch (error) {
      throw badRequest(
        'invalid_model',
        `Model '${name}' cannot be loaded: ${(error as Error).message}.`,
        'model',
      )
    }
    if (!source) {
      if (!current)
        throw notFound('model_not_found', `Model '${name}' is not in the model repository.`, 'model')
      this.#entries.delete(name)
      this.rollouts.clear(name)
      this.#onSource?.(name, undefined)
      for (const version of current.versions) this.#retire(version, false, 'removed from the repository')
      this.#log.info('model removed', { model: name })
      return { failed: [], removed: true }
    }
    const plan = planReload(
      current,
      source,
      (v, file) => this.#version(source, v, file),
      Math.floor(this.#now() / 1000),
    )
    const loaded = await Promise.all(plan.load.map((v) => v.managed.load()))
    const failed = plan.load.filter((_, i) => !loaded[i]).map((v) => v.version)
    if (current?.versions.some((v) => v.accepting) && !plan.entry.versions.some((v) => v.accepting)) {
      // Nothing of the new model takes requests: the old one goes on serving.
      for (const version of plan.entry.versions)
        if (!current.versions.includes(version)) void version.managed.dispose()
      return { failed, removed: false }
    }
    const before = current && this.#served(current)
    this.rollouts.configure(name, source.rollout, [...source.versions.keys()])
    this.#onSource?.(name, source)
    this.#entries.set(name, plan.entry)
    const after = this.#served(plan.entry)
    after.managed.cancelRetirement()
    for (const version of plan.dropped) this.#retire(version, false, 'removed from the repository')
    if (before && before !== after && plan.entry.versions.includes(before) && before.managed.loaded) {
      this.#retire(
        before,
        true,
        `version ${after.version} is served now; this one loads again when asked for`,
      )
    }
    this.#log.info('model reloaded', { model: name, served: after.version, failed })
    return { failed, removed: false }
  }

  /** Unloads every version of a model once its requests in flight are done; requests get 503 until it is loaded again. */
  async unload(name: string): Promise<void> {
    const known = this.entry(name).name
    const reason = `unloaded on request; load it with POST /v2/repository/models/${known}/load`
    // Read again once its turn comes: a reload queued before may have replaced the entry.
    await this.#serialize(known, () =>
      Promise.all((this.#entries.get(known)?.versions ?? []).map((v) => v.managed.unload(false, reason))),
    )
  }

  /** Models in the repository that are not registered (the repository index lists them too). */
  async unregistered(): Promise<string[]> {
    const names = (await this.#repository?.names()) ?? []
    return names.filter((name) => !this.#entries.has(name)).sort()
  }

  #retire(version: ModelVersion, onDemand: boolean, reason: string): void {
    this.#retiring.add(version.managed)
    void version.managed
      .retire(this.#retireDelayMs, onDemand, reason)
      .finally(() => this.#retiring.delete(version.managed))
  }

  #serialize<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(name) ?? Promise.resolve()
    const next = previous.then(task, task)
    const settled = next.catch(() => {})
    this.#queues.set(name, settled)
    void settled.then(() => this.#queues.get(name) === settled && this.#queues.delete(name))
    return next
  }

  async close(): Promise<void> {
    const managed = [...this.#retiring, ...this.list().flatMap((e) => e.versions.map((v) => v.managed))]
    await Promise.all(managed.map((m) => m.dispose()))
  }
}
