/**
 * Upstreams that answer without end, against a real server in its own process: a whole answer that never
 * ends, one that declares 10 GiB, an error body without end, a stream without end. Each must end at the
 * response budget (`http.maxResponseBytes`, default 64 MiB) with a 502 that names the target and the
 * budget — not "connection failed" — while memory stays bounded and liveness answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileServer, record, startHostileServer } from './support/hostile-server.js'
import { type HostileUpstream, startHostileUpstream } from './support/hostile-upstream.js'

const KEY = 'sk-hostile-Q2x9Lm4Rt7Vb1Nc8Zp3Kw6Hy5Jd0Fg'
const faults = [
  'endless-json',
  'declared-huge',
  'endless-error',
  'endless-stream',
  'no-newline-stream',
  'huge-event-stream',
]

let upstream: HostileUpstream
let server: HostileServer

beforeAll(async () => {
  upstream = await startHostileUpstream(KEY)
  server = await startHostileServer({
    config: {
      providers: { up: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: KEY } },
      routing: { deadlineMs: 60_000, retry: { attempts: 1 } },
      routes: Object.fromEntries(
        faults.map((fault) => [fault, { targets: [{ provider: 'up', model: fault }] }]),
      ),
    },
  })
}, 120_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

const chat = (model: string, stream = false) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  })

const MiB = 2 ** 20
const budget = 64 * MiB

describe('an upstream answer without end', () => {
  it.each([
    ['endless-json', 'a whole answer that never ends', budget + 16 * MiB],
    ['declared-huge', 'an answer that declares 10 GiB', 16 * MiB],
  ])('%s (%s) ends at the budget with a 502 naming the target', async (model, _, mostWritten) => {
    const before = upstream.written
    const watch = await server.watch()
    const started = performance.now()
    const answer = await chat(model)
    const body = (await answer.json()) as { error: { message: string; code: string } }
    const ms = performance.now() - started
    const report = await watch.stop()
    const written = upstream.written - before
    record(`upstream ${model}`, report, { ms: Math.round(ms), upstreamWrittenMiB: Math.round(written / MiB) })
    expect(answer.status).toBe(502)
    expect(body.error.message).toBe(
      `Every target of '${model}' failed: up/${model}: its answer is over the limit of ${budget} bytes (maxResponseBytes).`,
    )
    expect(written).toBeLessThan(mostWritten)
    expect(report.livenessFailures).toBe(0)
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(1024)
  })

  it('reads only the first 8 KB of an error body without end', async () => {
    const before = upstream.written
    const watch = await server.watch()
    const answer = await chat('endless-error')
    const body = (await answer.json()) as { error: { message: string } }
    const report = await watch.stop()
    const written = upstream.written - before
    record('upstream endless error body', report, { upstreamWrittenMiB: Math.round(written / MiB) })
    expect(answer.status).toBe(502)
    expect(body.error.message).toBe("Every target of 'endless-error' failed: up/endless-error: 500.")
    // What the sockets buffered before the server stopped reading: far from the 64 MiB budget.
    expect(written).toBeLessThan(16 * MiB)
    expect(report.livenessFailures).toBe(0)
  })

  it('ends a stream without end at the budget with an error event', async () => {
    const before = upstream.written
    const watch = await server.watch()
    const answer = await chat('endless-stream', true)
    expect(answer.status).toBe(200)
    const text = await answer.text()
    const report = await watch.stop()
    const written = upstream.written - before
    record('upstream endless stream', report, { upstreamWrittenMiB: Math.round(written / MiB) })
    const last = text.trimEnd().split('\n\n').at(-1) as string
    expect(last.startsWith('event: error\ndata: ')).toBe(true)
    expect(JSON.parse(last.slice('event: error\ndata: '.length))).toEqual({
      error: {
        message: `up/endless-stream: its answer is over the limit of ${budget} bytes (maxResponseBytes).`,
        code: 'response_too_large',
        type: 'upstream_error',
        param: null,
      },
    })
    expect(text).not.toContain('[DONE]')
    expect(written).toBeLessThan(budget + 16 * MiB)
    expect(report.livenessFailures).toBe(0)
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(1024)
  })
})

describe('a stream line or event without end', () => {
  it.each([
    ['no-newline-stream', 'a line that never ends'],
    ['huge-event-stream', 'lines that end in an event that never does'],
  ])('%s (%s) is refused at 1 Mi characters, read in linear time', async (model) => {
    const before = upstream.written
    const watch = await server.watch()
    const started = performance.now()
    const answer = await chat(model, true)
    const text = await answer.text()
    const ms = performance.now() - started
    const report = await watch.stop()
    const written = upstream.written - before
    record(`upstream ${model}`, report, { ms: Math.round(ms), upstreamWrittenMiB: Math.round(written / MiB) })
    // Nothing reached the client before the failure, so it is a plain 502 (another target could have served).
    expect(answer.status).toBe(502)
    expect(JSON.parse(text).error.message).toBe(
      `Every target of '${model}' failed: up/${model}: invalid answer.`,
    )
    expect(written).toBeLessThan(16 * MiB)
    expect(report.livenessFailures).toBe(0)
  })
})

describe('the server', () => {
  it('logged no unhandled error and no key', () => {
    const lines = server.logLines()
    expect(lines.filter((line) => line.msg === 'unhandled error')).toEqual([])
    expect(server.output()).not.toContain(KEY)
  })
})
