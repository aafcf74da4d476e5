/**
 * `LocalEmbeddings` over the model registry: repository models of task `embeddings` with a Hugging Face
 * tokenizer. Inputs are tokenized, sorted by length and run in padded batches, then pooled, normalized
 * and shortened to `dimensions` in input order.
 */

import type { AbortSignalLike } from '../../core/cancellation.js'
import { badRequest, unavailable } from '../../core/errors.js'
import type { EmbedResult, LocalEmbeddings } from '../../core/local-embeddings.js'
import type { EmbeddingsSettings } from '../../models/embeddings-settings.js'
import type { ModelEntry } from '../../models/model-entry.js'
import type { ModelRegistry } from '../../models/registry.js'
import { declaredSize, type Plan, planFor } from './plan.js'
import { normalize, shorten } from './pooling.js'
import { runBatch } from './run-batch.js'
import { EmbeddingsTokenizer, type Encoded } from './tokenize.js'

export interface LocalEmbeddingsOptions {
  registry: ModelRegistry
  /** Reads a tokenizer file as text (Node: `fs.readFile(path, 'utf8')`). */
  readText: (path: string) => Promise<string>
  /** Most inputs per model run (default 32). */
  batchSize?: number
  /** Where tokenizer load failures are told; clients get a 503 without the detail. */
  log?: { warn(message: string, fields?: Record<string, unknown>): void }
}

export class OnnxLocalEmbeddings implements LocalEmbeddings {
  readonly #registry: ModelRegistry
  readonly #readText: (path: string) => Promise<string>
  readonly #batchSize: number
  readonly #log: LocalEmbeddingsOptions['log']
  readonly #tokenizers = new Map<string, Promise<EmbeddingsTokenizer>>()

  constructor(options: LocalEmbeddingsOptions) {
    this.#registry = options.registry
    this.#readText = options.readText
    this.#batchSize = options.batchSize ?? 32
    this.#log = options.log
  }

  has(model: string): boolean {
    const entry = this.#find(model)
    return entry !== undefined && entry.task === 'embeddings' && entry.embeddings !== undefined
  }

  dimensions(model: string): number | undefined {
    const entry = this.#find(model)
    if (!entry?.embeddings) return undefined
    if (entry.embeddings.dimensions !== undefined) return entry.embeddings.dimensions
    const served = entry.versions.at(-1)?.model
    return served ? declaredSize(served) : undefined
  }

  async embed(
    model: string,
    input: string[],
    options: { dimensions?: number; signal?: AbortSignalLike } = {},
  ): Promise<EmbedResult> {
    const plan = await this.#plan(model)
    const wanted = options.dimensions
    if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1))
      throw badRequest(
        'invalid_dimensions',
        "'dimensions' must be a whole number of at least 1.",
        'dimensions',
      )
    const size = plan.settings.dimensions ?? declaredSize(plan.model)
    if (wanted !== undefined && size !== undefined && wanted > size)
      throw tooManyDimensions(model, wanted, size)

    const encoded = input.map((text) => plan.tokenizer.encode(text, plan.maxLength))
    const vectors = new Array<Float32Array>(input.length)
    // Similar lengths share a batch, so little of each run is padding.
    const lengths = encoded.map((e) => e.ids.length)
    const order = lengths
      .map((_, index) => index)
      .sort((a, b) => (lengths[a] as number) - (lengths[b] as number))
    for (let start = 0; start < order.length; start += this.#batchSize) {
      if (options.signal?.aborted) throw options.signal.reason
      const indices = order.slice(start, start + this.#batchSize)
      const pooled = await runBatch(
        plan,
        indices.map((index) => encoded[index] as Encoded),
      )
      for (const [position, index] of indices.entries()) vectors[index] = pooled[position] as Float32Array
    }

    const produced = vectors[0]?.length
    if (wanted !== undefined && produced !== undefined && wanted > produced)
      throw tooManyDimensions(model, wanted, produced)
    const finished = vectors.map((vector) => {
      const unit = plan.settings.normalize ? normalize(vector) : vector
      return wanted === undefined ? unit : shorten(unit, wanted, plan.settings.normalize)
    })
    return { vectors: finished, promptTokens: encoded.reduce((sum, e) => sum + e.ids.length, 0) }
  }

  /** The loaded model, its tokenizer and how to feed it; 404 unknown, 400 not embeddings, 503 not ready. */
  async #plan(name: string): Promise<Plan> {
    const entry = this.#registry.entry(name)
    const settings = entry.embeddings
    if (entry.task !== 'embeddings' || !settings) {
      throw badRequest(
        'model_not_embeddings',
        `Model '${name}' is a ${entry.task} model, not an embeddings model (model.json task "embeddings" with a tokenizer.json).`,
        'model',
      )
    }
    const { model } = this.#registry.ready(name)
    return planFor(name, settings, model, await this.#tokenizer(name, settings))
  }

  #tokenizer(name: string, settings: EmbeddingsSettings): Promise<EmbeddingsTokenizer> {
    const cached = this.#tokenizers.get(settings.tokenizer)
    if (cached) return cached
    const loading = this.#loadTokenizer(settings).catch((error: Error) => {
      // Forget the failure, so a fixed file is picked up by the next request.
      this.#tokenizers.delete(settings.tokenizer)
      this.#log?.warn('tokenizer failed to load', { model: name, error: error.message })
      throw unavailable('tokenizer_unavailable', `The tokenizer of model '${name}' could not be loaded.`)
    })
    this.#tokenizers.set(settings.tokenizer, loading)
    return loading
  }

  async #loadTokenizer(settings: EmbeddingsSettings): Promise<EmbeddingsTokenizer> {
    const json = JSON.parse(await this.#readText(settings.tokenizer)) as Record<string, unknown>
    const config = settings.tokenizerConfig
      ? (JSON.parse(await this.#readText(settings.tokenizerConfig)) as Record<string, unknown>)
      : {}
    return new EmbeddingsTokenizer(json, config)
  }

  #find(model: string): ModelEntry | undefined {
    try {
      return this.#registry.entry(model)
    } catch {
      return undefined
    }
  }
}

function tooManyDimensions(model: string, wanted: number, size: number) {
  return badRequest(
    'invalid_dimensions',
    `'dimensions' is ${wanted}, but model '${model}' makes vectors of ${size}: ask for ${size} or fewer.`,
    'dimensions',
  )
}
