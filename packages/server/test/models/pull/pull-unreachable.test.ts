/** A hub that cannot be reached says why, and what to do: the real cause, a timeout, MODELPORT_HUB_URL, offline. */

import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { PullError, pullModel } from '../../../src/models/pull/index.js'

let models: string
let silent: Server | undefined

beforeEach(async () => {
  models = await mkdtemp(join(tmpdir(), 'modelport-pull-unreachable-'))
})
afterEach(async () => {
  silent?.closeAllConnections()
  await new Promise((done) => (silent ? silent.close(done) : done(undefined)))
  silent = undefined
  await rm(models, { recursive: true, force: true })
})

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the pull succeeded')
    },
    (error: unknown) => error as PullError,
  )

it('names the refused connection, says it tries again, and ends with MODELPORT_HUB_URL and an offline way', async () => {
  const port = await closedPort()
  const retries: string[] = []
  const error = await failure(
    pullModel({
      spec: 'acme/tiny-bert',
      modelsDir: models,
      hubUrl: `http://127.0.0.1:${port}`,
      retries: 2,
      retryDelayMs: 1,
      onRetry: ({ attempt, of }) => retries.push(`${attempt}/${of}`),
    }),
  )
  expect(error).toBeInstanceOf(PullError)
  expect(error.message).toBe(
    `Could not reach the hub at http://127.0.0.1:${port} (ECONNREFUSED: connection refused: nothing listens there).`,
  )
  expect(error.hint).toMatch(/MODELPORT_HUB_URL/)
  expect(error.hint).toMatch(/Offline, put the model in the repository yourself/)
  expect(retries).toEqual(['2/3', '3/3'])
})

it('gives up on a hub that accepts and never answers, saying how long it waited', async () => {
  silent = createServer(() => {})
  await new Promise<void>((done) => silent?.listen(0, '127.0.0.1', done))
  const { port } = silent.address() as { port: number }
  const started = performance.now()
  const error = await failure(
    pullModel({
      spec: 'acme/tiny-bert',
      modelsDir: models,
      hubUrl: `http://127.0.0.1:${port}`,
      retries: 0,
      responseTimeoutMs: 300,
    }),
  )
  expect(error.message).toBe(`Could not reach the hub at http://127.0.0.1:${port} (no answer in 0.3 s).`)
  expect(error.retryable).toBe(true)
  expect(performance.now() - started).toBeLessThan(5000)
})
