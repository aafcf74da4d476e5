/**
 * The size limits every request is held to, in one place: the config file's `limits` section sets them,
 * and each refusal (413 for sizes, 400 for counts) names the setting and its value.
 */
import { badRequest } from '../core/errors.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** Most items in a top-level array of a JSON body; `readJson` checks it. */
    maxArrayLength?: number
  }
}

export interface RequestLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number
  /** Most items in a list of a JSON body: chat `messages`, embeddings `input`, OIP `inputs`, … */
  maxArrayLength: number
  /** Most elements one input tensor may have. */
  maxTensorElements: number
  /** Largest JSON tensor-inference body; larger tensors go as binary data, which is not parsed. */
  maxJsonBodyBytes: number
  /** Most elements one BYTES input tensor may have: each is a string object of its own. */
  maxBytesElements: number
  /** Most bytes one inference response may carry (its JSON text, or header and tensor bytes). */
  maxOutputBytes: number
  /** Most pixels (width × height) an OCR image may declare. */
  maxImagePixels: number
  /** Largest OCR image file, in bytes. */
  maxImageBytes: number
  /** Longest audio `/v1/audio/vad` accepts, in seconds. */
  maxAudioSeconds: number
  /** OCR requests that may run at once, and wait for a turn; past both, a 429 at once. */
  ocrConcurrency: number
  ocrQueue: number
  /** VAD requests that may run at once, and wait for a turn. */
  vadConcurrency: number
  vadQueue: number
  /** Requests to local models (tensor inference, OCR, VAD) in the process at once, waiting ones too. */
  maxInFlight: number
}

export const defaultLimits: RequestLimits = {
  maxBodyBytes: 64 * 1024 * 1024,
  maxArrayLength: 2048,
  maxTensorElements: 16 * 1024 * 1024,
  // A 4 MiB JSON tensor (2M numbers) held the event loop 1.1 s to parse, check and decode on two busy
  // cores; 1 MiB about a quarter of that. The binary extension carries larger tensors unparsed.
  maxJsonBodyBytes: 1024 * 1024,
  // 65,536 empty strings measured 38 ms to decode and 54–94 ms through the model; 16,384 a quarter.
  maxBytesElements: 16384,
  maxOutputBytes: 128 * 1024 * 1024,
  maxImagePixels: 40_000_000,
  maxImageBytes: 20 * 1024 * 1024,
  maxAudioSeconds: 3600,
  // One OCR request on a 960-pixel image holds ~150 MB while it runs, and two cores serve two at once.
  ocrConcurrency: 2,
  ocrQueue: 16,
  vadConcurrency: 4,
  vadQueue: 32,
  maxInFlight: 256,
}

/** Limits that may be 0 (no queue at all); the others are at least 1. */
export const zeroAllowed: readonly (keyof RequestLimits)[] = ['ocrQueue', 'vadQueue']

export const limitNames = Object.keys(defaultLimits) as (keyof RequestLimits)[]

/**
 * Refuses a JSON body with a top-level list longer than `max`. A list of numbers is one value (an
 * embeddings input of token ids), not a list of items, and is left to the other limits.
 */
export function checkArrayLengths(body: unknown, max: number | undefined): void {
  if (max === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return
  for (const [field, value] of Object.entries(body)) {
    if (Array.isArray(value) && value.length > max && typeof value[0] !== 'number') {
      throw badRequest(
        'too_many_items',
        `'${field}' has ${value.length} items, over the limit of ${max} (maxArrayLength).`,
        field,
      )
    }
  }
}
