/**
 * Output amplification and echoes on `/v2/.../infer`, against a real server in its own process: a request
 * that names an output thousands of times, a model whose answer is a thousand times its request, names
 * of a megabyte. Each attack must get its refusal in the protocol's error shape, quickly, while the
 * server's memory stays bounded and its liveness answers throughout. Each attack prints its figures as a
 * `[hostile]` line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Repository } from '../support/models.js'
import { binaryRequest, hostileRepository } from './support/hostile-models.js'
import { type HostileServer, record, startHostileServer } from './support/hostile-server.js'

let repo: Repository
let server: HostileServer

beforeAll(async () => {
  repo = await hostileRepository()
  server = await startHostileServer({ modelsDir: repo.dir })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body as BodyInit,
  })

const simplenetInput = { name: 'x', datatype: 'FP32', shape: [1, 10], data: new Array(10).fill(0.5) }

describe('output amplification', () => {
  it('refuses an output named twice or more with a 400, before running the model', async () => {
    const watch = await server.watch()
    const body = JSON.stringify({
      inputs: [simplenetInput],
      outputs: Array.from({ length: 2048 }, () => ({ name: 'y' })),
    })
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post('/v2/models/simplenet/infer', body)),
    )
    const ms = performance.now() - started
    const texts = await Promise.all(answers.map((a) => a.text()))
    const report = await watch.stop()
    record('2048 duplicated outputs ×20', report, { ms: Math.round(ms), bytes: texts[0]?.length })
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(400)
      expect(JSON.parse(texts[i] as string)).toEqual({
        error: "Output 'y' is asked for twice; name it once.",
      })
    }
    expect(report.livenessFailures).toBe(0)
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(200)
  })

  it('answers a JSON response over maxOutputBytes with a 413, written in slices that let liveness answer', async () => {
    // 16,384 floats in (64 KB), 16.7M out: 330 MB of JSON text unbounded; the default budget is 128 MiB.
    const input = new Float32Array(16384).map((_, i) => Math.sin(i) / 3)
    const { body, headers } = binaryRequest(
      {
        inputs: [
          {
            name: 'x',
            datatype: 'FP32',
            shape: [input.length],
            parameters: { binary_data_size: input.byteLength },
          },
        ],
      },
      new Uint8Array(input.buffer),
    )
    const watch = await server.watch()
    const started = performance.now()
    const answer = await post('/v2/models/tile/infer', body, headers)
    const text = await answer.text()
    const ms = performance.now() - started
    const report = await watch.stop()
    const settled = await server.settledRss()
    record('tile ×1024 as JSON (330 MB unbounded)', report, {
      ms: Math.round(ms),
      status: answer.status,
      rssAfter10sMiB: settled.lastMiB,
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(text).error).toMatch(
      /^The response would be over the limit of 134217728 bytes \(maxOutputBytes\) at output 'y'/,
    )
    expect(report.livenessFailures).toBe(0)
    // The target is 50 ms on an idle machine; the bound here leaves room for a shared one.
    expect(report.livenessP99Ms).toBeLessThan(500)
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(1024)
  })

  const binaryTile = (length: number) => {
    const input = new Float32Array(length).map((_, i) => i)
    return binaryRequest(
      {
        inputs: [
          {
            name: 'x',
            datatype: 'FP32',
            shape: [input.length],
            parameters: { binary_data_size: input.byteLength },
          },
        ],
        parameters: { binary_data_output: true },
      },
      new Uint8Array(input.buffer),
    )
  }

  it.each([
    ['tile', 'in its worker thread, before the output crosses to the event loop'],
    ['tile-inline', 'on the event loop, from its exact size before writing any'],
  ])('refuses binary outputs over maxOutputBytes of %s %s, with the same 413', async (model) => {
    // 135 MB of outputs, just over the default budget of 128 MiB.
    const { body, headers } = binaryTile(33000)
    const watch = await server.watch()
    const answer = await post(`/v2/models/${model}/infer`, body, headers)
    const text = await answer.text()
    const report = await watch.stop()
    const settled = await server.settledRss()
    record(`${model} ×1024 binary (135 MB)`, report, {
      status: answer.status,
      rssAfter10sMiB: settled.lastMiB,
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(text)).toEqual({
      error:
        "The response would be over the limit of 134217728 bytes (maxOutputBytes) at output 'y': ask for fewer outputs, a smaller batch, or binary_data_output.",
    })
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(1024)
    // Inline, the model's own run (Tile writing 135 MB) holds the loop, measured only; in a worker nothing
    // large does. The target is 50 ms on an idle machine; the bound here leaves room for a shared one.
    if (model === 'tile') {
      expect(report.livenessFailures).toBe(0)
      expect(report.livenessP99Ms).toBeLessThan(500)
    }
  })

  it('sends a large binary answer under the budget in its parts, whole and exact', async () => {
    // 8,192 floats in, 33.5 MB out: over the size that is joined into one body.
    const { body, headers } = binaryTile(8192)
    const watch = await server.watch()
    const answer = await post('/v2/models/tile/infer', body, headers)
    const bytes = new Uint8Array(await answer.arrayBuffer())
    const report = await watch.stop()
    record('tile ×1024 binary under the budget (33.5 MB)', report, { status: answer.status })
    expect(answer.status).toBe(200)
    const headerLength = Number(answer.headers.get('inference-header-content-length'))
    expect(Number(answer.headers.get('content-length'))).toBe(bytes.byteLength)
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerLength)))
    expect(header.outputs[0]).toMatchObject({
      name: 'y',
      shape: [8192 * 1024],
      parameters: { binary_data_size: 8192 * 1024 * 4 },
    })
    const y = new Float32Array(bytes.slice(headerLength).buffer)
    expect(y.length).toBe(8192 * 1024)
    expect([y[0], y[8191], y[8192], y[8192 * 1024 - 1]]).toEqual([0, 8191, 0, 8191])
    expect(report.livenessFailures).toBe(0)
  })

  it('still answers a large JSON response under the budget, whole and valid', async () => {
    const input = Array.from({ length: 2048 }, (_, i) => i / 7)
    const answer = await post(
      '/v2/models/tile/infer',
      JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [input.length], data: input }] }),
    )
    expect(answer.status).toBe(200)
    const body = (await answer.json()) as { outputs: { name: string; shape: number[]; data: number[] }[] }
    expect(body.outputs[0]?.shape).toEqual([2048 * 1024])
    expect(body.outputs[0]?.data.length).toBe(2048 * 1024)
    expect(body.outputs[0]?.data[2048 + 7]).toBeCloseTo(1, 5)
  })
})

describe('echoes', () => {
  it.each([
    ['input', (name: string) => ({ inputs: [{ ...simplenetInput, name }] })],
    ['output', (name: string) => ({ inputs: [simplenetInput], outputs: [{ name }] })],
  ])('cuts an unknown %s name of half a megabyte to a few dozen characters', async (_, request) => {
    // Just under maxJsonBodyBytes (1 MiB), the most a JSON request may carry.
    const name = `${'n'.repeat(512 * 1024)}-end`
    const answer = await post('/v2/models/simplenet/infer', JSON.stringify(request(name)))
    const text = await answer.text()
    expect(answer.status).toBe(400)
    expect(text.length).toBeLessThan(300)
    expect(JSON.parse(text).error).toMatch(
      /^Model 'simplenet' has no (input|output) 'n{61}\.\.\.' \((in|out)puts: [xy]\)\.$/,
    )
  })
})

describe('the server', () => {
  it('logged no unhandled error and answered no 500', () => {
    const lines = server.logLines()
    expect(lines.filter((line) => line.level === 'error' || line.status === 500)).toEqual([])
  })
})
