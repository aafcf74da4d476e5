/** What only a real socket shows: chunked bodies over the limit, and raw paths no client would normalize. */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'

let server: RunningServer
const silent = { info() {}, warn() {}, error() {} }

beforeAll(async () => {
  server = await startServer({
    port: 0,
    maxBodyBytes: 16 * 1024,
    log: silent,
    modelsDir: '/nonexistent-modelport-repo',
  })
})
afterAll(() => server.close())

function raw(
  path: string,
  chunks: string[] = [],
  method = 'POST',
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      `${server.url}${path}`,
      { method, headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () => done({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', fail)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

describe('over a socket', () => {
  it('answers 413 to a chunked body that grows past the limit, then keeps serving', async () => {
    const big = await raw(
      '/v2/models/simplenet/infer',
      Array.from({ length: 20 }, () => 'x'.repeat(1000)),
    )
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body)).toEqual({
      error: 'The request body is over the limit of 16384 bytes (maxBodyBytes).',
    })
    const ok = await raw('/v2/models/simplenet/infer', [
      JSON.stringify({
        inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: new Array(10).fill(1) }],
      }),
    ])
    expect(ok.status).toBe(200)
  })

  it.each([
    '/v2/models/../../etc/passwd/infer',
    '/v2/models/%2e%2e%2fsecret/infer',
    '/v2/models/a%00b/infer',
  ])('refuses %s without touching the file system', async (path) => {
    const res = await raw(path, ['{}'])
    expect([400, 404]).toContain(res.status)
    expect(JSON.parse(res.body)).toHaveProperty('error')
  })

  it('serves the built-in models with no configuration', async () => {
    const res = await fetch(`${server.url}/v1/models`)
    const ids = ((await res.json()) as { data: { id: string; state: string }[] }).data.map(
      (m) => `${m.id}:${m.state}`,
    )
    expect(ids).toEqual([
      'ppocr-mobile-cls:ready',
      'ppocr-v4-det:ready',
      'ppocr-v4-rec:ready',
      'silero-vad:ready',
      'simplenet:ready',
    ])
  })

  it('runs the built-in Silero VAD model as a raw tensor model', async () => {
    const meta = (await (await fetch(`${server.url}/v2/models/silero-vad`)).json()) as { inputs: unknown[] }
    expect(meta.inputs).toEqual([
      { name: 'input', datatype: 'FP32', shape: [-1, -1] },
      { name: 'state', datatype: 'FP32', shape: [2, -1, 128] },
      { name: 'sr', datatype: 'INT64', shape: [] },
    ])
    const res = await fetch(`${server.url}/v2/models/silero-vad/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [
          { name: 'input', datatype: 'FP32', shape: [1, 576], data: new Array(576).fill(0) },
          { name: 'state', datatype: 'FP32', shape: [2, 1, 128], data: new Array(256).fill(0) },
          { name: 'sr', datatype: 'INT64', shape: [], data: [16000] },
        ],
      }),
    })
    const body = (await res.json()) as { outputs: { name: string; shape: number[]; data: number[] }[] }
    expect(res.status).toBe(200)
    const probability = body.outputs.find((o) => o.name === 'output')
    expect(probability?.shape).toEqual([1, 1])
    // Silence: the speech probability is low.
    expect(probability?.data[0]).toBeLessThan(0.2)
  })
})
