/**
 * `GET /metrics` on a real server: request counts and latency by route pattern, model, target and
 * status; upstream attempts, retries, fallbacks and circuit states from routing; rate-limit refusals;
 * batch sizes, queue depth and ONNX Runtime time from local inference; process metrics.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js'
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js'
import { parseExposition, type Sample, sampleValue } from './exposition.js'

const modelsDir = fileURLToPath(new URL('../../models', import.meta.url))
const limitedKey = 'limited-key-0123456789abcdef'
const freeKey = 'free-key-0123456789abcdef'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

let flaky: FakeUpstream
let good: FakeUpstream
let server: RunningServer
let dir: string

beforeAll(async () => {
  flaky = await startFakeUpstream('openai')
  good = await startFakeUpstream('openai')
  dir = await mkdtemp(join(tmpdir(), 'modelport-metrics-'))
  const configPath = join(dir, 'modelport.json')
  const config = {
    providers: {
      flaky: { type: 'openai-compatible', baseUrl: flaky.baseUrl },
      good: { type: 'openai-compatible', baseUrl: good.baseUrl },
    },
    routing: {
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 },
      circuitBreaker: { failureThreshold: 2, cooldownMs: 600_000 },
    },
    routes: {
      chat: {
        targets: [
          { provider: 'flaky', model: 'gpt-a' },
          { provider: 'good', model: 'gpt-b' },
        ],
      },
      spare: { targets: [{ provider: 'good', model: 'gpt-c' }] },
    },
    auth: {
      publicMetrics: true,
      keys: [
        { name: 'limited', sha256: sha256(limitedKey), rpm: 1 },
        { name: 'free', sha256: sha256(freeKey) },
      ],
    },
  }
  await writeFile(configPath, JSON.stringify(config))
  // The repository holds simplenet only: no built-in OCR or VAD models to load.
  const quiet = { info() {}, warn() {}, error() {} }
  server = await startServer({ port: 0, builtins: false, modelsDir, configPath, ocr: false, log: quiet })
})

afterAll(async () => {
  await server?.close()
  await Promise.all([flaky?.close(), good?.close()])
  await rm(dir, { recursive: true, force: true })
})

const headers = { authorization: `Bearer ${freeKey}`, 'content-type': 'application/json' }
const infer = () =>
  fetch(`${server.url}/v2/models/simplenet/infer`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(1) }],
    }),
  }).then((response) => response.text().then(() => response.status))
const chat = (extra: Record<string, unknown> = {}) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }], ...extra }),
  }).then((response) => response.text().then(() => response.status))

async function scrape(): Promise<{ samples: Sample[]; contentType: string | null }> {
  const response = await fetch(`${server.url}/metrics`)
  expect(response.status).toBe(200)
  return {
    samples: parseExposition(await response.text()),
    contentType: response.headers.get('content-type'),
  }
}

describe('GET /metrics', () => {
  it('counts requests by route pattern, model, target and status, with their latency', async () => {
    for (let i = 0; i < 3; i++) expect(await infer()).toBe(200)
    await fetch(`${server.url}/v2/models/nope`, { headers })
    await fetch(`${server.url}/no/such/route`, { headers })
    const { samples, contentType } = await scrape()
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/)
    const inferLabels = { route: '/v2/models/:model/infer', model: 'simplenet', target: '', status: '200' }
    expect(sampleValue(samples, 'modelport_requests_total', inferLabels)).toBe(3)
    expect(sampleValue(samples, 'modelport_request_duration_seconds_count', inferLabels)).toBe(3)
    expect(
      sampleValue(samples, 'modelport_request_duration_seconds_bucket', { ...inferLabels, le: '0.001' }),
    ).toBeDefined()
    // Clients cannot grow the label set: an unknown model and an unknown route get no name of their own.
    expect(
      sampleValue(samples, 'modelport_requests_total', {
        route: '/v2/models/:model',
        model: '',
        target: '',
        status: '404',
      }),
    ).toBe(1)
    expect(
      sampleValue(samples, 'modelport_requests_total', {
        route: 'unmatched',
        model: '',
        target: '',
        status: '404',
      }),
    ).toBe(1)
  })

  it('measures local inference: runs, batch sizes, ONNX Runtime time and queue depth', async () => {
    const { samples } = await scrape()
    expect(
      sampleValue(samples, 'modelport_inference_duration_seconds_count', {
        model: 'simplenet',
        version: '1',
      }),
    ).toBe(3)
    expect(
      sampleValue(samples, 'modelport_inference_duration_seconds_sum', { model: 'simplenet', version: '1' }),
    ).toBeGreaterThan(0)
    expect(sampleValue(samples, 'modelport_batch_size_count', { model: 'simplenet' })).toBe(3)
    expect(sampleValue(samples, 'modelport_batch_size_sum', { model: 'simplenet' })).toBe(3)
    expect(sampleValue(samples, 'modelport_batch_queue_depth', { model: 'simplenet' })).toBe(0)
  })

  it('reports routing: attempts by outcome, retries, fallbacks and circuit states', async () => {
    let { samples } = await scrape()
    expect(sampleValue(samples, 'modelport_circuit_state', { target: 'flaky/gpt-a' })).toBe(0)
    expect(sampleValue(samples, 'modelport_circuit_state', { target: 'good/gpt-c' })).toBe(0)

    // flaky fails, is retried, fails again (its circuit opens), and good answers.
    flaky.cue({ kind: 'status', status: 503 }, { kind: 'status', status: 503 })
    expect(await chat()).toBe(200)
    // The next request skips flaky's open circuit.
    expect(await chat()).toBe(200)
    ;({ samples } = await scrape())
    expect(
      sampleValue(samples, 'modelport_upstream_attempts_total', {
        target: 'flaky/gpt-a',
        outcome: 'failure',
      }),
    ).toBe(2)
    expect(
      sampleValue(samples, 'modelport_upstream_attempts_total', {
        target: 'flaky/gpt-a',
        outcome: 'circuit_open',
      }),
    ).toBe(1)
    expect(
      sampleValue(samples, 'modelport_upstream_attempts_total', { target: 'good/gpt-b', outcome: 'success' }),
    ).toBe(2)
    expect(sampleValue(samples, 'modelport_retries_total', { target: 'flaky/gpt-a' })).toBe(1)
    expect(sampleValue(samples, 'modelport_fallbacks_total', { route: 'chat' })).toBe(2)
    expect(sampleValue(samples, 'modelport_circuit_state', { target: 'flaky/gpt-a' })).toBe(2)
    expect(sampleValue(samples, 'modelport_circuit_state', { target: 'good/gpt-b' })).toBe(0)
    const chatLabels = { route: '/v1/chat/completions', model: 'chat', target: 'good/gpt-b', status: '200' }
    expect(sampleValue(samples, 'modelport_requests_total', chatLabels)).toBe(2)
  })

  it('observes a stream once, when it ends', async () => {
    expect(await chat({ stream: true })).toBe(200)
    const { samples } = await scrape()
    const labels = { route: '/v1/chat/completions', model: 'chat', target: 'good/gpt-b', status: '200' }
    expect(sampleValue(samples, 'modelport_requests_total', labels)).toBe(3)
  })

  it('counts rate-limit refusals by key and limit', async () => {
    const get = () => fetch(`${server.url}/v2`, { headers: { authorization: `Bearer ${limitedKey}` } })
    expect((await get()).status).toBe(200)
    expect((await get()).status).toBe(429)
    const { samples } = await scrape()
    expect(sampleValue(samples, 'modelport_rate_limited_total', { key: 'limited', limit: 'requests' })).toBe(
      1,
    )
    expect(
      sampleValue(samples, 'modelport_requests_total', {
        route: '/v2',
        model: '',
        target: '',
        status: '429',
      }),
    ).toBe(1)
  })

  it('includes process metrics', async () => {
    const { samples } = await scrape()
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(sampleValue(samples, name), name).toBeGreaterThanOrEqual(0)
  })
})

describe('the registry', () => {
  it('is one per server, so two servers in one process keep their own counts', async () => {
    const first = createPrometheusMetrics({ processMetrics: false })
    const second = createPrometheusMetrics({ processMetrics: false })
    first.request('/v2', '', '', 200, 0.001)
    first.request('/v2', '', '', 200, 0.002)
    const count = async (metrics: typeof first) =>
      sampleValue(parseExposition((await metrics.render()).body), 'modelport_requests_total', {
        route: '/v2',
        model: '',
        target: '',
        status: '200',
      })
    expect(await count(first)).toBe(2)
    expect(await count(second)).toBeUndefined()
  })

  it('registers every metric the production docs list, and they list every one', async () => {
    const metrics = createPrometheusMetrics({ processMetrics: false })
    const registered = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name).sort()
    const readme = await readFile(
      join(fileURLToPath(new URL('../../../../', import.meta.url)), 'docs/production.md'),
      'utf8',
    )
    const listed = [...new Set(readme.match(/modelport_[a-z_]+(?<!_bucket|_sum|_count)\b/g))].sort()
    expect(listed).toEqual(registered)
  })
})
