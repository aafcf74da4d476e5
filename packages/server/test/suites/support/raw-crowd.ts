/**
 * A crowd of clients that cost their sender next to nothing: each is a raw TCP connection that writes one
 * prebuilt HTTP/1.1 request and reads its answer. `fetch` from one process builds a Request, a body
 * stream and a connection per call, and 200 of them at once kept this process itself busy for 0.2-0.5 s
 * on two shared cores: time the server's answer did not account for. Many real clients on machines of
 * their own add no such wait, so this measures the server alone.
 */
import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
  /** From the moment the connection was asked for to the answer's last byte. */
  ms: number
}

/**
 * One HTTP/1.1 request as bytes. Kept alive, as a browser's or an SDK's would be: a server that answers
 * before reading the body then reads the rest to keep the connection, where on `Connection: close` it
 * resets it, and the reset can discard an answer the client has not read yet.
 */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array,
): Uint8Array {
  const { host } = new URL(url)
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, `Content-Length: ${body.length}`]
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  const head = new TextEncoder().encode(`${lines.join('\r\n')}\r\n\r\n`)
  const bytes = new Uint8Array(head.length + body.length)
  bytes.set(head)
  bytes.set(body, head.length)
  return bytes
}

/** The answer in `raw` once it is complete, else undefined. */
function parse(raw: Buffer, ms: number): RawAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const rest = raw.subarray(end + 4)
  const answer = (body: Buffer) => ({
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.toString('utf8'),
    ms,
  })
  if (headers['transfer-encoding'] !== 'chunked') {
    const length = Number(headers['content-length'] ?? 0)
    return rest.length >= length ? answer(rest.subarray(0, length)) : undefined
  }
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = rest.indexOf('\r\n', at)
    if (lineEnd === -1) return undefined
    const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16)
    if (size === 0) return answer(Buffer.concat(parts))
    if (rest.length < lineEnd + 2 + size + 2) return undefined
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/** Sends `request` (from `rawRequest`) on a connection of its own and resolves with the answer. */
export function rawSend(url: string, request: Uint8Array): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    let raw = Buffer.alloc(0)
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request))
    socket.on('data', (chunk) => {
      raw = Buffer.concat([raw, chunk])
      const answer = parse(raw, performance.now() - started)
      if (!answer) return
      socket.destroy()
      resolve(answer)
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error('the connection closed before a whole answer')))
  })
}
