/** The recurrent contract of Silero v5, checked on a fake model that records what it is given. */
import { describe, expect, it } from 'vitest'
import type { HostTensor, LoadedModel } from '../../../src/runtime/types.js'
import { speechProbabilities } from '../../../src/tasks/vad/silero.js'

function recordingModel() {
  const calls: Record<string, HostTensor>[] = []
  const model: LoadedModel = {
    platform: 'fake',
    inputs: [],
    outputs: [],
    async run(inputs) {
      calls.push(inputs)
      const step = calls.length
      return {
        output: { datatype: 'FP32', shape: [1, 1], data: new Float32Array([step / 10]) },
        // A state that names the call that produced it, so the next call shows what it was fed.
        stateN: { datatype: 'FP32', shape: [2, 1, 128], data: new Float32Array(256).fill(step) },
      }
    },
    async dispose() {},
  }
  return { model, calls }
}

describe('Silero state across windows', () => {
  it('feeds each window its predecessor state and its last 64 samples as context', async () => {
    const { model, calls } = recordingModel()
    const audio = Float32Array.from({ length: 512 * 2 + 100 }, (_, i) => i + 1)
    const probabilities = await speechProbabilities(model, audio)

    expect(Array.from(probabilities)).toEqual([0.1, 0.2, 0.3].map(Math.fround))
    expect(calls).toHaveLength(3)
    for (const [index, call] of calls.entries()) {
      expect(call.input?.shape).toEqual([1, 576])
      expect(call.state?.shape).toEqual([2, 1, 128])
      expect(Array.from(call.sr?.data as BigInt64Array)).toEqual([16000n])
      expect(Array.from(call.state?.data as Float32Array)).toEqual(new Array(256).fill(index))
      const input = call.input?.data as Float32Array
      const context = Array.from(input.subarray(0, 64))
      const window = input.subarray(64)
      expect(window[0]).toBe(index * 512 + 1)
      expect(context).toEqual(
        index === 0 ? new Array(64).fill(0) : Array.from({ length: 64 }, (_, i) => index * 512 - 63 + i),
      )
    }
    // The last window holds the 100 remaining samples and silence after them.
    const last = calls[2]?.input?.data as Float32Array
    expect(last[64 + 99]).toBe(1124)
    expect(Array.from(last.subarray(64 + 100)).every((v) => v === 0)).toBe(true)
  })

  it('stops when the request is aborted', async () => {
    const { model, calls } = recordingModel()
    const controller = new AbortController()
    controller.abort()
    await expect(speechProbabilities(model, new Float32Array(4096), controller.signal)).rejects.toThrow()
    expect(calls).toHaveLength(0)
  })
})
