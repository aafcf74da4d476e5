/**
 * The examples that use the built-in models, each run as written against a live server with them:
 * the README quick start, OCR on an image, VAD on a WAV, and typed model functions.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simplenetReference } from '../../scripts/simplenet.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { root, runExample, runQuickstart, tsx } from './run-example.js'

const run = promisify(execFile)
const input = Float32Array.from([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4])
const want = Array.from(simplenetReference(input, 1), (value) => value.toFixed(4)).join(' ')

let server: RunningServer
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-examples-'))
  server = await startServer({
    port: 0,
    modelsDir: join(scratch, 'no-models'),
    log: { info() {}, warn() {}, error() {} },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('examples on the built-in models', () => {
  it('quickstart prints simplenet output for its input', async () => {
    const [datatype, shape, ...values] = (await runQuickstart(server.url)).trim().split(/\s+/)
    expect(datatype).toBe('FP32')
    expect(shape).toBe('[')
    expect(values.slice(values.indexOf(']') + 1).join(' ')).toBe(want)
  })

  it('ocr reads both lines of its receipt, in reading order', async () => {
    const lines = (await runExample('ocr', server.url)).trim().split('\n')
    expect(lines[0]).toBe('ppocr-v4: 2 lines in 490×142')
    expect(lines.slice(1).map((line) => line.split(' ').slice(2).join(' '))).toEqual([
      'modelport reads this line',
      'Total due: 42.50 EUR',
    ])
  })

  it('vad finds the two phrases of its WAV where they were spoken', async () => {
    const [summary, ...segments] = (await runExample('vad', server.url)).trim().split('\n')
    expect(summary).toMatch(/^silero-vad: 2 speech segments in 4\.\d\d s$/)
    // The phrases were placed at 0.50–1.78 s and 2.58–4.22 s; the VAD pads each end by a little.
    const bounds = segments.map((line) => line.replace(' s', '').split('–').map(Number))
    const truth = [
      [0.5, 1.78],
      [2.58, 4.22],
    ]
    bounds.forEach(([start, end], index) => {
      expect(Math.abs((start as number) - (truth[index]?.[0] as number))).toBeLessThan(0.15)
      expect(Math.abs((end as number) - (truth[index]?.[1] as number))).toBeLessThan(0.15)
    })
  })

  it('typed-models: its generated functions are what modelport-gen-client writes, and they run', async () => {
    const out = join(scratch, 'models.ts')
    await run(
      tsx,
      ['--conditions=source', 'packages/sdk/bin/modelport-gen-client.js', '--url', server.url, '--out', out],
      {
        cwd: root,
      },
    )
    const body = (text: string) => text.split('\n').slice(1).join('\n')
    const committed = await readFile(join(root, 'examples/typed-models/generated/models.ts'), 'utf8')
    expect(body(committed), 'stale: run modelport-gen-client again (see the example)').toBe(
      body(await readFile(out, 'utf8')),
    )

    const [head, values] = (await runExample('typed-models', server.url)).trim().split('\n')
    expect(head).toBe('simplenet y FP32 [1, 10] width 10')
    expect(values).toBe(want)
  })
})
