/**
 * `modelport serve` in a child process, stopped with SIGTERM while a slow request and an event stream
 * are in flight: readiness turns 503 while it still accepts (the shutdown delay), both answers finish
 * whole, and the process exits 0.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/fake-upstream.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'
import { type SlowUpstream, slowConfig, startSlowUpstream } from './slow-upstream.js'
import { spawnServer } from './spawn-server.js'

let repo: Repository
let upstream: SlowUpstream
let configDir: string

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(2))
  upstream = await startSlowUpstream({ delayMs: 800, intervalMs: 100, chunks: 8 })
  configDir = await mkdtemp(join(tmpdir(), 'modelport-sigterm-'))
  await writeFile(join(configDir, 'config.json'), JSON.stringify(slowConfig(upstream.baseUrl)))
})
afterAll(async () => {
  await upstream?.close()
  await repo?.remove()
  await rm(configDir, { recursive: true, force: true })
})

const chat = (url: string, stream: boolean) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', stream, messages: [{ role: 'user', content: 'hi' }] }),
  })

describe('SIGTERM', () => {
  it('drains: readiness 503, the slow request and the stream finish whole, exit 0', async () => {
    const server = await spawnServer({
      MODELPORT_MODELS: repo.dir,
      MODELPORT_CONFIG: join(configDir, 'config.json'),
      MODELPORT_SHUTDOWN_DELAY_MS: '500',
      MODELPORT_SHUTDOWN_GRACE_MS: '10000',
    })
    try {
      const ready = async () => (await fetch(`${server.url}/v2/health/ready`)).status
      expect(await eventually(() => server.lines.some((l) => l.msg === 'models loaded'), 20_000)).toBe(true)
      expect(await ready()).toBe(200)

      const slow = chat(server.url, false)
      const stream = chat(server.url, true)
      expect(await eventually(() => upstream.received === 2, 5000)).toBe(true)
      server.child.kill('SIGTERM')
      expect(await eventually(() => server.lines.some((l) => l.msg === 'shutting down'), 2000)).toBe(true)
      expect(await ready()).toBe(503)

      const answer = await slow
      expect(answer.status).toBe(200)
      expect(await answer.json()).toMatchObject({ choices: [{ message: { content: 'slow' } }] })
      const events = await (await stream).text()
      expect(events.match(/^data: \{/gm)).toHaveLength(9)
      expect(events.trimEnd().endsWith('data: [DONE]')).toBe(true)

      expect(await server.exited).toEqual({ code: 0, signal: null })
      expect(server.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']))
      await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow()
    } finally {
      server.child.kill('SIGKILL')
    }
  }, 30_000)
})
