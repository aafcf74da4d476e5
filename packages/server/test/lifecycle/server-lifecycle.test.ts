/**
 * A real server on loopback: readiness while the start-up models load, idle release and reload over
 * HTTP, and a graceful `close()` that lets a slow request and an event stream finish (and cuts what is
 * left when the grace period ends).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, type ServerOptions, startServer } from '../../src/node.js'
import { onnxLoader } from '../../src/runtime/onnx/session.js'
import { eventually } from '../support/fake-upstream.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'
import { type SlowUpstream, slowConfig, startSlowUpstream } from './slow-upstream.js'
import { gate } from './support.js'

const quiet = { info() {}, warn() {}, error() {} }
let repo: Repository
let upstream: SlowUpstream
let configDir: string

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(2))
  await repo.add('quick/model.onnx', scaleModel(3))
  await repo.add('quick/model.json', JSON.stringify({ keep_alive_ms: 150 }))
  await repo.add('pinned/model.onnx', scaleModel(4))
  await repo.add('pinned/model.json', JSON.stringify({ keep_alive_ms: false }))
  upstream = await startSlowUpstream({ delayMs: 600, intervalMs: 80, chunks: 6 })
  configDir = await mkdtemp(join(tmpdir(), 'modelport-lifecycle-'))
  await writeFile(join(configDir, 'config.json'), JSON.stringify(slowConfig(upstream.baseUrl)))
})
afterAll(async () => {
  await upstream?.close()
  await repo?.remove()
  await rm(configDir, { recursive: true, force: true })
})

function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    builtins: false,
    modelsDir: repo.dir,
    configPath: join(configDir, 'config.json'),
    env: {},
    metrics: false,
    ocr: false,
    log: quiet,
    ...options,
  })
}

const infer = (url: string, model: string) =>
  fetch(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 1, 1, 1] }] }),
  })

const chat = (url: string, model: string, stream: boolean) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  })

const refused = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(false)
    })
    socket.once('error', () => done(true))
  })

describe('readiness', () => {
  it('answers 503 until the start-up models are loaded, then 200', async () => {
    const loading = gate()
    const onnx = onnxLoader()
    const server = await start({
      waitForModels: false,
      loader: async (file, options) => {
        await loading.promise
        return onnx(file, options)
      },
    })
    try {
      const early = await fetch(`${server.url}/v2/health/ready`)
      expect([early.status, await early.json()]).toEqual([503, { ready: false }])
      expect((await infer(server.url, 'scale')).status).toBe(503)
      loading.open()
      await server.loaded
      const ready = await fetch(`${server.url}/v2/health/ready`)
      expect([ready.status, await ready.json()]).toEqual([200, { ready: true }])
      expect((await infer(server.url, 'scale')).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('idle keep-alive', () => {
  it('releases idle models after the keep-alive and loads them again for the next request', async () => {
    const server = await start({ keepAliveMs: 200 })
    try {
      for (const model of ['scale', 'quick', 'pinned'])
        expect((await infer(server.url, model)).status).toBe(200)
      const state = async (model: string) =>
        ((await (await fetch(`${server.url}/v1/models/${model}`)).json()) as { state: string }).state
      // quick (150 ms, its model.json) goes first, then scale (the server's 200 ms); pinned never.
      expect(await eventually(() => server.registry.version('quick').state === 'unloaded', 2000)).toBe(true)
      expect(await eventually(() => server.registry.version('scale').state === 'unloaded', 2000)).toBe(true)
      expect([await state('scale'), await state('quick'), await state('pinned')]).toEqual([
        'unloaded',
        'unloaded',
        'ready',
      ])
      expect((await fetch(`${server.url}/v2/models/scale/ready`)).status).toBe(200)
      expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200)
      const again = await infer(server.url, 'scale')
      expect(again.status).toBe(200)
      expect(await again.json()).toMatchObject({ outputs: [{ data: [2, 2, 2, 2] }] })
      expect(await state('scale')).toBe('ready')
    } finally {
      await server.close()
    }
  })
})

describe('graceful close', () => {
  it('turns readiness 503 at once, stops accepting, and lets a slow request and a stream finish', async () => {
    const server = await start({ shutdownDelayMs: 300, shutdownGraceMs: 5000 })
    const before = upstream.received
    const sent = performance.now()
    const slow = chat(server.url, 'slow', false)
    const stream = chat(server.url, 'slow', true)
    expect(await eventually(() => upstream.received === before + 2)).toBe(true)
    let closedAfter = 0
    const closing = server.close().then(() => (closedAfter = performance.now() - sent))
    const ready = await fetch(`${server.url}/v2/health/ready`, { headers: { connection: 'close' } })
    expect([ready.status, await ready.json()]).toEqual([503, { ready: false }])
    await new Promise((done) => setTimeout(done, 350))
    expect(await refused(server.port)).toBe(true)
    const answer = await slow
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ choices: [{ message: { content: 'slow' } }] })
    const events = await (await stream).text()
    expect(events.match(/^data: \{/gm)).toHaveLength(7)
    expect(events.trimEnd().endsWith('data: [DONE]')).toBe(true)
    await closing
    // Not before the slow answer (the upstream takes 600 ms) was sent.
    expect(closedAfter).toBeGreaterThanOrEqual(590)
  })

  it('cuts what is still open when the grace period ends', async () => {
    const server = await start({ shutdownGraceMs: 300 })
    const response = await chat(server.url, 'stall', true)
    const reading = response.text().then(
      () => 'ended',
      () => 'cut',
    )
    const started = performance.now()
    await server.close()
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(290)
    expect(took).toBeLessThan(2000)
    expect(await reading).toBe('cut')
  })
})
