/**
 * A chat request's parameters, checked and resolved against the model's defaults. Anything a local
 * model cannot honour is a 400 that says so, never silently ignored.
 */
import { randomInt } from 'node:crypto'
import { badRequest } from '../../core/errors.js'
import type { ChatRequest } from '../../core/provider.js'
import type { GrammarSpec, SamplingParameters } from '../../runtime/onnx/generation-protocol.js'
import type { ChatModelSettings } from './chat-folder.js'

export interface ChatParameters {
  sampling: SamplingParameters
  /** Completion tokens asked for (undefined: what the context leaves). */
  maxTokens?: number
  stop: string[]
  /** undefined: no log probabilities; else how many alternatives per token. */
  topLogprobs?: number
  includeUsage: boolean
  /** `response_format` json_object or json_schema: decoding is constrained to it. */
  grammar?: GrammarSpec
}

/** Request fields that change what a completion is, which local models do not implement. */
const UNSUPPORTED: Array<[string, (value: unknown) => boolean, string]> = [
  ['n', (v) => v !== 1, 'one choice per request (n: 1)'],
  ['tools', (v) => Array.isArray(v) && v.length > 0, 'no tools'],
  ['tool_choice', (v) => v !== 'none', 'no tool choice'],
  ['functions', () => true, 'no functions'],
  ['function_call', () => true, 'no function calls'],
  ['logit_bias', (v) => typeof v !== 'object' || v === null || Object.keys(v).length > 0, 'no logit_bias'],
  ['audio', () => true, 'no audio output'],
  ['modalities', (v) => !(Array.isArray(v) && v.length === 1 && v[0] === 'text'), 'text output only'],
  ['prediction', () => true, 'no predicted outputs'],
  ['parallel_tool_calls', () => true, 'no tool calls'],
]

const MAX_STOPS = 4

export function chatParameters(request: ChatRequest, model: ChatModelSettings): ChatParameters {
  const fields = request as Record<string, unknown>
  for (const [name, unsupported, offer] of UNSUPPORTED) {
    const value = fields[name]
    if (value !== undefined && value !== null && unsupported(value))
      throw badRequest(
        'unsupported_parameter',
        `'${name}' is not supported by local chat models: they offer ${offer}.`,
        name,
      )
  }
  const grammar = grammarOf(fields.response_format)
  const stop =
    request.stop === undefined || request.stop === null
      ? []
      : typeof request.stop === 'string'
        ? [request.stop]
        : request.stop
  if (stop.length > MAX_STOPS)
    throw badRequest('invalid_stop', `'stop' takes at most ${MAX_STOPS} strings.`, 'stop')
  if (stop.some((s) => s.length === 0))
    throw badRequest('invalid_stop', "'stop' strings must not be empty.", 'stop')
  if (request.top_logprobs !== undefined && request.logprobs !== true)
    throw badRequest('invalid_parameter', "'top_logprobs' needs 'logprobs': true.", 'top_logprobs')
  if (request.seed !== undefined && !Number.isSafeInteger(request.seed))
    throw badRequest('invalid_parameter', "'seed' must be a whole number.", 'seed')
  const defaults = model.sampling
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? model.maxTokens
  return {
    sampling: {
      temperature: request.temperature ?? defaults.temperature ?? 1,
      topP: request.top_p ?? defaults.top_p ?? 1,
      topK: request.top_k ?? defaults.top_k ?? 0,
      // Without a seed each request draws its own; with one, the same request gives the same answer.
      seed: request.seed ?? randomInt(2 ** 32),
      frequencyPenalty: request.frequency_penalty ?? defaults.frequency_penalty ?? 0,
      presencePenalty: request.presence_penalty ?? defaults.presence_penalty ?? 0,
    },
    ...(maxTokens !== undefined && { maxTokens }),
    stop,
    ...(request.logprobs === true && { topLogprobs: request.top_logprobs ?? 0 }),
    includeUsage: request.stream_options?.include_usage === true,
    ...(grammar && { grammar }),
  }
}

/** `response_format` as a grammar: none for text, any object for json_object, the schema for json_schema. */
function grammarOf(value: unknown): GrammarSpec | undefined {
  if (value === undefined || value === null) return undefined
  const format = value as { type?: unknown; json_schema?: unknown }
  if (format.type === 'text') return undefined
  if (format.type === 'json_object') return { kind: 'json_object' }
  if (format.type !== 'json_schema')
    throw badRequest(
      'invalid_response_format',
      `response_format type must be text, json_object or json_schema, not '${String(format.type)}'.`,
      'response_format',
    )
  const spec = format.json_schema as { schema?: unknown; strict?: unknown } | undefined
  if (typeof spec !== 'object' || spec === null)
    throw badRequest(
      'invalid_response_format',
      'response_format json_schema needs a json_schema object.',
      'response_format',
    )
  const schema = spec.schema ?? { type: 'object' }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw badRequest(
      'invalid_response_format',
      'response_format json_schema.schema must be a JSON Schema object.',
      'response_format',
    )
  return { kind: 'json_schema', schema: JSON.stringify(schema), strict: spec.strict === true }
}

/** The completion tokens a prompt leaves room for; 400 naming the numbers when it does not fit. */
export function completionBudget(
  promptTokens: number,
  asked: number | undefined,
  contextLength: number,
): number {
  if (promptTokens >= contextLength)
    throw badRequest(
      'context_length_exceeded',
      `The prompt is ${promptTokens} tokens, and this model's context is ${contextLength} tokens: shorten the messages by at least ${promptTokens - contextLength + 1} tokens.`,
      'messages',
    )
  const room = contextLength - promptTokens
  if (asked !== undefined && asked > room)
    throw badRequest(
      'context_length_exceeded',
      `This model's context is ${contextLength} tokens; the prompt takes ${promptTokens}, which leaves ${room} for the completion, but ${asked} were asked for.`,
      'max_tokens',
    )
  return asked ?? room
}
