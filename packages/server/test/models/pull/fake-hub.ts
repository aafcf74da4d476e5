/**
 * A Hugging Face-style hub on loopback with the endpoints a pull uses: the revision's file list
 * (`/api/models/<repo>/revision/<rev>?blobs=true`) and `/<repo>/resolve/<rev>/<path>` with Range
 * support and the hub's ETag / x-linked-size / x-linked-etag / x-repo-commit headers. LFS files
 * redirect to a second server (another origin, like the hub's CDN). Faults on request.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeFile {
  path: string
  bytes: Uint8Array
  /** Stored with git LFS: listed with sha256, served through the CDN. */
  lfs?: boolean
}

export interface FakeHubOptions {
  repo: string
  commit: string
  /** Branch or tag → commit; the commit itself always resolves. */
  revisions?: Record<string, string>
  files: FakeFile[]
  /** When set, the hub answers 401 to requests without `Authorization: Bearer <token>`. */
  token?: string
  /** Drops the connection after this many body bytes, the first time each listed file is served. */
  dropAfter?: Record<string, number>
  /** Lists these hashes instead of the true ones (sha256 for LFS files, git blob id otherwise). */
  advertise?: Record<string, string>
  /** Lists these sizes instead of the true ones. */
  sizes?: Record<string, number>
  /** Called in the middle of sending a file's body; the rest is sent once what it returns settles. */
  onBody?: (path: string) => void | Promise<void>
}

export interface Recorded {
  server: 'hub' | 'cdn'
  path: string
  range?: string
  authorization?: string
}

export interface FakeHub {
  url: string
  requests: Recorded[]
  close(): Promise<void>
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const blobId = (bytes: Uint8Array) =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: Recorded[] = []
  const dropped = new Set<string>()
  const byPath = new Map(options.files.map((f) => [f.path, f]))
  const bySha = new Map(options.files.filter((f) => f.lfs).map((f) => [sha256(f.bytes), f]))
  const hash = (file: FakeFile) =>
    options.advertise?.[file.path] ?? (file.lfs ? sha256(file.bytes) : blobId(file.bytes))
  const commitOf = (revision: string) =>
    revision === options.commit ? options.commit : options.revisions?.[revision]

  const record = (server: Recorded['server'], request: IncomingMessage) => {
    const entry: Recorded = { server, path: decodeURI(request.url ?? '') }
    if (request.headers.range) entry.range = request.headers.range
    if (request.headers.authorization) entry.authorization = request.headers.authorization
    requests.push(entry)
  }

  /** Sends `file`, honouring `Range: bytes=N-`, dropping the connection if a fault says so. */
  const send = (
    file: FakeFile,
    request: IncomingMessage,
    response: ServerResponse,
    headers: Record<string, string>,
  ) => {
    const size = file.bytes.length
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0)
    if (start >= size && start > 0) {
      response.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end()
      return
    }
    const body = file.bytes.subarray(start)
    response.writeHead(start > 0 ? 206 : 200, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': String(body.length),
      'content-type': 'application/octet-stream',
      ...(start > 0 && { 'content-range': `bytes ${start}-${size - 1}/${size}` }),
    })
    const drop = options.dropAfter?.[file.path]
    if (drop !== undefined && !dropped.has(file.path)) {
      dropped.add(file.path)
      // A pause before the drop lets the client read what was sent, as on a real connection that dies.
      response.write(body.subarray(0, drop), () => setTimeout(() => response.socket?.destroy(), 20))
      return
    }
    const half = Math.floor(body.length / 2)
    response.write(body.subarray(0, half), async () => {
      await options.onBody?.(file.path)
      response.end(body.subarray(half))
    })
  }

  const cdn = createServer((request, response) => {
    record('cdn', request)
    const file = bySha.get((request.url ?? '').slice(1).split('?')[0] ?? '')
    if (!file) return void response.writeHead(404).end()
    send(file, request, response, { etag: `"${sha256(file.bytes)}"` })
  })
  const cdnUrl = await listen(cdn)

  const hub = createServer((request, response) => {
    record('hub', request)
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      return void response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":"Invalid credentials"}')
    }
    const url = new URL(request.url ?? '/', 'http://hub')
    const path = decodeURIComponent(url.pathname)
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path)
    if (api) {
      const commit = commitOf(api[2] as string)
      if (api[1] !== options.repo || !commit)
        return void response.writeHead(404).end('{"error":"Repository not found"}')
      const blobs = url.searchParams.get('blobs') === 'true'
      const siblings = options.files.map((file) => ({
        rfilename: file.path,
        ...(blobs && { size: options.sizes?.[file.path] ?? file.bytes.length, blobId: blobId(file.bytes) }),
        ...(blobs &&
          file.lfs && {
            lfs: {
              sha256: hash(file),
              size: options.sizes?.[file.path] ?? file.bytes.length,
              pointerSize: 134,
            },
          }),
        ...(blobs && !file.lfs && { blobId: hash(file) }),
      }))
      response.writeHead(200, { 'content-type': 'application/json' })
      return void response.end(
        JSON.stringify({ id: options.repo, modelId: options.repo, sha: commit, siblings }),
      )
    }
    const resolve = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(path)
    const commit = resolve && resolve[1] === options.repo ? commitOf(resolve[2] as string) : undefined
    const file = resolve && byPath.get(resolve[3] as string)
    if (!commit || !file) return void response.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end()
    if (file.lfs) {
      const digest = sha256(file.bytes)
      return void response
        .writeHead(302, {
          location: `${cdnUrl}/${digest}?signature=fake`,
          etag: `"${digest}"`,
          'x-linked-etag': `"${digest}"`,
          'x-linked-size': String(file.bytes.length),
          'x-repo-commit': commit,
        })
        .end()
    }
    send(file, request, response, { etag: `"${blobId(file.bytes)}"`, 'x-repo-commit': commit })
  })
  const url = await listen(hub)

  return {
    url,
    requests,
    async close() {
      for (const server of [hub, cdn]) {
        server.closeAllConnections()
        await new Promise<void>((done) => server.close(() => done()))
      }
    },
  }
}
