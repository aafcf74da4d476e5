/**
 * Quality monitoring in-process: feedback scored against what each version answered, input drift
 * against a version's reference, and memory that stays bounded when feedback never comes.
 */

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { ModelportError } from '../../src/core/errors.js'
import { QualityMonitor } from '../../src/quality/quality-monitor.js'
import type { HostTensor } from '../../src/runtime/types.js'

/** A clock that moves only when told (the monitor sets no timers). */
function manualClock() {
  let now = 1_000_000
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout() {} }
  const advance = (ms: number) => {
    now += ms
  }
  return { clock, advance }
}

const fp32 = (shape: number[], values: number[]): HostTensor => ({
  datatype: 'FP32',
  shape,
  data: Float32Array.from(values),
})
const noInputs = {}

/** A monitor that keeps model m's answers for feedback. */
function monitor(options: ConstructorParameters<typeof QualityMonitor>[0] = {}): QualityMonitor {
  const quality = new QualityMonitor(options)
  quality.configure('m', {})
  return quality
}

function refusal(run: () => unknown): { status: number; code: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof ModelportError)
      return { status: error.status, code: error.code, message: error.message }
    throw error
  }
  throw new Error('it did not throw')
}

describe('feedback', () => {
  it('labels score the argmax of each row; accuracy per version is correct rows over labelled rows', () => {
    const quality = monitor()
    quality.served('a', 'm', '1', noInputs, fp32([2, 3], [0.1, 0.7, 0.2, 0.9, 0.05, 0.05]))
    quality.served('b', 'm', '2', noInputs, fp32([1, 3], [0.1, 0.2, 0.7]))
    expect(quality.feedback('m', { id: 'a', label: [1, 2] })).toEqual({
      model_name: 'm',
      model_version: '1',
      id: 'a',
      rows: 2,
      correct: 1,
    })
    expect(quality.feedback('m', { id: 'b', label: 2 })).toMatchObject({ model_version: '2', correct: 1 })
    expect(quality.of('m', '1')?.tally.accuracy).toBe(0.5)
    expect(quality.of('m', '2')?.tally.accuracy).toBe(1)
  })

  it('integer outputs are the predicted classes themselves', () => {
    const quality = monitor()
    quality.served('a', 'm', '1', noInputs, {
      datatype: 'INT64',
      shape: [3],
      data: BigInt64Array.from([2n, 0n, 1n]),
    })
    expect(quality.feedback('m', { id: 'a', label: [2, 1, 1] }).correct).toBe(2)
  })

  it('values give MAE and RMSE over every element; scores a mean', () => {
    const quality = monitor()
    quality.served('a', 'm', '1', noInputs, fp32([1, 2], [1, 2]))
    quality.served('b', 'm', '1', noInputs, fp32([1, 2], [0, 0]))
    quality.served('c', 'm', '1', noInputs, fp32([1, 2], [0, 0]))
    expect(quality.feedback('m', { id: 'a', value: [1, 4] }).mean_absolute_error).toBe(1)
    quality.feedback('m', { id: 'b', value: [0, 0] })
    quality.feedback('m', { id: 'c', score: 0.25 })
    const tally = quality.of('m', '1')?.tally
    expect(tally?.meanAbsoluteError).toBe(0.5)
    expect(tally?.rootMeanSquaredError).toBeCloseTo(Math.sqrt(4 / 4), 12)
    expect(tally?.meanScore).toBe(0.25)
  })

  it.each([
    ['an unknown id', { id: 'nope', label: 1 }, 404, 'answer_not_found'],
    ['two kinds at once', { id: 'a', label: 1, score: 1 }, 400, 'invalid_feedback'],
    ['too few labels', { id: 'a', label: [1] }, 400, 'feedback_shape_mismatch'],
    ['too many values', { id: 'a', value: [1, 2, 3, 4, 5, 6, 7] }, 400, 'feedback_shape_mismatch'],
  ])('refuses %s, and the answer goes on waiting', (_, feedback, status, code) => {
    const quality = monitor()
    quality.served('a', 'm', '1', noInputs, fp32([2, 3], [1, 0, 0, 0, 1, 0]))
    expect(refusal(() => quality.feedback('m', feedback))).toMatchObject({ status, code })
    expect(quality.feedback('m', { id: 'a', label: [0, 1] }).correct).toBe(2)
  })

  it('takes one feedback per answer, only for the model that answered, and only within the window', () => {
    const { clock, advance } = manualClock()
    const quality = monitor({ clock, windowMs: 1000 })
    quality.served('a', 'm', '1', noInputs, fp32([1, 2], [1, 0]))
    quality.served('b', 'm', '1', noInputs, fp32([1, 2], [1, 0]))
    expect(refusal(() => quality.feedback('other', { id: 'a', label: 0 })).code).toBe('feedback_not_enabled')
    quality.feedback('m', { id: 'a', label: 0 })
    expect(refusal(() => quality.feedback('m', { id: 'a', label: 0 })).message).toMatch(
      /had feedback already/,
    )
    advance(1001)
    expect(refusal(() => quality.feedback('m', { id: 'b', label: 0 })).message).toMatch(/older than 1000 ms/)
    expect(quality.pending).toEqual({ waiting: 0, expired: 1 })
  })
})

