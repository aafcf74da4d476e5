/**
 * Sequences that decode at the same time, stepped together: one `session.run` with a batch dimension
 * feeds every row's next token, so the weights are read once per step for all of them instead of once
 * per sequence. The rows' KV caches live in one tensor per layer, [rows, kv_heads, width, head_dim],
 * each row's tokens right-aligned and the columns before them padding that the attention mask hides;
 * each row gets its own position id. A sequence joins after its prefill (its cache copied in) and
 * leaves when it ends; the cache is recomposed only when the rows change, never on a plain step.
 */
import { open } from 'node:fs/promises'
import * as ort from 'onnxruntime-node'
import { type DecoderSignature, toFloat32 } from './generation-decoder.js'

/** A sequence's cache as `DecoderSequence.takeCache` hands it over. */
export interface SequenceCache {
  past: Record<string, ort.Tensor>
  length: number
}

interface Row {
  key: number
  /** Tokens in the cache; the row's columns before `width - length` are padding. */
  length: number
}

/** Where a row of the recomposed cache comes from: a row of some [rows, heads, width, dim] tensors. */
interface Source {
  key: number
  past: Record<string, ort.Tensor>
  index: number
  width: number
  length: number
}

export class DecoderBatch {
  readonly #session: ort.InferenceSession
  readonly #signature: DecoderSignature
  readonly #names: string[]
  #rows: Row[] = []
  #past: Record<string, ort.Tensor> = {}
  #width = 0
  readonly #joining: Array<{ key: number; cache: SequenceCache }> = []
  readonly #leaving = new Set<number>()

  constructor(session: ort.InferenceSession, signature: DecoderSignature) {
    this.#session = session
    this.#signature = signature
    this.#names = []
    for (let l = 0; l < signature.layers; l++)
      for (const part of ['key', 'value']) this.#names.push(`past_key_values.${l}.${part}`)
  }

  /** Rows that the next step runs (joins and leaves take effect then). */
  get size(): number {
    return this.#rows.length - this.#leaving.size + this.#joining.length
  }

  /** Adds a sequence (its cache taken over) from the next step on. */
  join(key: number, cache: SequenceCache): void {
    this.#joining.push({ key, cache })
  }

