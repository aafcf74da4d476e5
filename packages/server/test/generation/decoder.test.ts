import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DecoderSequence, decoderSignature } from '../../src/runtime/onnx/generation-decoder.js'
import { GenerationSession } from '../../src/runtime/onnx/generation-session.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let file: string
let session: ort.InferenceSession

beforeAll(async () => {
  repo = chatRepository()
  file = join(repo.add('tiny-chat'), 'onnx', 'model.onnx')
  session = await ort.InferenceSession.create(file)
})
afterAll(async () => {
  await session.release()
  repo.remove()
})

const prompt = [1, 40, 77, 130, 5, 220, 61, 9, 300, 17, 2, 88]

/** Logits at every position of `ids`, run in one pass with an empty cache. */
async function fullLogits(ids: number[]): Promise<Float32Array[]> {
  const signature = decoderSignature(session)
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, ids.length]),
  }
  for (let l = 0; l < signature.layers; l++)
    for (const part of ['key', 'value'])
      feeds[`past_key_values.${l}.${part}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        signature.kvHeads,
        0,
        signature.headDim,
      ])
  const logits = (await session.run(feeds)).logits as ort.Tensor
  const vocab = logits.dims[2] as number
  const data = logits.data as Float32Array
  return ids.map((_, i) => data.slice(i * vocab, (i + 1) * vocab))
}

describe('decoder with a KV cache', () => {
  it('reads the signature from the model', () => {
    expect(decoderSignature(session)).toEqual({
      layers: 2,
      kvHeads: 2,
      headDim: 8,
      cacheType: 'float32',
      positionIds: true,
      useCacheBranch: false,
      logitsToKeep: false,
    })
  })

  it('gives the logits of a full recompute, step by step and in prefill chunks', async () => {
    const full = await fullLogits(prompt)
    for (const chunk of [1, 3, 5, prompt.length]) {
      const sequence = new DecoderSequence(session, decoderSignature(session))
      for (let start = 0; start < prompt.length; start += chunk) {
        const ids = prompt.slice(start, start + chunk)
        const last = await sequence.forward(ids)
        const expected = full[start + ids.length - 1] as Float32Array
        let worst = 0
        for (let i = 0; i < expected.length; i++)
          worst = Math.max(worst, Math.abs((last[i] as number) - (expected[i] as number)))
        expect(worst, `chunk ${chunk}, at ${start}`).toBeLessThan(1e-5)
      }
      expect(sequence.length).toBe(prompt.length)
      sequence.dispose()
    }
  })

  it('differs from a recompute that drops the cache (the check can fail)', async () => {
    const full = await fullLogits(prompt)
    const sequence = new DecoderSequence(session, decoderSignature(session))
    await sequence.forward(prompt.slice(0, 6))
    const fresh = new DecoderSequence(session, decoderSignature(session))
    const withoutHistory = await fresh.forward(prompt.slice(6, 7))
    const withHistory = await sequence.forward(prompt.slice(6, 7))
    const distance = (a: Float32Array, b: Float32Array) =>
      Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))))
    expect(distance(withHistory, full[6] as Float32Array)).toBeLessThan(1e-5)
    expect(distance(withoutHistory, full[6] as Float32Array)).toBeGreaterThan(1e-3)
  })
})

describe('generation worker', () => {
  const greedy = { temperature: 0, topP: 1, topK: 0, seed: 1, frequencyPenalty: 0, presencePenalty: 0 }

  it('streams the greedy continuation that the full recompute picks', async () => {
    const generation = await GenerationSession.start({ file, prefillChunk: 4 })
    try {
      const stream = generation.generate({ promptIds: prompt, maxTokens: 6, sampling: greedy, stopIds: [] })
      const ids: number[] = []
      for await (const token of stream) ids.push(token.id)
      expect(await stream.outcome).toEqual({
        reason: 'length',
        promptTokens: prompt.length,
        completionTokens: 6,
      })
      // Each token is the argmax of a full recompute over the prompt and the tokens before it.
      for (let i = 0; i < ids.length; i++) {
        const logits = (await fullLogits([...prompt, ...ids.slice(0, i)])).at(-1) as Float32Array
        expect(ids[i]).toBe(logits.indexOf(Math.max(...logits)))
      }
    } finally {
      await generation.close()
    }
  })

  it('fails only the generations of a worker that ran out of memory, and starts a new one', async () => {
    const generation = await GenerationSession.start({ file, resourceLimits: { maxOldGenerationSizeMb: 24 } })
    try {
      const running = generation.generate({
        promptIds: prompt,
        maxTokens: 5000,
        sampling: greedy,
        stopIds: [],
      })
      // Millions of prompt ids exhaust the worker's heap while it builds the first input tensor.
      const huge = generation.generate({
        promptIds: new Array(4_000_000).fill(5),
        maxTokens: 1,
        sampling: greedy,
        stopIds: [],
      })
      await expect(huge.outcome).rejects.toThrow(/worker stopped/)
      await expect(running.outcome).rejects.toThrow(/worker stopped/)
      const after = generation.generate({ promptIds: prompt, maxTokens: 3, sampling: greedy, stopIds: [] })
      expect((await after.outcome).completionTokens).toBe(3)
      expect(generation.starts).toBe(2)
    } finally {
      await generation.close()
    }
  })

  it('cancels between steps', async () => {
    const generation = await GenerationSession.start({ file })
    try {
      const stream = generation.generate({ promptIds: prompt, maxTokens: 400, sampling: greedy, stopIds: [] })
      let count = 0
      for await (const _ of stream) if (++count === 3) stream.cancel()
      const outcome = await stream.outcome
      expect(outcome.reason).toBe('cancelled')
      expect(outcome.completionTokens).toBeLessThan(400)
      expect(generation.load).toEqual({ active: 0, queued: 0 })
    } finally {
      await generation.close()
    }
  })

  it('reports a file that is not a decoder as a load failure', async () => {
    await expect(GenerationSession.start({ file: join(repo.dir, 'missing.onnx') })).rejects.toThrow(
      /could not be loaded/,
    )
  })
})