describe('input drift', () => {
  it('live values from the reference distribution stay in range; shifted ones are counted out of it', () => {
    const quality = new QualityMonitor({ referenceSize: 2000 })
    let seed = 7
    const uniform = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    const request = (shift: number) =>
      fp32(
        [1, 10],
        Array.from({ length: 10 }, () => uniform() + shift),
      )
    for (let i = 0; i < 200; i++) quality.served(`r${i}`, 'm', '1', { x: request(0) }, undefined)
    for (let i = 0; i < 500; i++) quality.served(`s${i}`, 'm', '1', { x: request(0) }, undefined)
    const drift = quality.of('m', '1')?.inputs.get('x')
    expect(drift?.reference).toMatchObject({ count: 2000 })
    expect(drift?.reference?.mean).toBeCloseTo(0.5, 1)
    expect(drift?.outOfRangeShare).toBeGreaterThan(0.005)
    expect(drift?.outOfRangeShare).toBeLessThan(0.04)
    for (let i = 0; i < 5000; i++) quality.served(`t${i}`, 'm', '1', { x: request(0.5) }, undefined)
    // Half of the shifted values lie above the reference's 99th percentile.
    expect(drift?.outOfRangeShare).toBeGreaterThan(0.3)
    expect(drift?.live.mean).toBeGreaterThan(0.8)
  })
})

describe('bounded memory', () => {
  it('1e6 answers that never get feedback: at most the capacity waits, and the heap stops growing once it is reached', () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    // The answers are kept on the heap; array buffers are counted too, in case that changes.
    const used = () => {
      gc()
      const { heapUsed, arrayBuffers } = process.memoryUsage()
      return heapUsed + arrayBuffers
    }
    const baseline = used()
    const { clock, advance } = manualClock()
    const capacity = 100_000
    const quality = monitor({ clock, capacity, referenceSize: 1000 })
    const output = fp32([1, 10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const inputs = { x: fp32([1, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) }
    const heapAt: number[] = []
    for (let i = 1; i <= 1_000_000; i++) {
      quality.served(`request-${i}`, 'm', String(i % 3), inputs, output)
      if (i % 1000 === 0) advance(1)
      if (i === 250_000 || i === 1_000_000) heapAt.push(used())
    }
    expect(quality.pending).toEqual({ waiting: capacity, expired: 900_000 })
    const [early, late] = heapAt as [number, number]
    // About 350 bytes per waiting answer with a 10-element output and its id (measured); well under 1 KiB.
    expect(early - baseline).toBeLessThan(capacity * 1024)
    // Once full, a new answer replaces the oldest: 750 000 more answers add (almost) nothing.
    expect(late - early).toBeLessThan(8 * 1024 * 1024)
    // And the window forgets them all once it has passed.
    advance(quality.windowMs + 1)
    quality.served('last', 'm', '1', inputs, output)
    expect(quality.pending.waiting).toBe(1)
  }, 120_000)

  it('keeps no answer of a model whose model.json does not ask for feedback; its inputs are still followed', () => {
    const quality = new QualityMonitor()
    quality.served('a', 'other', '1', { x: fp32([1, 2], [1, 2]) }, fp32([1, 2], [1, 0]))
    expect(quality.pending.waiting).toBe(0)
    expect(refusal(() => quality.feedback('other', { id: 'a', label: 0 }))).toMatchObject({
      status: 404,
      code: 'feedback_not_enabled',
    })
    expect(quality.of('other', '1')?.inputs.has('x')).toBe(true)
  })
})
