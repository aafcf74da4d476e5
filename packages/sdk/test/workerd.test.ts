/**
 * The SDK bundled into a Worker and run in workerd (Miniflare 3), against a fake modelport on loopback:
 * no Node built-ins, and fetch, streams, AbortSignal and typed arrays as Workers have them.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterEach, describe, expect, it } from 'vitest'
import { oipHandler } from './support/fake-oip'
import { json, serve, v1Error } from './support/serve'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))

/** A Worker that makes one call of each kind and answers what it saw, as JSON. */
const worker = `
import { binaryThreshold, createModelport, ModelportError, NotFoundError, RateLimitError } from ${JSON.stringify(entry)}

const describe = (error) => ({
  name: error.name,
  isNotFound: error instanceof NotFoundError,
  isRateLimit: error instanceof RateLimitError,
  isModelportError: error instanceof ModelportError,
  status: error.status ?? null,
  code: error.code ?? null,
  requestId: error.requestId ?? null,
  message: error.message,
})

export default {
  async fetch(_request, env) {
    const mp = createModelport({ baseUrl: env.BASE_URL, apiKey: 'sk-worker', maxRetries: 1 })
    const out = {}
    const { data, response } = await mp.models.list().withResponse()
    out.list = { ids: data.data.map((m) => m.id), requestId: response.headers.get('x-request-id') }
    out.notFound = await mp.models.retrieve('nope').then(() => null, describe)
    out.chunks = []
    for await (const chunk of mp.chat.completions.stream({ model: 'chat-default', messages: [{ role: 'user', content: 'Hi' }] }))
      out.chunks.push(chunk.choices[0].delta.content)
    out.streamError = await (async () => {
      for await (const _ of mp.chat.completions.stream({ model: 'fails', messages: [{ role: 'user', content: 'Hi' }] })) {}
    })().then(() => null, describe)
    const x = Float32Array.from({ length: binaryThreshold }, (_, i) => i)
    const result = await mp.infer('m', { inputs: { x: { data: x, shape: [x.length], datatype: 'FP32' } } })
    const y = result.outputs.y.data
    out.infer = { datatype: result.outputs.y.datatype, length: y.length, first: y[1], last: y[y.length - 1], isFloat32: y instanceof Float32Array }
    out.aborted = await mp.models.list({ signal: AbortSignal.abort() }).then(() => null, describe)
    return Response.json(out)
  },
}
`

let miniflare: Miniflare | undefined
afterEach(async () => {
  await miniflare?.dispose()
  miniflare = undefined
})

describe('in workerd', () => {
  it('lists, maps errors, streams and runs binary inference', async () => {
    const oip = oipHandler()
    const server = await serve((req, res, index) => {
      if (req.url === '/v1/models')
        return json(res, 200, { object: 'list', data: [{ id: 'simplenet' }] }, { 'x-request-id': 'req-list' })
      if (req.url === '/v1/models/nope')
        return json(res, 404, v1Error("Model 'nope' does not exist.", 'not_found_error', 'model_not_found'), {
          'x-request-id': 'req-404',
        })
      if (req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req-chat-${index}` })
        const chunk = (content: string) =>
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content } }] })}\n\n`
        if (JSON.parse(req.body).model === 'fails')
          return res.end(
            `${chunk('x')}event: error\ndata: ${JSON.stringify(v1Error('Every target is rate limited.', 'rate_limit_error', 'rate_limited'))}\n\n`,
          )
        return res.end(`${chunk('Hel')}${chunk('lo')}data: [DONE]\n\n`)
      }
      oip(req, res)
    })

    const bundle = await build({
      stdin: { contents: worker, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    miniflare = new Miniflare({
      modules: true,
      script: bundle.outputFiles[0]?.text ?? '',
      compatibilityDate: '2025-07-01',
      bindings: { BASE_URL: server.url },
    })
    const response = await miniflare.dispatchFetch('http://localhost/')
    const text = await response.text()
    expect(response.status, text).toBe(200)
    const out = JSON.parse(text)

    expect(out.list).toEqual({ ids: ['simplenet'], requestId: 'req-list' })
    expect(out.notFound).toEqual({
      name: 'NotFoundError',
      isNotFound: true,
      isRateLimit: false,
      isModelportError: true,
      status: 404,
      code: 'model_not_found',
      requestId: 'req-404',
      message: "Model 'nope' does not exist.",
    })
    expect(out.chunks).toEqual(['Hel', 'lo'])
    expect(out.streamError).toMatchObject({
      name: 'RateLimitError',
      isRateLimit: true,
      code: 'rate_limited',
      status: null,
    })
    expect(out.infer).toEqual({ datatype: 'FP32', length: 1024, first: 2, last: 2046, isFloat32: true })
    expect(out.aborted).toMatchObject({ name: 'UserAbortError', code: 'aborted' })

    const routes = server.requests.map((r) => `${r.method} ${r.url}`)
    expect(routes).toContain('GET /v2')
    const inferRequest = server.requests.find((r) => r.url === '/v2/models/m/infer')
    expect(inferRequest?.headers['content-type']).toBe('application/octet-stream')
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-worker')
  })
})
