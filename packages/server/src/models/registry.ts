/**
 * The models this server serves, their versions and their load state. Runtime-agnostic: loading is
 * delegated to a `ModelLoader`.
 */
import { notFound, unavailable } from '../errors.js'
import type { LoadedModel, ModelLoader } from '../runtime/types.js'
import { checkModelName, checkVersion } from './names.js'
import type { ModelSource, Task } from './source.js'

export type ModelState = 'loading' | 'ready' | 'unavailable'

export interface VersionEntry {
  readonly version: string
  readonly file: string
  state: ModelState
  model?: LoadedModel
  /** Why loading failed; for logs, never sent to clients. */
  error?: string
}

export interface ModelEntry {
  readonly name: string
  readonly task: Task
  readonly origin: ModelSource['origin']
  readonly created: number
  /** Versions in ascending numeric order; the last is served by default. */
  readonly versions: VersionEntry[]
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

const byNumber = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)

export class ModelRegistry {
  readonly #entries = new Map<string, ModelEntry>()
  readonly #loader: ModelLoader
  readonly #log: Logger
  readonly #now: () => number

  constructor(options: { loader: ModelLoader; log?: Logger; now?: () => number }) {
    this.#loader = options.loader
    this.#log = options.log ?? { info() {}, warn() {} }
    this.#now = options.now ?? Date.now
  }

  /** Registers sources; a later source with the same name replaces an earlier one (the repository wins over built-ins). */
  add(sources: ModelSource[]): void {
    for (const source of sources) {
      if (this.#entries.has(source.name))
        this.#log.info('model replaced', { model: source.name, by: source.origin })
      const versions = [...source.versions.keys()].sort(byNumber).map(
        (version): VersionEntry => ({
          version,
          file: source.versions.get(version) as string,
          state: 'loading',
        }),
      )
      this.#entries.set(source.name, {
        name: source.name,
        task: source.task,
        origin: source.origin,
        created: Math.floor(this.#now() / 1000),
        versions,
      })
    }
  }

  /** Loads every registered version that is not loaded yet; failures mark the version unavailable. */
  async loadAll(): Promise<void> {
    const pending = [...this.#entries.values()].flatMap((entry) =>
      entry.versions.filter((v) => v.state === 'loading').map((v) => this.#load(entry, v)),
    )
    await Promise.all(pending)
  }

  async #load(entry: ModelEntry, version: VersionEntry): Promise<void> {
    const started = this.#now()
    try {
      version.model = await this.#loader(version.file, { name: entry.name, version: version.version })
      version.state = 'ready'
      this.#log.info('model loaded', {
        model: entry.name,
        version: version.version,
        ms: this.#now() - started,
      })
    } catch (error) {
      version.state = 'unavailable'
      version.error = (error as Error).message
      this.#log.warn('model failed to load', {
        model: entry.name,
        version: version.version,
        error: version.error,
      })
    }
  }

  list(): ModelEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The entry for a name; 400 for a name that is not plain, 404 for an unknown one. */
  entry(name: string): ModelEntry {
    const entry = this.#entries.get(checkModelName(name))
    if (!entry) throw notFound('model_not_found', `Model '${name}' does not exist.`, 'model')
    return entry
  }

  /** The version to serve: the one asked for, or the newest. */
  version(name: string, version?: string): VersionEntry {
    const entry = this.entry(name)
    if (version === undefined) return entry.versions.at(-1) as VersionEntry
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

  /** The loaded model for a version; 503 while it loads or if it failed to. */
  ready(name: string, version?: string): { entry: VersionEntry; model: LoadedModel } {
    const entry = this.version(name, version)
    if (entry.state !== 'ready' || !entry.model) {
      const why = entry.state === 'loading' ? 'is still loading' : 'failed to load'
      throw unavailable('model_not_ready', `Model '${name}' version ${entry.version} ${why}.`)
    }
    return { entry, model: entry.model }
  }

  /** Whether every registered version has finished loading. */
  get allLoaded(): boolean {
    return this.list().every((e) => e.versions.every((v) => v.state !== 'loading'))
  }

  /** Model state as the `/v1` list reports it: that of the served version. */
  stateOf(entry: ModelEntry): ModelState {
    return (entry.versions.at(-1) as VersionEntry).state
  }

  async close(): Promise<void> {
    await Promise.all(this.list().flatMap((e) => e.versions.map((v) => v.model?.dispose())))
  }
}
