/**
 * The response budget checked where outputs are made (a model's worker thread): the same 413 as the
 * route's, from exact sizes for binary outputs and exact text for JSON ones, and nothing refused that the
 * route would have sent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelportError } from '../../src/core/errors.js'
import { loadWorkerModel } from '../../src/runtime/onnx/session.js'
import { OutputBudget, outputTooLarge } from '../../src/runtime/output-budget.js'
import { checkOutputLimit } from '../../src/runtime/output-limit.js'
import type { HostTensor } from '../../src/runtime/types.js'
import { writeOutputText } from '../../src/tensors/json-text.js'
import { tileModel } from '../suites/support/hostile-models.js'

const floats: HostTensor = {
  datatype: 'FP32',
  shape: [4096],
  data: Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i) / 3),
}
const strings: HostTensor = { datatype: 'BYTES', shape: [3], data: ['a"b', 'é\u0001', ''] }

/** The bytes the route's writer counts for one JSON output. */
async function writtenBytes(name: string, tensor: HostTensor): Promise<number> {
  const pieces = await writeOutputText(name, tensor, new OutputBudget(Number.POSITIVE_INFINITY))
  return pieces.reduce((sum, piece) => sum + piece.length, 0)
}

const refusal = (maxBytes: number, output: string) => outputTooLarge(maxBytes, output).message

describe('checkOutputLimit', () => {
  it.each([
    ['FP32', floats],
    ['BYTES', strings],
  ])('passes %s JSON text of exactly the budget and refuses one byte less', async (_, tensor) => {
    const exact = await writtenBytes('y', tensor)
    expect(() => checkOutputLimit(['y'], { y: tensor }, { maxBytes: exact, binary: [] })).not.toThrow()
    expect(() => checkOutputLimit(['y'], { y: tensor }, { maxBytes: exact - 1, binary: [] })).toThrow(
      refusal(exact - 1, "'y'"),
    )
  })

  it('refuses JSON whose shortest form fits but whose text does not, naming the output', () => {
    // 4,096 numbers: at least 8 KB, at most 100 KB; their text is about 78 KB.
    const budget = { maxBytes: 40_000, binary: [] }
    expect(() => checkOutputLimit(['y'], { y: floats }, budget)).toThrow(refusal(40_000, "'y'"))
  })

  it('counts binary outputs by their exact size, with the other outputs in response order', () => {
    const outputs = { a: floats, b: floats }
    // a: 16,384 bytes of binary, then b's text passes the budget.
    expect(() => checkOutputLimit(['a', 'b'], outputs, { maxBytes: 30_000, binary: ['a'] })).toThrow(
      refusal(30_000, "'b'"),
    )
    expect(() =>
      checkOutputLimit(['a', 'b'], outputs, { maxBytes: 32_768, binary: ['a', 'b'] }),
    ).not.toThrow()
    expect(() => checkOutputLimit(['a', 'b'], outputs, { maxBytes: 32_767, binary: ['a', 'b'] })).toThrow(
      refusal(32_767, "'b'"),
    )
  })
})

describe('a model in a worker thread', () => {
  let dir: string
  let file: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelport-output-limit-'))
    file = join(dir, 'tile.onnx')
    await writeFile(file, tileModel(1024))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses an answer over the budget in the worker with the route 413, and serves one within it', async () => {
    const model = await loadWorkerModel(file, { workers: 1 })
    try {
      const x = (): HostTensor => ({
        datatype: 'FP32',
        shape: [1000],
        data: new Float32Array(1000).fill(0.5),
      })
      // 1,000 × 1,024 floats: 4,096,000 bytes as binary data.
      const refused = await model
        .run({ x: x() }, ['y'], { outputLimit: { maxBytes: 4_095_999, binary: ['y'] } })
        .catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(ModelportError)
      expect(refused).toMatchObject({
        status: 413,
        code: 'output_too_large',
        message: refusal(4_095_999, "'y'"),
      })
      const served = await model.run({ x: x() }, ['y'], {
        outputLimit: { maxBytes: 4_096_000, binary: ['y'] },
      })
      expect(served.y?.data.length).toBe(1_024_000)
    } finally {
      await model.dispose()
    }
  })
})
