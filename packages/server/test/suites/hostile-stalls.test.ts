/**
 * Requests inside the limits that would hold the event loop for seconds, against a real server in its own
 * process: long low-rate audio, multipart bodies of countless empty parts, the largest JSON tensor allowed,
 * BYTES tensors of many elements. Each must be served in slices or refused by a tighter limit, with
 * liveness answering throughout; and BYTES that ONNX Runtime would change are refused, not changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Repository } from '../support/models.js'
import { writeWav } from '../tasks/vad/speech.js'
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

const post = async (path: string, body: BodyInit, headers: Record<string, string>) => {
  const answer = await fetch(`${server.url}${path}`, { method: 'POST', headers, body })
  return { status: answer.status, text: await answer.text(), headers: answer.headers }
}
const json = { 'content-type': 'application/json' }

async function watched<T>(
  attack: string,
  run: () => Promise<T>,
): Promise<{ result: T; report: Awaited<ReturnType<Awaited<ReturnType<HostileServer['watch']>>['stop']>> }> {
  const watch = await server.watch()
  const started = performance.now()
  const result = await run()
  const ms = Math.round(performance.now() - started)
  const report = await watch.stop()
  record(attack, report, { ms })
  return { result, report }
}

describe('long work in JavaScript, in slices', () => {
  it('VAD on 120 s of 4 kHz audio: resampled and mixed in blocks, liveness answers', async () => {
    const samples = new Float32Array(4000 * 120).map((_, i) => Math.sin(i / 9) * 0.05)
    const wav = writeWav([samples], 4000, '16')
    const { result, report } = await watched('VAD 120 s at 4 kHz', () =>
      post('/v1/audio/vad', wav, { 'content-type': 'audio/wav' }),
    )
    expect(result.status).toBe(200)
    expect(JSON.parse(result.text).duration).toBe(120)
    expect(report.livenessFailures).toBe(0)
    expect(report.livenessP99Ms).toBeLessThan(500)
  })

  it('stops the VAD work of a client that leaves, and logs the request as closed', async () => {
    const samples = new Float32Array(4000 * 120).map((_, i) => Math.sin(i / 9) * 0.05)
    const wav = writeWav([samples], 4000, '16')
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 400)
    const started = performance.now()
    await fetch(`${server.url}/v1/audio/vad`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: wav,
      signal: controller.signal,
    }).catch(() => undefined)
    // The work ends at its next step, far sooner than the whole file takes.
    let closed: Record<string, unknown> | undefined
    while (!closed && performance.now() - started < 10_000) {
      await new Promise((done) => setTimeout(done, 100))
      closed = server.logLines().find((line) => line.path === '/v1/audio/vad' && line.status === 503)
    }
    expect(closed).toBeDefined()
  })

  it('refuses a multipart body of 500k empty parts before parsing it', async () => {
    const part = '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n'
    const body = `${part.repeat(500_000)}--b--\r\n`
    const { result, report } = await watched('multipart with 500k parts', () =>
      post('/v1/audio/vad', body, { 'content-type': 'multipart/form-data; boundary=b' }),
    )
    expect(result.status).toBe(400)
    expect(JSON.parse(result.text).error).toMatchObject({ code: 'too_many_parts' })
    expect(report.livenessFailures).toBe(0)
  })
})

describe('tensors at their limits', () => {
  it('the largest JSON tensor allowed (1 MiB of JSON) is served; a larger one is a 413 unread', async () => {
    const n = 512 * 1024 - 64
    const body = `{"inputs":[{"name":"x","datatype":"FP32","shape":[${n}],"data":[${'0,'.repeat(n - 1)}1]}]}`
    expect(body.length).toBeLessThanOrEqual(1024 * 1024)
    const { result, report } = await watched('largest JSON tensor (512K elements)', () =>
      post('/v2/models/echo-fp32/infer', body, json),
    )
    expect(result.status).toBe(200)
    const output = JSON.parse(result.text).outputs[0]
    expect(output.data.length).toBe(n)
    expect(output.data[n - 1]).toBe(1)
    expect(report.livenessFailures).toBe(0)
    const larger = await post('/v2/models/echo-fp32/infer', `${body} `.padEnd(1024 * 1024 + 1), json)
    expect(larger.status).toBe(413)
    expect(JSON.parse(larger.text).error).toMatch(/maxJsonBodyBytes/)
  })

  it('BYTES: 16,384 empty elements round-trip in binary; 16,385 are refused by maxBytesElements', async () => {
    const bytesRequest = (n: number) =>
      binaryRequest(
        {
          inputs: [{ name: 'x', datatype: 'BYTES', shape: [n], parameters: { binary_data_size: 4 * n } }],
          parameters: { binary_data_output: true },
        },
        new Uint8Array(4 * n),
      )
    const ok = bytesRequest(16384)
    const { result, report } = await watched('16,384 empty BYTES', () =>
      post('/v2/models/echo-bytes/infer', ok.body as BodyInit, ok.headers),
    )
    expect(result.status).toBe(200)
    expect(Number(result.headers.get('content-length'))).toBe(
      Number(result.headers.get('inference-header-content-length')) + 4 * 16384,
    )
    expect(report.livenessFailures).toBe(0)
    const over = bytesRequest(16385)
    const refused = await post('/v2/models/echo-bytes/infer', over.body as BodyInit, over.headers)
    expect(refused.status).toBe(400)
    expect(JSON.parse(refused.text).error).toBe(
      "Input 'x' has 16385 BYTES elements, over the limit of 16384 (maxBytesElements).",
    )
  })
})

describe('BYTES are never changed silently', () => {
  it.each([
    ['a NUL', 'a\u0000b', /NUL character \(U\+0000\)/],
    ['a lone high surrogate', 'x\ud800', /lone surrogate \(U\+D800\)/],
    ['a lone low surrogate', '\udc00y', /lone surrogate \(U\+DC00\)/],
  ])('refuses %s in JSON with a clear 400', async (_, text, says) => {
    const answer = await post(
      '/v2/models/echo-bytes/infer',
      JSON.stringify({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [2], data: ['fine', text] }] }),
      json,
    )
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text).error).toMatch(says)
    expect(JSON.parse(answer.text).error).toMatch(/^Input 'x' BYTES element 1 holds/)
  })

  it('refuses a NUL byte in binary BYTES', async () => {
    const bytes = new Uint8Array([3, 0, 0, 0, 0x61, 0, 0x62])
    const { body, headers } = binaryRequest(
      {
        inputs: [
          { name: 'x', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: bytes.length } },
        ],
      },
      bytes,
    )
    const answer = await post('/v2/models/echo-bytes/infer', body as BodyInit, headers)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text).error).toMatch(/NUL character/)
  })

  it('passes any other text through exactly, JSON and binary', async () => {
    const data = [
      '',
      'plain',
      'ünïcødé',
      '中文字符',
      '😀 pair \ud83d\ude00',
      '\u0001\u001f control',
      'tab\tnew\nline',
    ]
    const answer = await post(
      '/v2/models/echo-bytes/infer',
      JSON.stringify({ inputs: [{ name: 'x', datatype: 'BYTES', shape: [data.length], data }] }),
      json,
    )
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text).outputs[0].data).toEqual(data)
  })
})

describe('the server', () => {
  it('logged no unhandled error', () => {
    expect(server.logLines().filter((line) => line.msg === 'unhandled error')).toEqual([])
  })
})
