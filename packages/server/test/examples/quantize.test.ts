/**
 * The quantization script of the PyTorch example, as the lifecycle walkthrough runs it: the retrained
 * MLP's (version 2) weights become int8, the result is served as the model's next version folder (3), and it answers within a stated tolerance of the float
 * model, from a smaller file.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { root } from './run-example.js'

const run = promisify(execFile)
const python = process.env.MODELPORT_PYTHON ?? '/usr/bin/python3'
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }

/**
 * The documented tolerance: int8 weights with one scale per output channel put each weight within half
 * a step (max |w| / 254) of its float value. Measured on version 2: outputs of up to ±2.8 moved by
 * 1.7e-2 at most on these 8 rows and 3.3e-2 on 2000 live rows (mean 5.3e-3), a few percent of the
 * model's own error (RMSE ~0.12 on its training data).
 */
const TOLERANCE = 0.05

let server: RunningServer
let scratch: string
let repository: string
let quantizeOutput: string
let expected: { features: number[][]; prediction: number[][] }

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-quantize-'))
  repository = join(scratch, 'models')
  const rows = join(scratch, 'v2.json')
  const script = (name: string) => join(root, 'examples/pytorch', name)
  const step = (name: string, args: string[]) =>
    run(python, [script(name), ...args], { timeout: 60_000, env })
  // The walkthrough's steps: version 1, version 2 retrained on new data, then version 2 quantized as 3.
  await step('train.py', ['--repository', repository])
  await step('retrain.py', ['--repository', repository, '--expected', rows])
  const quantized = await step('quantize.py', [
    join(repository, 'mlp/2/model.onnx'),
    join(repository, 'mlp/3/model.onnx'),
  ])
  quantizeOutput = quantized.stdout
  expected = JSON.parse(await readFile(rows, 'utf8'))
  server = await startServer({
    port: 0,
    modelsDir: repository,
    builtins: false,
    ocr: false,
    log: { info() {}, warn() {}, error() {} },
  })
}, 120_000)
afterAll(async () => {
  await server?.close()
  await rm(scratch, { recursive: true, force: true })
})

async function infer(version: string) {
  const response = await fetch(`${server.url}/v2/models/mlp/versions/${version}/infer`, {
    method: 'POST',
    body: JSON.stringify({
      inputs: [{ name: 'features', shape: [8, 10], datatype: 'FP32', data: expected.features.flat() }],
    }),
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('x-modelport-model-version')).toBe(version)
  const body = (await response.json()) as { outputs: { name: string; shape: number[]; data: number[] }[] }
  const [output] = body.outputs
  expect(output?.name).toBe('prediction')
  expect(output?.shape).toEqual([8, 10])
  return output?.data ?? []
}

const maxAbsDiff = (a: number[], b: number[]) =>
  Math.max(...a.map((value, i) => Math.abs(value - (b[i] ?? NaN))))

describe('examples/pytorch/quantize.py: weight-only int8', () => {
  it('quantizes both Gemm weights per channel and writes a smaller file', async () => {
    expect(quantizeOutput).toMatch(/Gemm layers\.0\.weight \[20, 10\]: int8 per channel/)
    expect(quantizeOutput).toMatch(/Gemm layers\.2\.weight \[10, 20\]: int8 per channel/)
    const [float, int8] = await Promise.all(
      ['2', '3'].map(async (version) => (await stat(join(repository, `mlp/${version}/model.onnx`))).size),
    )
    // 430 float weights are 1720 of the float file's ~2300 bytes; in int8 they take 430 (plus scales).
    expect((int8 as number) / (float as number)).toBeLessThan(0.8)
  })

  it('served as version 3, it answers within the tolerance of PyTorch, and not exactly as the float model', async () => {
    const want = expected.prediction.flat()
    const [float, int8] = [await infer('2'), await infer('3')]
    expect(maxAbsDiff(float, want)).toBeLessThanOrEqual(1e-5)
    const error = maxAbsDiff(int8, want)
    expect(error).toBeLessThanOrEqual(TOLERANCE)
    // The weights really changed: a served float copy would match to 1e-6.
    expect(error).toBeGreaterThan(1e-5)
  })
})
