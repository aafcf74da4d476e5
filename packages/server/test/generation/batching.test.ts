import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DecoderBatch } from '../../src/runtime/onnx/generation-batch.js'
import { DecoderSequence, decoderSignature } from '../../src/runtime/onnx/generation-decoder.js'
import {
  type GenerationInput,
  GenerationSession,
  type SampledToken,
} from '../../src/runtime/onnx/generation-session.js'
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

// Three prompts of different lengths, so the batch pads two of them.
const prompts = [
  [1, 40, 77, 130, 5, 220, 61, 9, 300, 17, 2, 88],
  [1, 12, 250, 3],
  [1, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80],
]
const argmax = (row: Float32Array) => row.indexOf(Math.max(...row))
const distance = (a: Float32Array, b: Float32Array) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))))

describe('decoding several sequences in one batched run', () => {
  it('gives every row the logits it has on its own, as rows join and leave', async () => {
    const signature = decoderSignature(session)
    // Each prompt alone: prefill, then greedy steps; the logits of each step kept.
    const solo: Float32Array[][] = []
    for (const prompt of prompts) {
      const sequence = new DecoderSequence(session, signature)
      let logits = await sequence.forward(prompt)
      const steps = [logits]
      for (let i = 0; i < 6; i++) {
        logits = await sequence.forward([argmax(logits)])
        steps.push(logits)
      }
      solo.push(steps)
      sequence.dispose()
    }
    const batch = new DecoderBatch(session, signature)
    const last = new Map<number, number>()
    const seen = new Map<number, number>()
    const admit = async (key: number) => {
      const sequence = new DecoderSequence(session, signature)
      const logits = await sequence.forward(prompts[key] as number[])
      last.set(key, argmax(logits))
      seen.set(key, 0)
      batch.join(key, sequence.takeCache())
    }
    await admit(0)
    await admit(1)
    let worst = 0
    let batchedRuns = 0
    for (let step = 0; step < 6; step++) {
      // The third joins two steps late; the second leaves after four.
      if (step === 2) await admit(2)
      if (step === 4) batch.leave(1)
      const rows = await batch.step((key) => last.get(key) as number)
      if (rows.length > 1) batchedRuns++
      for (const { key, logits } of rows) {
        const index = (seen.get(key) as number) + 1
        seen.set(key, index)
        worst = Math.max(worst, distance(logits, solo[key]?.[index] as Float32Array))
        expect(argmax(logits), `row ${key}, step ${index}`).toBe(argmax(solo[key]?.[index] as Float32Array))
        last.set(key, argmax(logits))
      }
    }
    batch.dispose()
    expect(batchedRuns).toBe(6)
    expect(seen).toEqual(
      new Map([
        [0, 6],
        [1, 4],
        [2, 4],
      ]),
    )
    expect(worst).toBeLessThan(1e-5)
  })

  it('would differ without the padding mask (the check can fail)', async () => {
    const signature = decoderSignature(session)
    const short = new DecoderSequence(session, signature)
    const alone = await short.forward(prompts[1] as number[])
    const expected = await short.forward([argmax(alone)])
    // The short prompt run after zeros that are attended to: a batch without a mask would do this.
    const padded = new DecoderSequence(session, signature)
    await padded.forward([...new Array(8).fill(0), ...(prompts[1] as number[])])
    const wrong = await padded.forward([argmax(alone)])
    expect(distance(wrong, expected)).toBeGreaterThan(1e-3)
    short.dispose()
    padded.dispose()
  })
})

describe('a generation worker batching its sequences', () => {
  const greedy = { temperature: 0, topP: 1, topK: 0, seed: 1, frequencyPenalty: 0, presencePenalty: 0 }
  const collect = async (stream: AsyncIterable<SampledToken>) => {
    const tokens: SampledToken[] = []
    for await (const token of stream) tokens.push(token)
    return tokens
  }
  const inputs: GenerationInput[] = [
    { promptIds: prompts[0] as number[], maxTokens: 12, sampling: greedy, stopIds: [], topLogprobs: 2 },
    {
      promptIds: prompts[1] as number[],
      maxTokens: 9,
      sampling: { ...greedy, temperature: 0.9, topP: 0.95, seed: 42, frequencyPenalty: 0.5 },
      stopIds: [],
    },
    { promptIds: prompts[2] as number[], maxTokens: 15, sampling: greedy, stopIds: [] },
  ]

  it('gives each of three concurrent requests, with its own settings, what it gives alone', async () => {
    const generation = await GenerationSession.start({ file, maxActive: 4 })
    try {
      const alone: SampledToken[][] = []
      for (const input of inputs) alone.push(await collect(generation.generate(input)))
      const together = await Promise.all(inputs.map((input) => collect(generation.generate(input))))
      expect(together.map((tokens) => tokens.map((t) => t.id))).toEqual(
        alone.map((tokens) => tokens.map((t) => t.id)),
      )
      expect(together.map((t) => t.length)).toEqual([12, 9, 15])
      // Log probabilities and alternatives stay those of the row's own distribution.
      together[0]?.forEach((token, i) => {
        const solo = alone[0]?.[i] as SampledToken
        expect(token.logprob).toBeCloseTo(solo.logprob, 4)
        expect(token.top?.map((t) => t.id)).toEqual(solo.top?.map((t) => t.id))
      })
    } finally {
      await generation.close()
    }
  })

  it('lets the other rows go on unchanged when one is cancelled in the middle', async () => {
    const generation = await GenerationSession.start({ file, maxActive: 4 })
    try {
      const long = { ...inputs[0], maxTokens: 40 } as GenerationInput
      const soloFirst = await collect(generation.generate(inputs[2] as GenerationInput))
      const soloSecond = await collect(generation.generate(inputs[1] as GenerationInput))
      const cancelled = generation.generate(long)
      const first = collect(generation.generate(inputs[2] as GenerationInput))
      const second = collect(generation.generate(inputs[1] as GenerationInput))
      let count = 0
      for await (const _ of cancelled) if (++count === 4) cancelled.cancel()
      const outcome = await cancelled.outcome
      expect(outcome.reason).toBe('cancelled')
      expect(outcome.completionTokens).toBeLessThan(40)
      expect((await first).map((t) => t.id)).toEqual(soloFirst.map((t) => t.id))
      expect((await second).map((t) => t.id)).toEqual(soloSecond.map((t) => t.id))
      expect(generation.load).toEqual({ active: 0, queued: 0 })
    } finally {
      await generation.close()
    }
  })

  it('steps each sequence on its own with maxBatch 1, with the same tokens', async () => {
    const generation = await GenerationSession.start({ file, maxActive: 4, maxBatch: 1 })
    const batched = await GenerationSession.start({ file, maxActive: 4 })
    try {
      const apart = await Promise.all(inputs.map((input) => collect(generation.generate(input))))
      const together = await Promise.all(inputs.map((input) => collect(batched.generate(input))))
      expect(apart.map((t) => t.map((x) => x.id))).toEqual(together.map((t) => t.map((x) => x.id)))
    } finally {
      await generation.close()
      await batched.close()
    }
  })
})
