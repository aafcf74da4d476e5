/**
 * One sequence through a decoder in the Optimum layout, with its KV cache carried between runs: each
 * run feeds the new tokens and the previous `present.*` outputs as `past_key_values.*`. Optional
 * inputs (`position_ids`, `use_cache_branch`, `num_logits_to_keep`) are fed only where the model
 * declares them, and the cache's datatype is the one its metadata gives (fp16 for q4f16 files).
 */
import * as ort from 'onnxruntime-node'

export interface DecoderSignature {
  layers: number
  kvHeads: number
  headDim: number
  cacheType: 'float32' | 'float16'
  positionIds: boolean
  useCacheBranch: boolean
  logitsToKeep: boolean
}

const PAST = /^past_key_values\.(\d+)\.key$/

/** Reads what the decoder takes from its session's metadata; `fallback` fills symbolic KV dimensions. */
export function decoderSignature(
  session: ort.InferenceSession,
  fallback: { kvHeads?: number; headDim?: number } = {},
): DecoderSignature {
  const inputs = new Map(session.inputMetadata.map((meta) => [meta.name, meta]))
  for (const required of ['input_ids', 'attention_mask']) {
    if (!inputs.has(required)) throw new Error(`the model has no '${required}' input: not a decoder`)
  }
  const pasts = [...inputs.keys()].filter((name) => PAST.test(name))
  if (pasts.length === 0) throw new Error("the model has no 'past_key_values.N.key' inputs: no KV cache")
  const first = inputs.get('past_key_values.0.key') as ort.InferenceSession.ValueMetadata
  if (!first.isTensor) throw new Error("'past_key_values.0.key' is not a tensor")
  const dims = first.shape
  const known = (value: unknown) => (typeof value === 'number' && value > 0 ? value : undefined)
  const kvHeads = known(dims[1]) ?? fallback.kvHeads
  const headDim = known(dims[3]) ?? fallback.headDim
  if (kvHeads === undefined || headDim === undefined)
    throw new Error('the KV cache dimensions are symbolic and config.json does not give them')
  const type = first.type
  if (type !== 'float32' && type !== 'float16') throw new Error(`a ${type} KV cache is not supported`)
  return {
    layers: pasts.length,
    kvHeads,
    headDim,
    cacheType: type,
    positionIds: inputs.has('position_ids'),
    useCacheBranch: inputs.has('use_cache_branch'),
    logitsToKeep: inputs.has('num_logits_to_keep'),
  }
}

const int64 = (values: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(values, BigInt)), dims)

/** A run of 1n, grown as the sequence grows, so each step's attention mask is a view, not a new array. */
let ones = new BigInt64Array(0)
function onesOf(length: number): BigInt64Array {
  if (ones.length < length) ones = new BigInt64Array(Math.max(length, ones.length * 2, 256)).fill(1n)
  return ones.subarray(0, length)
}

export class DecoderSequence {
  readonly #session: ort.InferenceSession
  readonly #signature: DecoderSignature
  #past: Record<string, ort.Tensor>
  /** Tokens in the cache. */
  #length = 0

  constructor(session: ort.InferenceSession, signature: DecoderSignature) {
    this.#session = session
    this.#signature = signature
    this.#past = this.#emptyPast()
  }

  get length(): number {
    return this.#length
  }

  /** Runs `ids` after what the cache holds; returns the logits of the last of them (a fresh array). */
  async forward(ids: number[]): Promise<Float32Array> {
    const { positionIds, useCacheBranch, logitsToKeep } = this.#signature
    const total = this.#length + ids.length
    const feeds: Record<string, ort.Tensor> = {
      ...this.#past,
      input_ids: int64(ids, [1, ids.length]),
      attention_mask: new ort.Tensor('int64', onesOf(total), [1, total]),
    }
    if (positionIds) {
      feeds.position_ids = int64(
        ids.map((_, i) => this.#length + i),
        [1, ids.length],
      )
    }
    if (useCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', [this.#length > 0], [1])
    if (logitsToKeep) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([1n]), [])
    const results = await this.#session.run(feeds)
    const next: Record<string, ort.Tensor> = {}
    for (let l = 0; l < this.#signature.layers; l++) {
      for (const part of ['key', 'value']) {
        const present = results[`present.${l}.${part}`]
        if (!present) throw new Error(`the model did not return present.${l}.${part}`)
        next[`past_key_values.${l}.${part}`] = present
      }
    }
    this.#disposePast()
    this.#past = next
    this.#length = total
    const logits = results.logits
    if (!logits) throw new Error('the model did not return logits')
    const vocab = logits.dims.at(-1) as number
    const data = toFloat32(logits)
    const row = data.slice(data.length - vocab)
    logits.dispose()
    return row
  }

  /** Hands the cache over (to a batch): this sequence is empty afterwards and owns nothing. */
  takeCache(): { past: Record<string, ort.Tensor>; length: number } {
    const taken = { past: this.#past, length: this.#length }
    this.#past = this.#emptyPast()
    this.#length = 0
    return taken
  }

  /** Releases the cache's tensors. */
  dispose(): void {
    this.#disposePast()
    this.#past = {}
  }

  #disposePast(): void {
    for (const tensor of Object.values(this.#past)) tensor.dispose()
  }

  #emptyPast(): Record<string, ort.Tensor> {
    const { layers, kvHeads, headDim, cacheType } = this.#signature
    const past: Record<string, ort.Tensor> = {}
    const empty = cacheType === 'float16' ? new Uint16Array(0) : new Float32Array(0)
    for (let l = 0; l < layers; l++) {
      for (const part of ['key', 'value'])
        past[`past_key_values.${l}.${part}`] = new ort.Tensor(cacheType, empty, [1, kvHeads, 0, headDim])
    }
    return past
  }
}

export function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array
  if (tensor.type === 'float16') return Float32Array.from(tensor.data as Uint16Array, halfToFloat)
  throw new Error(`logits of type ${tensor.type} are not supported`)
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}
