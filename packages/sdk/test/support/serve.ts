/** Real HTTP servers on 127.0.0.1 for the client's tests, closed (with every connection) after each test. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect } from 'vitest'
import type { ModelportError } from '../../src/index'

export interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** The body as bytes and as UTF-8 text. */
  bytes: Buffer
  body: string
  /** `performance.now()` when the request had arrived whole. */
  at: number
}

export type Handler = (req: Recorded, res: ServerResponse, index: number) => void

export interface TestServer {
  url: string
  requests: Recorded[]
  /** Resolves when the server has received `n` requests in all. */
  received(n: number): Promise<void>
  /** Resolves when the client has closed the connection of request `index` (0-based). */
  closed(index: number): Promise<void>
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

export async function serve(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = []
  const closes: Promise<void>[] = []
  const waiters: { n: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const index = closes.length
    closes.push(new Promise((resolve) => res.once('close', () => resolve())))
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const bytes = Buffer.concat(chunks)
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bytes,
        body: bytes.toString('utf8'),
        at: performance.now(),
      }
      requests.push(recorded)
      for (const waiter of waiters.filter((w) => requests.length >= w.n)) waiter.resolve()
      handler(recorded, res, index)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  )
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    closed: async (index) => {
      await expect.poll(() => closes.length > index).toBe(true)
      await closes[index]
    },
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** A port that refuses connections: a server opened and closed again. */
export async function refusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
  return port
}

/** Awaits a rejection and returns the error, failing the test if the promise resolves. */
export async function rejection(promise: Promise<unknown>): Promise<ModelportError> {
  try {
    await promise
  } catch (error) {
    return error as ModelportError
  }
  return expect.fail('expected the call to reject')
}

/** The `/v1` error body the contract describes. */
export const v1Error = (message: string, type: string, code: string | null) => ({
  error: { message, type, code, param: null },
})
