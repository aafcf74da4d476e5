/**
 * A chat model folder in the layout Optimum and transformers.js export (and `modelport pull` writes):
 * an ONNX decoder (`onnx/model.onnx`, `onnx/model_quantized.onnx`, `onnx/model_q4.onnx`, …),
 * `config.json`, `generation_config.json`, `tokenizer.json` and `tokenizer_config.json` with a
 * `chat_template`. It serves with no `model.json`; one may name the file, the context length
 * (`num_ctx`), default sampling, `max_tokens` and the queue limits.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, normalize, sep } from 'node:path'

/** The `runtime` object of a `model.json`, or an empty one. */
function runtimeOf(modelJson: Record<string, unknown>): Record<string, unknown> {
  const runtime = modelJson.runtime
  return typeof runtime === 'object' && runtime !== null && !Array.isArray(runtime)
    ? (runtime as Record<string, unknown>)
    : {}
}

export interface ChatSampling {
  temperature?: number
  top_p?: number
  top_k?: number
  frequency_penalty?: number
  presence_penalty?: number
}

export interface ChatModelSettings {
  /** The ONNX decoder file. */
  file: string
  tokenizer: string
  tokenizerConfig: string
  /** The chat template's source (from `tokenizer_config.json` or `chat_template.jinja`). */
  chatTemplate: string
  /** Tokens of prompt and completion together. */
  contextLength: number
  /** Ids that end a completion (`generation_config.json` and `config.json` `eos_token_id`). */
  eosTokenIds: number[]
  /** Defaults for parameters a request leaves out: `model.json`, else `generation_config.json`. */
  sampling: ChatSampling
  /** Completion tokens when a request names none (default: what the context leaves). */
  maxTokens?: number
  /** Generations the model's worker interleaves, and how many may wait for a place. */
  maxActive: number
  maxQueue: number
  /** Decoding generations stepped together in one batched run (default: all that are active). */
  maxBatch?: number
  intraOpThreads: number
  /** Generation workers, each with its own session (and copy of the weights). */
  workers: number
  /** The logits' size (`config.json` `vocab_size`). */
  vocabSize?: number
  /** From `config.json`, for models whose KV-cache dimensions are symbolic. */
  kvHeads?: number
  headDim?: number
}

/** Where a file is looked for when `model.json` names none, best first. */
export const DECODER_FILES = [
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
  'onnx/model_int8.onnx',
  'onnx/model_uint8.onnx',
  'onnx/model_q4.onnx',
  'onnx/model_q4f16.onnx',
  'onnx/model_fp16.onnx',
  'onnx/decoder_model_merged.onnx',
  'model.onnx',
  'model_quantized.onnx',
  'decoder_model_merged.onnx',
]

const DEFAULT_CONTEXT = 2048

const readJson = async (file: string): Promise<Record<string, unknown>> =>
  existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {}

const ids = (value: unknown): number[] =>
  typeof value === 'number' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'number') : []

/**
 * Whether the folder is a chat model: a tokenizer with a chat template, and a `model.json`, if any,
 * that says task `chat` or no task. (An embeddings model's folder says task `embeddings`.)
 */
export function isChatFolder(dir: string): boolean {
  const configFile = join(dir, 'tokenizer_config.json')
  if (!existsSync(join(dir, 'tokenizer.json')) || !existsSync(configFile)) return false
  try {
    const modelJson = join(dir, 'model.json')
    if (existsSync(modelJson)) {
      const task = (JSON.parse(readFileSync(modelJson, 'utf8')) as { task?: unknown }).task
      if (task !== undefined && task !== 'chat') return false
    }
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { chat_template?: unknown }
    return config.chat_template !== undefined || existsSync(join(dir, 'chat_template.jinja'))
  } catch {
    // A file that does not parse is reported by readChatFolder, if this is a chat model; it may not be.
    return false
  }
}

function positiveInteger(value: unknown, field: string, least = 1): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least)
    throw new Error(`model.json ${field} must be a whole number of at least ${least}`)
  return value
}

function readSampling(value: unknown): ChatSampling {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('model.json sampling must be an object')
  const known = ['temperature', 'top_p', 'top_k', 'frequency_penalty', 'presence_penalty']
  const sampling: ChatSampling = {}
  for (const [key, v] of Object.entries(value)) {
    if (!known.includes(key))
      throw new Error(`model.json sampling.${key} is not known (known: ${known.join(', ')})`)
    if (typeof v !== 'number') throw new Error(`model.json sampling.${key} must be a number`)
    ;(sampling as Record<string, number>)[key] = v
  }
  return sampling
}

