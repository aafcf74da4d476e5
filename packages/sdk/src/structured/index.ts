/**
 * A model as a typed function call: `chatJson(mp, { model, messages, schema })` asks for output that
 * matches a JSON Schema literal (`response_format` json_schema, strict), parses it, checks it against
 * the schema, and types it from the schema.
 *
 * ```ts
 * const pet = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } as const
 * const { value } = await chatJson(mp, { model: 'smollm2', messages, schema: pet })
 * value.name // string
 * ```
 */

import type { ChatCompletion, ChatCompletionRequest } from '../api-types.js'
import type { RequestOptions } from '../client.js'
import type { FromSchema, JsonSchema } from './json-schema.js'
import { validate } from './validate.js'

/** What `chatJson` calls: a client's `chat.completions.create` (a `Modelport` has it). */
export interface ChatClient {
  chat: {
    completions: {
      create(request: ChatCompletionRequest, options?: RequestOptions): PromiseLike<ChatCompletion>
    }
  }
}

export type { FromSchema, JsonSchema, JsonType } from './json-schema.js'
export { validate as validateJson } from './validate.js'

type Sampling =
  | 'model'
  | 'messages'
  | 'temperature'
  | 'top_p'
  | 'top_k'
  | 'max_tokens'
  | 'max_completion_tokens'
  | 'seed'
  | 'stop'
  | 'frequency_penalty'
  | 'presence_penalty'
  | 'user'

export type ChatJsonRequest<S extends JsonSchema> = Pick<ChatCompletionRequest, Sampling> & {
  schema: S
  /** The schema's name in the request (default `output`). */
  name?: string
}

/** The answer did not parse or did not match the schema (e.g. `max_tokens` cut it short). */
export class StructuredOutputError extends Error {
  override name = 'StructuredOutputError'
  constructor(
    message: string,
    readonly completion: ChatCompletion,
    readonly problems: string[],
  ) {
    super(message)
  }
}

export async function chatJson<const S extends JsonSchema>(
  mp: ChatClient,
  request: ChatJsonRequest<S>,
  options?: RequestOptions,
): Promise<{ value: FromSchema<S>; completion: ChatCompletion }> {
  const { schema, name, ...rest } = request
  const completion = await mp.chat.completions.create(
    {
      ...rest,
      response_format: { type: 'json_schema', json_schema: { name: name ?? 'output', schema, strict: true } },
    },
    options,
  )
  const choice = completion.choices[0]
  const text = choice?.message.content ?? ''
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    const why = choice?.finish_reason === 'length' ? ' (max_tokens cut it short)' : ''
    throw new StructuredOutputError(`The answer is not JSON${why}.`, completion, [])
  }
  const problems = validate(value, schema)
  if (problems.length > 0)
    throw new StructuredOutputError(
      `The answer does not match the schema: ${problems.join('; ')}`,
      completion,
      problems,
    )
  return { value: value as FromSchema<S>, completion }
}
