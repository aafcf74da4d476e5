import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DecoderBatch, quantizesActivationsPerTensor } from '../../src/runtime/onnx/generation-batch.js'
import { DecoderSequence, decoderSignature } from '../../src/runtime/onnx/generation-decoder.js'
import {
  type GenerationInput,
  GenerationSession,
  type SampledToken,
} from '../../src/runtime/onnx/generation-session.js'
import { readChatFolder } from '../../src/tasks/chat/chat-folder.js'
import { type ChatRepository, chatRepository } from './support.js'

let repo: ChatRepository
let file: string
/** The same decoder with int8 weights and activations quantized per tensor. */
let q8File: string
let session: ort.InferenceSession

beforeAll(async () => {
  repo = chatRepository()
  file = join(repo.add('tiny-chat'), 'onnx', 'model.onnx')
  q8File = join(repo.add('tiny-chat-q8', { dtype: 'q8' }), 'onnx', 'model_quantized.onnx')
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

describe('a file that quantizes activations per tensor', () => {
  const greedy = { temperature: 0, topP: 1, topK: 0, seed: 1, frequencyPenalty: 0, presencePenalty: 0 }
  const collect = async (stream: AsyncIterable<SampledToken>) => {
    const ids: number[] = []
    for await (const token of stream) ids.push(token.id)
    return ids.join(',')
  }
  // Four prompts of different lengths a trial, ten trials.
  const trials = Array.from({ length: 10 }, (_, trial) =>
    Array.from({ length: 4 }, (_, i) =>
      Array.from(
        { length: 3 + ((trial * 7 + i * 5) % 20) },
        (_, j) => 1 + ((trial * 31 + i * 17 + j * 13) % 300),
      ),
    ),
  )
  /** How many of the greedy answers given four at a time differ from the same prompts' answers alone. */
  const changedByCompany = async (generation: GenerationSession) => {
    let changed = 0
    for (const prompts of trials) {
      const input = (promptIds: number[]) => ({ promptIds, maxTokens: 30, sampling: greedy, stopIds: [] })
      const alone: string[] = []
      for (const prompt of prompts) alone.push(await collect(generation.generate(input(prompt))))
      const together = await Promise.all(prompts.map((prompt) => collect(generation.generate(input(prompt)))))
      changed += together.filter((answer, i) => answer !== alone[i]).length
    }
    return changed
  }

  it('is found by its op type, and fp32 is not', async () => {
    expect(await quantizesActivationsPerTensor(q8File)).toBe(true)
    expect(await quantizesActivationsPerTensor(file)).toBe(false)
  })

  it('decodes one sequence per run unless told otherwise, so a greedy answer never depends on the others', async () => {
    const generation = await GenerationSession.start({ file: q8File, maxActive: 4 })
    const fp32 = await GenerationSession.start({ file, maxActive: 4 })
    try {
      expect(generation.maxBatch).toBe(1)
      expect(fp32.maxBatch).toBe(4)
      expect(await changedByCompany(generation)).toBe(0)
      expect(await changedByCompany(fp32)).toBe(0)
    } finally {
      await generation.close()
      await fp32.close()
    }
  })

  it('batched on request, shares its scale between rows (why it is not the default)', async () => {
    const generation = await GenerationSession.start({ file: q8File, maxActive: 4, maxBatch: 4 })
    try {
      expect(generation.maxBatch).toBe(4)
      expect(await changedByCompany(generation)).toBeGreaterThan(0)
    } finally {
      await generation.close()
    }
  })
})

describe('model.json queue.max_batch', () => {
  it('is read as the batch limit, and refused when it is not a whole number of at least 1', async () => {
    const folder = repo.add('tiny-chat-batch')
    expect((await readChatFolder(folder)).maxBatch).toBeUndefined()
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ queue: { max_active: 6, max_batch: 2 } }))
    expect(await readChatFolder(folder)).toMatchObject({ maxActive: 6, maxBatch: 2 })
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ queue: { max_batch: 0 } }))
    await expect(readChatFolder(folder)).rejects.toThrow(
      /queue\.max_batch must be a whole number of at least 1/,
    )
  })
})
