/**
 * The embeddings fields of a repository model's `model.json`, and its tokenizer files:
 * `{ "task": "embeddings", "tokenizer": "tokenizer.json", "pooling": "mean" | "cls",
 *    "normalize": true, "max_length": 256, "dimensions": 384 }` — all but `task` optional.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export type Pooling = 'mean' | 'cls'

export interface EmbeddingsSettings {
  /** Path of the Hugging Face `tokenizer.json`. */
  tokenizer: string
  /** Path of `tokenizer_config.json` beside it, when there is one. */
  tokenizerConfig?: string
  /** How token vectors become one vector (default mean, over the attention mask). */
  pooling: Pooling
  /** L2-normalize vectors (default true). */
  normalize: boolean
  /** Most tokens per input, special tokens included; longer inputs are truncated. */
  maxLength?: number
  /** The model's vector size, when its output shape does not say. */
  dimensions?: number
}

const PLAIN_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

function positiveInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new Error(`${field} must be a whole number of at least 1`)
  return value
}

/** Reads the embeddings settings of the model folder `dir`; throws with what to fix. */
export async function readEmbeddingsSettings(dir: string): Promise<EmbeddingsSettings> {
  const config = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>
  const name = config.tokenizer ?? 'tokenizer.json'
  if (typeof name !== 'string' || !PLAIN_FILE.test(name))
    throw new Error('tokenizer must be the name of a file beside model.json, such as tokenizer.json')
  const tokenizer = join(dir, name)
  if (!existsSync(tokenizer))
    throw new Error(`task embeddings needs ${name} beside model.json (a Hugging Face tokenizer.json)`)
  const pooling = config.pooling ?? 'mean'
  if (pooling !== 'mean' && pooling !== 'cls') throw new Error('pooling must be mean or cls')
  const normalize = config.normalize ?? true
  if (typeof normalize !== 'boolean') throw new Error('normalize must be true or false')
  const settings: EmbeddingsSettings = { tokenizer, pooling, normalize }
  const tokenizerConfig = join(dir, 'tokenizer_config.json')
  if (existsSync(tokenizerConfig)) settings.tokenizerConfig = tokenizerConfig
  const maxLength = positiveInteger(config.max_length, 'max_length')
  if (maxLength !== undefined) settings.maxLength = maxLength
  const dimensions = positiveInteger(config.dimensions, 'dimensions')
  if (dimensions !== undefined) settings.dimensions = dimensions
  return settings
}
