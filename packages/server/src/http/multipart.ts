/**
 * Media types and multipart bodies (OCR's `image`, VAD's `audio` and their fields), with the number of parts counted
 * before any is parsed: the platform's `formData()` took 29 s of event loop on 500k empty parts, well
 * inside the body limit. Counting the boundary's occurrences is one native search through the bytes.
 */
import type { Context } from 'hono'
import { badRequest } from '../core/errors.js'

/** A request's media type, lower-cased, without its parameters (`multipart/form-data`, `audio/wav`). */
export const mediaTypeOf = (c: Context): string =>
  (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

/** A file and a few fields is all any endpoint reads; more parts than this are refused. */
export const MAX_PARTS = 32

function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/** Parts before the closing delimiter, counted up to `MAX_PARTS + 1` (no further: that is enough). */
function countParts(bytes: Uint8Array, boundary: string): number {
  const delimiter = new TextEncoder().encode(`--${boundary}`)
  const first = delimiter[0] as number
  let count = 0
  for (
    let at = bytes.indexOf(first);
    at !== -1 && count <= MAX_PARTS + 1;
    at = bytes.indexOf(first, at + 1)
  ) {
    let matches = true
    for (let i = 1; i < delimiter.length && matches; i++) matches = bytes[at + i] === delimiter[i]
    if (matches) {
      count++
      at += delimiter.length - 1
    }
  }
  return count - 1
}

export async function readForm(c: Context): Promise<FormData> {
  const contentType = c.req.header('content-type') ?? ''
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  const boundary = boundaryOf(contentType)
  if (boundary && countParts(bytes, boundary) > MAX_PARTS) {
    throw badRequest(
      'too_many_parts',
      `The multipart body has more than ${MAX_PARTS} parts; send the file and its fields, nothing else.`,
    )
  }
  try {
    return await new Response(bytes, { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw badRequest('invalid_multipart', 'The multipart body could not be parsed.')
  }
}