  /** Drops a row before the next step. */
  leave(key: number): void {
    const joining = this.#joining.findIndex((j) => j.key === key)
    if (joining >= 0) {
      for (const tensor of Object.values(this.#joining[joining]?.cache.past ?? {})) tensor.dispose()
      this.#joining.splice(joining, 1)
    } else if (this.#rows.some((row) => row.key === key)) this.#leaving.add(key)
  }

  /** One decode step for every row: `tokenOf(key)` is fed; each row's logits come back (fresh arrays). */
  async step(tokenOf: (key: number) => number): Promise<Array<{ key: number; logits: Float32Array }>> {
    if (this.#joining.length > 0 || this.#leaving.size > 0) this.#recompose()
    const rows = this.#rows
    const count = rows.length
    if (count === 0) return []
    const { positionIds, useCacheBranch, logitsToKeep } = this.#signature
    const width = this.#width + 1
    const mask = new BigInt64Array(count * width)
    const ids = new BigInt64Array(count)
    const positions = new BigInt64Array(count)
    rows.forEach((row, r) => {
      mask.fill(1n, r * width + (width - row.length - 1), (r + 1) * width)
      ids[r] = BigInt(tokenOf(row.key))
      positions[r] = BigInt(row.length)
    })
    const feeds: Record<string, ort.Tensor> = {
      ...this.#past,
      input_ids: new ort.Tensor('int64', ids, [count, 1]),
      attention_mask: new ort.Tensor('int64', mask, [count, width]),
    }
    if (positionIds) feeds.position_ids = new ort.Tensor('int64', positions, [count, 1])
    if (useCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', [true], [1])
    if (logitsToKeep) feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([1n]), [])
    const results = await this.#session.run(feeds)
    const next: Record<string, ort.Tensor> = {}
    for (const name of this.#names) {
      const present = results[name.replace('past_key_values', 'present')]
      if (!present) throw new Error(`the model did not return ${name.replace('past_key_values', 'present')}`)
      next[name] = present
    }
    this.#disposePast()
    this.#past = next
    this.#width = width
    for (const row of rows) row.length++
    const logits = results.logits
    if (!logits) throw new Error('the model did not return logits')
    const vocab = logits.dims.at(-1) as number
    const perRow = (logits.dims.at(-2) as number) * vocab
    const data = toFloat32(logits)
    const out = rows.map((row, r) => ({
      key: row.key,
      logits: data.slice((r + 1) * perRow - vocab, (r + 1) * perRow),
    }))
    logits.dispose()
    return out
  }

  /** Releases every cache it holds. */
  dispose(): void {
    this.#disposePast()
    for (const { cache } of this.#joining.splice(0)) for (const t of Object.values(cache.past)) t.dispose()
    this.#rows = []
    this.#leaving.clear()
    this.#width = 0
  }

  /** Builds the cache of the rows that stay and the ones that join, as narrow as the longest of them. */
  #recompose(): void {
    const staying = this.#rows.filter((row) => !this.#leaving.has(row.key))
    const only = this.#joining[0]
    if (staying.length === 0 && this.#joining.length === 1 && only) {
      // One sequence alone: its cache is already the batch's, no copy needed.
      this.#disposePast()
      this.#joining.length = 0
      this.#leaving.clear()
      this.#past = only.cache.past
      this.#width = only.cache.length
      this.#rows = [{ key: only.key, length: only.cache.length }]
      return
    }
    const sources: Source[] = []
    this.#rows.forEach((row, index) => {
      if (!this.#leaving.has(row.key))
        sources.push({ key: row.key, past: this.#past, index, width: this.#width, length: row.length })
    })
    for (const { key, cache } of this.#joining)
      sources.push({ key, past: cache.past, index: 0, width: cache.length, length: cache.length })
    const width = Math.max(0, ...sources.map((s) => s.length))
    const { kvHeads, headDim, cacheType } = this.#signature
    const next: Record<string, ort.Tensor> = {}
    for (const name of this.#names) {
      const size = sources.length * kvHeads * width * headDim
      const data = cacheType === 'float16' ? new Uint16Array(size) : new Float32Array(size)
      sources.forEach((source, r) => {
        const from = source.past[name]?.data as Float32Array | Uint16Array | undefined
        if (!from) throw new Error(`the cache has no ${name}`)
        const span = source.length * headDim
        for (let h = 0; h < kvHeads; h++) {
          const start = ((source.index * kvHeads + h) * source.width + source.width - source.length) * headDim
          const to = ((r * kvHeads + h) * width + width - source.length) * headDim
          data.set(from.subarray(start, start + span), to)
        }
      })
      next[name] = new ort.Tensor(cacheType, data, [sources.length, kvHeads, width, headDim])
    }
    this.#disposePast()
    for (const { cache } of this.#joining.splice(0)) for (const t of Object.values(cache.past)) t.dispose()
    this.#leaving.clear()
    this.#past = next
    this.#width = width
    this.#rows = sources.map((s) => ({ key: s.key, length: s.length }))
  }

  #disposePast(): void {
    for (const tensor of Object.values(this.#past)) tensor.dispose()
    this.#past = {}
  }
}

const DYNAMIC_QUANTIZE = Buffer.from('DynamicQuantize')

/**
 * Whether the model quantizes activations with one scale per tensor (`DynamicQuantizeLinear`,
 * `DynamicQuantizeMatMul`: the pattern of ONNX Runtime's dynamic int8 quantization). In such a file a
 * batched run shares that scale between the rows, so a row's numbers depend on the others and a greedy
 * answer could change with what else is running; fp32, fp16 and weight-only quantized files (`MatMulNBits`)
 * give each row what it gets alone. Read in chunks for the op type's name, so no copy of the file is held.
 */
export async function quantizesActivationsPerTensor(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const chunk = Buffer.alloc(8 << 20)
    const overlap = DYNAMIC_QUANTIZE.length - 1
    let position = 0
    let kept = 0
    while (true) {
      const { bytesRead } = await handle.read(chunk, kept, chunk.length - kept, position)
      if (bytesRead === 0) return false
      const filled = kept + bytesRead
      if (chunk.subarray(0, filled).includes(DYNAMIC_QUANTIZE)) return true
      position += bytesRead
      // The name may straddle two reads: the tail of this one starts the next.
      kept = Math.min(overlap, filled)
      chunk.copy(chunk, 0, filled - kept, filled)
    }
  } finally {
    await handle.close()
  }
}
