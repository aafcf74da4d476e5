import { readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { IR_VERSION, OPSET_VERSION, readModel } from '../scripts/onnx-writer'
import {
  mulberry32,
  SIMPLENET_INPUT,
  SIMPLENET_MODEL_PATH,
  SIMPLENET_OUTPUT,
  simplenetModel,
  simplenetReference,
} from '../scripts/simplenet'

describe('simplenet model', () => {
  it('committed model.onnx is byte-identical to a fresh generation', () => {
    const committed = new Uint8Array(readFileSync(SIMPLENET_MODEL_PATH))
    expect(Buffer.from(simplenetModel()).equals(committed)).toBe(true)

    const model = readModel(committed)
    expect(Number(model.irVersion)).toBe(IR_VERSION)
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET_VERSION]])
  })

  it('onnxruntime output matches the JS reference for a batch of 3', async () => {
    const session = await ort.InferenceSession.create(SIMPLENET_MODEL_PATH)
    try {
      const batch = 3
      const next = mulberry32(1234)
      const x = Float32Array.from({ length: batch * SIMPLENET_INPUT }, () => next() * 2 - 1)
      const { y } = await session.run({ x: new ort.Tensor('float32', x, [batch, SIMPLENET_INPUT]) })

      expect(y?.dims).toEqual([batch, SIMPLENET_OUTPUT])
      const actual = y?.data as Float32Array
      const expected = simplenetReference(x, batch)
      expect(actual).toHaveLength(expected.length)
      const maxAbsDiff = Math.max(...expected.map((v, i) => Math.abs(v - (actual[i] ?? Number.NaN))))
      expect(maxAbsDiff).toBeLessThanOrEqual(1e-5)
    } finally {
      await session.release()
    }
  })

  it('reports x/y as float32 tensors with a symbolic batch dimension', async () => {
    const session = await ort.InferenceSession.create(SIMPLENET_MODEL_PATH)
    try {
      expect(session.inputNames).toEqual(['x'])
      expect(session.outputNames).toEqual(['y'])
      const [input] = session.inputMetadata
      const [output] = session.outputMetadata
      expect(input).toMatchObject({
        name: 'x',
        isTensor: true,
        type: 'float32',
        shape: ['batch', SIMPLENET_INPUT],
      })
      expect(output).toMatchObject({
        name: 'y',
        isTensor: true,
        type: 'float32',
        shape: ['batch', SIMPLENET_OUTPUT],
      })
    } finally {
      await session.release()
    }
  })
})
