/**
 * The routing fault matrix under concurrent load: sixteen clients send a shuffled mix of every fault
 * class at once, through a real server, to an upstream that picks each request's fault by model. Every
 * answer must be what that fault gives when alone (status, target, attempts, how a stream ends), and
 * afterwards no upstream request may be left unanswered, no routing timer alive, no socket open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/fake-upstream.js'
import { type RoutedServer, startRoutedServer } from '../support/routed-server.js'
import { refusedUrl } from '../support/unresponsive-listener.js'
import { type FaultyUpstream, startFaultyUpstream } from './support/faulty-upstream.js'

interface Want {
  status: number
  target: string
  attempts: number
  code?: string
  /** For streams: a proper end, or an `event: error` after the first chunk. */
  end?: 'done' | 'error'
}

const matrix: [name: string, route: string, stream: boolean, want: Want][] = [
  ['answers', 'r-ok', false, { status: 200, target: 'faulty/ok', attempts: 1 }],
  ['answers a stream', 'r-ok', true, { status: 200, target: 'faulty/ok', attempts: 1, end: 'done' }],
  ['connection refused: falls back', 'r-refused', false, { status: 200, target: 'good/ok', attempts: 3 }],
  ['500: retried, falls back', 'r-500', false, { status: 200, target: 'good/ok', attempts: 3 }],
  [
    '500 before a stream: falls back',
    'r-500',
    true,
    { status: 200, target: 'good/ok', attempts: 3, end: 'done' },
  ],
  ['429 beyond the cap: falls back at once', 'r-429', false, { status: 200, target: 'good/ok', attempts: 2 }],
  [
    '400: returned, no fallback',
    'r-400',
    false,
    { status: 400, target: 'faulty/status-400', attempts: 1, code: 'invalid_value' },
  ],
  ['headers never sent: falls back', 'r-hang', false, { status: 200, target: 'good/ok', attempts: 2 }],
  [
    'malformed JSON: retried, falls back',
    'r-malformed',
    false,
    { status: 200, target: 'good/ok', attempts: 3 },
  ],
  [
    'every target failing: 502',
    'r-all-fail',
    false,
    { status: 502, target: 'faulty/status-503', attempts: 2, code: 'upstream_failed' },
  ],
  [
    'the deadline passing: 504',
    'r-deadline',
    false,
    { status: 504, target: 'faulty/hang', attempts: 1, code: 'deadline_exceeded' },
  ],
  [
    'a stream cut after its first chunk: error event',
    'r-cut',
    true,
    { status: 200, target: 'faulty/cut-stream', attempts: 1, end: 'error' },
  ],
  [
    'a stream stalling after its first chunk: error event',
    'r-stall',
    true,
    { status: 200, target: 'faulty/stall-stream', attempts: 1, end: 'error' },
  ],
]

const CLIENTS = 16
const ROUNDS = 24

let upstream: FaultyUpstream
let server: RoutedServer

beforeAll(async () => {
  upstream = await startFaultyUpstream()
  const refused = await refusedUrl()
  const both = (fault: string) => [
    { provider: 'faulty', model: fault },
    { provider: 'good', model: 'ok' },
  ]
  server = await startRoutedServer({
    providers: {
      faulty: { type: 'openai-compatible', baseUrl: upstream.baseUrl },
      good: { type: 'openai-compatible', baseUrl: upstream.baseUrl },
      refused: { type: 'openai-compatible', baseUrl: `${refused}/v1` },
    },
    routing: {
      deadlineMs: 5000,
      retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 40, maxRetryAfterMs: 300 },
      circuitBreaker: { failureThreshold: 1_000_000, cooldownMs: 1000 },
    },
    http: { connectTimeoutMs: 500, headersTimeoutMs: 300, bodyTimeoutMs: 300, keepAliveTimeoutMs: 1000 },
    routes: {
      'r-ok': { targets: both('ok') },
      'r-refused': {
        targets: [
          { provider: 'refused', model: 'x' },
          { provider: 'good', model: 'ok' },
        ],
      },
      'r-500': { targets: both('status-500') },
      'r-429': { targets: both('status-429-long') },
      'r-400': { targets: both('status-400') },
      'r-hang': { retry: { attempts: 1 }, targets: both('hang') },
      'r-malformed': { targets: both('malformed') },
      'r-all-fail': { targets: [{ provider: 'faulty', model: 'status-503' }] },
      'r-deadline': { deadlineMs: 250, targets: [{ provider: 'faulty', model: 'hang' }] },
      'r-cut': { targets: both('cut-stream') },
      'r-stall': { targets: both('stall-stream') },
    },
  })
}, 30_000)

afterAll(async () => {
  await server?.close()
  await upstream?.close()
})

describe('the fault matrix under concurrent load', () => {
  it(`${CLIENTS} clients, ${ROUNDS} of each fault class, shuffled: each answer as if it were alone`, async () => {
    const jobs = matrix.flatMap((row) => Array.from({ length: ROUNDS }, () => row))
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[jobs[i], jobs[j]] = [jobs[j] as (typeof jobs)[number], jobs[i] as (typeof jobs)[number]]
    }
    const mismatches: string[] = []
    let next = 0
    const client = async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) {
        const [name, route, stream, want] = job
        const response = await fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: route, stream, messages: [{ role: 'user', content: 'hi' }] }),
        })
        const text = await response.text()
        const got: Want = {
          status: response.status,
          target: response.headers.get('x-modelport-target') ?? '',
          attempts: Number(response.headers.get('x-modelport-attempts')),
        }
        if (want.code) got.code = (JSON.parse(text) as { error: { code: string } }).error.code
        if (want.end)
          got.end = text.trimEnd().endsWith('data: [DONE]')
            ? 'done'
            : text.includes('event: error')
              ? 'error'
              : undefined
        if (JSON.stringify(got) !== JSON.stringify(want))
          mismatches.push(`${name}: got ${JSON.stringify(got)}`)
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, client))
    expect(mismatches).toEqual([])
    expect(next).toBeGreaterThan(jobs.length)
    // Nothing left behind: every upstream request answered or its socket closed; no routing timer.
    expect(await eventually(() => upstream.unansweredRequests() === 0, 3000)).toBe(true)
    expect(await eventually(() => server.liveTimers() === 0, 3000)).toBe(true)
  }, 90_000)

  it('closing the server leaves no upstream socket open', async () => {
    expect(upstream.openSockets()).toBeGreaterThan(0)
    await server.close()
    expect(await eventually(() => upstream.openSockets() === 0, 3000)).toBe(true)
  })
})
