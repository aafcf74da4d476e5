/**
 * Property-based fuzzing: 5,000 generated malformed and hostile requests across every endpoint, in
 * process through `app.request()`, then a sample over a real socket with broken HTTP framing too. No
 * answer may be a 5xx other than a 502/503/504 where one is intended (routing, a model not loaded);
 * every error is in the contract's shape for its path, and carries no stack or path from this machine;
 * nothing pollutes a prototype; the heap stays bounded; and the server still answers afterwards.
 */
import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import Ajv2020 from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { contract } from '../support/contract.js'
import { type FullApp, fullApp, fullConfig, fullRepository } from './support/full-app.js'
import { type HostileRequest, hostileRequest, malformedWire } from './support/hostile-requests.js'

// MODELPORT_FUZZ_RUNS runs more, to hunt; `pnpm test` runs 5,000.
const RUNS = Number(process.env.MODELPORT_FUZZ_RUNS ?? 5000)

const interop = <T>(module: T): T => (module as { default?: T }).default ?? module
const ajv = new (interop(Ajv2020))({ strict: false })
ajv.addSchema(contract as object, 'contract')
const v1Error = ajv.compile({ $ref: 'contract#/components/schemas/V1Error' })
const v2Error = ajv.compile({ $ref: 'contract#/components/schemas/V2Error' })
const readiness = ajv.compile({
  anyOf: [
    { $ref: 'contract#/components/schemas/ReadyResponse' },
    { $ref: 'contract#/components/schemas/ModelReadyResponse' },
  ],
})

/** A forced collection, so heap figures compare live objects rather than garbage not yet collected. */
setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void
const liveHeap = () => {
  collect()
  return process.memoryUsage().heapUsed
}

/**
 * Where a 502, 503 or 504 is an intended answer: the chat route with nothing behind it (`chat-down`),
 * and models that may be unloaded (the fuzz unloads some) or loading again. A 502 from the chat route
 * that works (a body too deep to forward was one) fails the fuzz.
 */
function mayBeUnavailable(request: HostileRequest, pathname: string, status: number): boolean {
  if (pathname === '/v1/chat/completions') return String(request.body).includes('chat-down')
  // A local model the fuzz unloads answers 503; a route with a remote target behind it may answer 502.
  if (pathname === '/v1/embeddings') return status !== 504
  if (status !== 503) return false
  return (
    pathname === '/v1/ocr' ||
    pathname === '/v1/audio/vad' ||
    pathname === '/v2/health/ready' ||
    pathname.startsWith('/v2/models/')
  )
}

/** What is wrong with an answer, if anything. */
function problems(
  request: HostileRequest,
  status: number,
  type: string,
  text: string,
  leak: string,
): string[] {
  const pathname = new URL(`http://localhost${request.path}`).pathname
  const found: string[] = []
  if (
    status >= 500 &&
    !((status === 502 || status === 503 || status === 504) && mayBeUnavailable(request, pathname, status))
  )
    found.push(`status ${status}: ${text.slice(0, 200)}`)
  if (/\n\s+at |node_modules|\.ts:\d/.test(text) || text.includes(leak))
    found.push('internal detail in the body')
  if (status >= 400 && request.method !== 'HEAD') {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      found.push(`error body is not JSON (${type}): ${text.slice(0, 80)}`)
      return found
    }
    const protocol = pathname === '/v2' || pathname.startsWith('/v2/')
    // Readiness probes answer 503 with their own body, as the contract documents.
    const probe = status === 503 && pathname.endsWith('/ready') && readiness(body)
    if (!probe && !(protocol ? v2Error : v1Error)(body))
      found.push(`error body not in the ${protocol ? '/v2' : '/v1'} shape: ${text.slice(0, 120)}`)
  }
  return found
}

const describeRequest = (request: HostileRequest) =>
  `${request.method} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers).slice(0, 160)} body ${
    typeof request.body === 'string' ? request.body.slice(0, 160) : `${request.body?.length ?? 0} bytes`
  }`

let full: FullApp

beforeAll(async () => {
  full = await fullApp()
}, 60_000)
afterAll(() => full?.close())

