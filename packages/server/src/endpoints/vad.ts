/**
 * `POST /v1/audio/vad`: a WAV file as the raw body (`audio/wav`) or as multipart field `audio`; the
 * detection parameters come from the query or, for multipart, from fields beside the file.
 */
import type { components } from '@modelport/sdk'
import { type Context, Hono } from 'hono'
import { badRequest, ModelportError, unsupportedMedia } from '../core/errors.js'
import { clientSignal } from '../http/client-signal.js'
import { mediaTypeOf, readForm } from '../http/multipart.js'
import type { Admission } from '../limits/admission.js'
import { admitted } from '../limits/admitted.js'
import type { ModelRegistry } from '../models/registry.js'
import {
  checkSileroSignature,
  DEFAULT_VAD_OPTIONS,
  detectSpeech,
  type VadOptions,
  type VadResult,
} from '../tasks/vad/index.js'

const clientClosed = () =>
  new ModelportError(503, 'server_error', 'client_closed_request', 'The client closed the request.')

export interface VadRouteOptions {
  registry: ModelRegistry
  /** The Silero VAD v5 model to run (default `silero-vad`). */
  model?: string
  /** Longest audio accepted, in seconds. */
  maxAudioSeconds: number
  /** Gates a request passes before its body is read (VAD's own, the process-wide one). */
  admissions?: Admission[]
}

const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream']

type Lookup = (name: string) => string | undefined

function numberParam(
  lookup: Lookup,
  name: string,
  integer: boolean,
  fallback: number,
  max = Infinity,
): number {
  const raw = lookup(name)
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  const ok = Number.isFinite(value) && value >= 0 && value <= max && (!integer || Number.isInteger(value))
  if (!ok) {
    const kind = integer ? 'a whole number of milliseconds, 0 or more' : `a number from 0 to ${max}`
    throw badRequest(
      'invalid_parameter',
      `'${name}' must be ${kind}; got ${JSON.stringify(raw.slice(0, 40))}.`,
      name,
    )
  }
  return value
}

function readOptions(lookup: Lookup): VadOptions {
  return {
    threshold: numberParam(lookup, 'threshold', false, DEFAULT_VAD_OPTIONS.threshold, 1),
    minSpeechMs: numberParam(lookup, 'min_speech_ms', true, DEFAULT_VAD_OPTIONS.minSpeechMs),
    minSilenceMs: numberParam(lookup, 'min_silence_ms', true, DEFAULT_VAD_OPTIONS.minSilenceMs),
    speechPadMs: numberParam(lookup, 'speech_pad_ms', true, DEFAULT_VAD_OPTIONS.speechPadMs),
  }
}

/** The WAV bytes and the parameters, from a raw or a multipart body. */
async function readRequest(c: Context): Promise<{ wav: Uint8Array; options: VadOptions }> {
  const type = mediaTypeOf(c)
  const query: Lookup = (name) => c.req.query(name)
  if (type === 'multipart/form-data') {
    const form = await readForm(c)
    const audio = form.get('audio')
    if (audio === null || typeof audio === 'string')
      throw badRequest('missing_audio', "The multipart body needs a file field named 'audio'.", 'audio')
    const field: Lookup = (name) => {
      const value = form.get(name)
      return typeof value === 'string' ? value : query(name)
    }
    return { wav: new Uint8Array(await audio.arrayBuffer()), options: readOptions(field) }
  }
  if (!WAV_TYPES.includes(type)) {
    throw unsupportedMedia(
      `Content type '${type || '(none)'}' is not accepted: send the WAV file as 'audio/wav' or as multipart/form-data field 'audio'.`,
    )
  }
  const options = readOptions(query)
  return { wav: new Uint8Array(await c.req.arrayBuffer()), options }
}

export function vadRoutes({
  registry,
  model = 'silero-vad',
  maxAudioSeconds,
  admissions = [],
}: VadRouteOptions) {
  const ready = () => {
    const { model: loaded } = registry.ready(model)
    checkSileroSignature(loaded, model)
    return loaded
  }
  return new Hono().post(
    '/v1/audio/vad',
    async (_c, next) => {
      // A model that cannot serve is a 503 before the request waits for a turn.
      ready()
      await next()
    },
    admitted(...admissions),
    async (c) => {
      const loaded = ready()
      const { wav, options } = await readRequest(c)
      const signal = clientSignal(c)
      let result: VadResult
      try {
        result = await detectSpeech(loaded, wav, { ...options, maxSeconds: maxAudioSeconds, signal })
      } catch (error) {
        // A client that left stops its work at the next window; its request ends logged as closed.
        if (signal.aborted) throw clientClosed()
        throw error
      }
      const body: components['schemas']['VadResponse'] = { model, ...result }
      return c.json(body)
    },
  )
}