/** The chat template: a string, or the `default` of a list of named templates, or `chat_template.jinja`. */
async function readTemplate(dir: string, config: Record<string, unknown>): Promise<string> {
  const template = config.chat_template
  if (typeof template === 'string') return template
  if (Array.isArray(template)) {
    const named = template as Array<{ name?: unknown; template?: unknown }>
    const chosen = named.find((t) => t.name === 'default') ?? named[0]
    if (typeof chosen?.template === 'string') return chosen.template
  }
  const file = join(dir, 'chat_template.jinja')
  if (existsSync(file)) return readFile(file, 'utf8')
  throw new Error('tokenizer_config.json has no chat_template (and there is no chat_template.jinja)')
}

/** Reads a chat model folder; throws with what to fix when it is one but cannot be served. */
export async function readChatFolder(dir: string): Promise<ChatModelSettings> {
  const modelJson = await readJson(join(dir, 'model.json'))
  const config = await readJson(join(dir, 'config.json'))
  const generation = await readJson(join(dir, 'generation_config.json'))
  const tokenizerConfig = await readJson(join(dir, 'tokenizer_config.json'))
  let file: string | undefined
  if (modelJson.file !== undefined) {
    if (typeof modelJson.file !== 'string')
      throw new Error('model.json file must be a path inside the folder')
    const relative = normalize(modelJson.file)
    if (relative.startsWith('..') || relative.startsWith(sep))
      throw new Error('model.json file must stay inside the folder')
    file = join(dir, relative)
    if (!existsSync(file)) throw new Error(`model.json names ${modelJson.file}, which is not there`)
  } else {
    const found = DECODER_FILES.find((name) => existsSync(join(dir, name)))
    if (!found) throw new Error(`no decoder file (looked for ${DECODER_FILES.join(', ')})`)
    file = join(dir, found)
  }
  const maxPositions =
    typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : undefined
  const contextLength = positiveInteger(modelJson.num_ctx, 'num_ctx') ?? maxPositions ?? DEFAULT_CONTEXT
  if (maxPositions !== undefined && contextLength > maxPositions)
    throw new Error(
      `model.json num_ctx ${contextLength} is over the model's max_position_embeddings ${maxPositions}`,
    )
  const queue = (modelJson.queue ?? {}) as Record<string, unknown>
  const fromGeneration: ChatSampling =
    generation.do_sample === false
      ? { temperature: 0 }
      : {
          ...(typeof generation.temperature === 'number' && { temperature: generation.temperature }),
          ...(typeof generation.top_p === 'number' && { top_p: generation.top_p }),
          ...(typeof generation.top_k === 'number' && { top_k: generation.top_k }),
        }
  const heads = typeof config.num_attention_heads === 'number' ? config.num_attention_heads : undefined
  const hidden = typeof config.hidden_size === 'number' ? config.hidden_size : undefined
  const headDim =
    typeof config.head_dim === 'number' ? config.head_dim : heads && hidden ? hidden / heads : undefined
  const kvHeads = typeof config.num_key_value_heads === 'number' ? config.num_key_value_heads : heads
  return {
    file,
    tokenizer: join(dir, 'tokenizer.json'),
    tokenizerConfig: join(dir, 'tokenizer_config.json'),
    chatTemplate: await readTemplate(dir, tokenizerConfig),
    contextLength,
    eosTokenIds: [...new Set([...ids(generation.eos_token_id), ...ids(config.eos_token_id)])],
    sampling: { ...fromGeneration, ...readSampling(modelJson.sampling) },
    ...(modelJson.max_tokens !== undefined && {
      maxTokens: positiveInteger(modelJson.max_tokens, 'max_tokens'),
    }),
    maxActive: positiveInteger(queue.max_active, 'queue.max_active') ?? 4,
    maxQueue: positiveInteger(queue.max_queue, 'queue.max_queue', 0) ?? 16,
    ...(queue.max_batch !== undefined && { maxBatch: positiveInteger(queue.max_batch, 'queue.max_batch') }),
    intraOpThreads: positiveInteger(modelJson.threads, 'threads') ?? 1,
    // The same field as every other model's worker threads: `runtime.workers`.
    workers: positiveInteger(runtimeOf(modelJson).workers, 'runtime.workers') ?? 1,
    ...(typeof config.vocab_size === 'number' && { vocabSize: config.vocab_size }),
    ...(kvHeads !== undefined && { kvHeads }),
    ...(headDim !== undefined && { headDim }),
  }
}