describe(`${RUNS} hostile requests in process`, () => {
  it('never answer an unintended 5xx, always in the contract’s error shape, with bounded memory', async () => {
    const failures: string[] = []
    const statuses = new Map<number, number>()
    let sent = 0
    const send = async (request: HostileRequest) => {
      // The fake upstream records every request it gets; only this test's memory would grow with it.
      if (++sent % 500 === 0) full.upstream.reset()
      const response = await full.app.request(`http://localhost${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body }),
      })
      const text = await response.text()
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      const found = problems(
        request,
        response.status,
        response.headers.get('content-type') ?? '',
        text,
        full.repo.dir,
      )
      if (found.length > 0) failures.push(`${found.join('; ')} ← ${describeRequest(request)}`)
      if (found.length > 0) throw new Error(failures.at(-1))
    }

    // Warm up (first runs of each model, tokenizer, routes) before the heap baseline.
    for (const request of fc.sample(hostileRequest, { numRuns: 300, seed: 1 })) await send(request)
    const heapBefore = liveHeap()
    await fc.assert(
      fc.asyncProperty(hostileRequest, (request) => send(request)),
      { numRuns: RUNS, endOnFailure: true },
    )
    const heapGrowth = liveHeap() - heapBefore

    expect(failures).toEqual([])
    expect(full.unexpected).toEqual([])
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
    // Every family of answer shows up, so the fuzz reached past the first checks.
    for (const status of [200, 400, 404]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20)
    expect(heapGrowth).toBeLessThan(32 * 1024 * 1024)
    const live = await full.app.request('http://localhost/v2/health/live')
    expect(live.status).toBe(200)
    console.info(
      `fuzz: ${RUNS} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, heap growth ${(heapGrowth / 1024 / 1024).toFixed(1)} MiB`,
    )
  }, 240_000)
})

describe('what the fuzz found', () => {
  it('a chat body nested too deep to forward is a 400, not a 502 that blames the upstream', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
    const response = await full.app.request('http://localhost/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"model": "chat", "messages": [{"role": "user", "content": "hi", "extra": ${deep}}]}`,
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'The request body is nested too deeply to forward; flatten it.',
    )
  })
})

describe('hostile requests over a real socket', () => {
  let server: RunningServer
  let repoDir: string
  let closeRepo: () => Promise<void>

  beforeAll(async () => {
    const repo = await fullRepository()
    repoDir = repo.dir
    closeRepo = repo.remove
    const { writeFile, mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = await mkdtemp(join(tmpdir(), 'modelport-fuzz-'))
    const configPath = join(dir, 'config.json')
    await writeFile(configPath, JSON.stringify(fullConfig(full.upstream.baseUrl, 'http://127.0.0.1:9')))
    server = await startServer({
      port: 0,
      modelsDir: repoDir,
      configPath,
      env: {},
      maxBodyBytes: 1024 * 1024,
      metrics: false,
      log: { info() {}, warn() {}, error() {} },
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await closeRepo?.()
  })

  it('a sample of the same requests: same rules, and the server keeps answering', async () => {
    const failures: string[] = []
    for (const request of fc.sample(hostileRequest, { numRuns: 300, seed: 7 })) {
      const response = await fetch(`${server.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body }),
      })
      const text = await response.text()
      const found = problems(
        request,
        response.status,
        response.headers.get('content-type') ?? '',
        text,
        repoDir,
      )
      if (found.length > 0) failures.push(`${found.join('; ')} ← ${describeRequest(request)}`)
    }
    expect(failures).toEqual([])
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200)
  }, 120_000)

  it.each(malformedWire.map((raw) => [JSON.stringify(raw.slice(0, 60)), raw]))(
    'broken HTTP %s gets a 4xx or a closed connection, never a crash',
    async (_, raw) => {
      const answer = await new Promise<string>((done) => {
        const socket = connect(server.port, '127.0.0.1')
        let received = ''
        socket.on('data', (data) => {
          received += data.toString('latin1')
        })
        socket.on('error', () => done(received))
        socket.on('close', () => done(received))
        socket.write(raw)
        setTimeout(() => socket.destroy(), 500)
      })
      const status = Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0)
      expect(status === 0 || (status >= 400 && status < 500) || status === 200).toBe(true)
      expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200)
    },
  )
})
