/**
 * One file from the hub into `<target>.part`, resuming a partial file with a Range request, then
 * checked against the size and hashes the hub gives. The caller renames the checked part into place,
 * so nothing partial ever sits at the final path.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rm, stat } from 'node:fs/promises'
import type { Hub, HubFile } from './hub.js'
import { PullError } from './pull-error.js'

export interface ProgressReporter {
  /** A file starts (or resumes at `done` bytes); `total` is undefined when the hub does not say. */
  start(file: string, total: number | undefined, done: number): void
  advance(file: string, bytes: number): void
  finish(file: string): void
}

export const partPath = (target: string) => `${target}.part`

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

async function digest(path: string, algorithm: 'sha256' | 'sha1', prefix?: string): Promise<string> {
  const hash = createHash(algorithm)
  if (prefix !== undefined) hash.update(prefix)
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

// Total size from `Content-Range: bytes a-b/total` (or an unsatisfied range, `bytes */total`).
function rangeTotal(header: string | null): number | undefined {
  const total = header?.split('/')[1]
  return total && total !== '*' ? Number(total) : undefined
}

/** Downloads `file` of `commit` to `<target>.part` and checks it; returns the part's path. */
export async function downloadPart(options: {
  hub: Hub
  repo: string
  commit: string
  file: HubFile
  target: string
  progress: ProgressReporter
}): Promise<string> {
  const { hub, repo, commit, file, target, progress } = options
  const part = partPath(target)
  let offset = await sizeOf(part)
  const expected: HubFile = { ...file }
  if (expected.size !== undefined && offset > expected.size) {
    await rm(part, { force: true })
    offset = 0
  }
  if (expected.size === undefined || offset < expected.size) {
    let response = await hub.download(repo, commit, file.path, offset)
    if (response.status === 416) {
      // The part already holds the whole file (or more than it): check it rather than fetch again.
      await response.body?.cancel()
      expected.size ??= rangeTotal(response.headers.get('content-range'))
    } else {
      const linkedSize = Number(response.headers.get('x-linked-size') ?? Number.NaN)
      if (expected.size === undefined && Number.isSafeInteger(linkedSize)) expected.size = linkedSize
      const linkedEtag = (response.headers.get('x-linked-etag') ?? '').replaceAll('"', '')
      if (!expected.sha256 && !expected.blobId && /^[0-9a-f]{64}$/.test(linkedEtag))
        expected.sha256 = linkedEtag
      const resumed =
        response.status === 206 && response.headers.get('content-range')?.startsWith(`bytes ${offset}-`)
      if (offset > 0 && !resumed) {
        // The hub sent the whole file (it ignored the Range): start the part again.
        await rm(part, { force: true })
        offset = 0
        if (response.status === 206) {
          await response.body?.cancel()
          response = await hub.download(repo, commit, file.path, 0)
        }
      }
      const length = Number(response.headers.get('content-length') ?? Number.NaN)
      expected.size ??= Number.isSafeInteger(length) ? offset + length : undefined
      progress.start(file.path, expected.size, offset)
      await write(response, part, offset > 0, (bytes) => progress.advance(file.path, bytes))
    }
  }
  await check(part, expected)
  progress.finish(file.path)
  return part
}

async function write(response: Response, part: string, append: boolean, advance: (bytes: number) => void) {
  if (!response.body) throw new PullError('The hub answered without a body.', true)
  const file = await open(part, append ? 'a' : 'w')
  try {
    // Each chunk is on disk before the next is read, so an interruption keeps everything received.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk)
      advance(chunk.length)
    }
  } catch (error) {
    const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message
    throw new PullError(`The download was interrupted (${reason}); run the command again to resume.`, true)
  } finally {
    await file.close()
  }
}

async function check(part: string, expected: HubFile): Promise<void> {
  const size = await sizeOf(part)
  const fail = async (what: string) => {
    await rm(part, { force: true })
    return new PullError(
      `${expected.path}: ${what}; the download was removed, run the command again to fetch it afresh.`,
    )
  }
  if (expected.size !== undefined && size !== expected.size)
    throw await fail(`expected ${expected.size} bytes, got ${size}`)
  if (expected.sha256) {
    const actual = await digest(part, 'sha256')
    if (actual !== expected.sha256) throw await fail(`sha256 is ${actual}, the hub says ${expected.sha256}`)
  } else if (expected.blobId) {
    const actual = await digest(part, 'sha1', `blob ${size}\0`)
    if (actual !== expected.blobId)
      throw await fail(`git blob id is ${actual}, the hub says ${expected.blobId}`)
  }
}
