/** OpenAI chat ↔ Anthropic Messages, both ways, including tools, JSON output and stream events. */
import { describe, expect, it } from 'vitest'
import type { ChatChunk, ChatRequest } from '../../src/core/provider.js'
import { JSON_TOOL_NAME, toAnthropicRequest } from '../../src/providers/anthropic/anthropic-request.js'
import { finishReasonOf, fromAnthropicMessage } from '../../src/providers/anthropic/anthropic-response.js'
import type { AnthropicResponse } from '../../src/providers/anthropic/anthropic-types.js'
import { createAnthropic } from '../../src/providers/anthropic/index.js'
import type { ProviderError } from '../../src/providers/provider-error.js'
import { startFakeUpstream } from '../support/fake-upstream.js'

const translate = (request: Partial<ChatRequest>) =>
  toAnthropicRequest(
    { model: 'r', messages: [], ...request } as ChatRequest,
    'claude-x',
    { maxTokens: 1000 },
    'claude/claude-x',
  )

const weather = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
}

describe('OpenAI request → Anthropic', () => {
  it.each([
    [
      'system and developer messages become system; same roles merge',
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'No emojis.' },
          { role: 'user', content: 'Hi' },
          { role: 'user', content: [{ type: 'text', text: 'there' }] },
        ],
      },
      {
        system: 'Be brief.\n\nNo emojis.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hi' },
              { type: 'text', text: 'there' },
            ],
          },
        ],
        max_tokens: 1000,
      },
    ],
    [
      'tool calls and results become tool_use and tool_result',
      {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        ],
        tools: [weather],
        tool_choice: 'required',
        parallel_tool_calls: false,
      },
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '18°C' }] },
        ],
        tools: [
          { name: 'weather', description: 'Weather in a city', input_schema: weather.function.parameters },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
      },
    ],
    [
      'sampling and limits: temperature capped at 1, stop as a list, max_completion_tokens first',
      {
        messages: [{ role: 'user', content: 'x' }],
        temperature: 1.6,
        top_p: 0.5,
        stop: 'END',
        max_tokens: 10,
        max_completion_tokens: 20,
        user: 'u-1',
      },
      { temperature: 1, top_p: 0.5, stop_sequences: ['END'], max_tokens: 20, metadata: { user_id: 'u-1' } },
    ],
    [
      'images: data URLs as base64, others as url',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      },
    ],
  ])('%s', (_name, request, want) => {
    expect(translate(request as Partial<ChatRequest>).body).toMatchObject(want)
  })

  it('serves response_format JSON through a forced tool', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }
    const plan = translate({
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'a', schema } },
    })
    expect(plan.jsonTool).toBe(true)
    expect(plan.body.tools).toEqual([expect.objectContaining({ name: JSON_TOOL_NAME, input_schema: schema })])
    expect(plan.body.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL_NAME })
  })

  it.each([
    ['n > 1', { messages: [{ role: 'user', content: 'x' }], n: 2 }],
    ['audio input', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }],
    [
      'arguments that are not JSON',
      {
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      },
    ],
  ])('refuses %s with a 400 attributed to the target', (_name, request) => {
    const error = (() => {
      try {
        translate(request as Partial<ChatRequest>)
      } catch (caught) {
        return caught as ProviderError
      }
    })()
    expect(error?.status).toBe(400)
    expect(error?.isRetryable).toBe(false)
    expect(error?.message).toMatch(/^claude\/claude-x cannot take this request/)
  })
})

describe('Anthropic answer → OpenAI', () => {
  const message = (
    content: AnthropicResponse['content'],
    stop: AnthropicResponse['stop_reason'],
  ): AnthropicResponse => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content,
    stop_reason: stop,
    usage: {
      input_tokens: 5,
      output_tokens: 7,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 10,
    },
  })

  it('maps text, tool calls and usage (cached prompt tokens counted)', () => {
    const completion = fromAnthropicMessage(
      message(
        [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        ],
        'tool_use',
      ),
      false,
      1,
    )
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    })
    expect(completion.usage).toEqual({ prompt_tokens: 115, completion_tokens: 7, total_tokens: 122 })
  })

  it('turns the JSON tool back into content', () => {
    const completion = fromAnthropicMessage(
      message([{ type: 'tool_use', id: 't', name: JSON_TOOL_NAME, input: { answer: 'yes' } }], 'tool_use'),
      true,
      1,
    )
    expect(completion.choices[0]?.message).toEqual({ role: 'assistant', content: '{"answer":"yes"}' })
    expect(completion.choices[0]?.finish_reason).toBe('stop')
  })

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, null],
  ] as const)('stop reason %s → finish_reason %s', (reason, want) => {
    expect(finishReasonOf(reason, false)).toBe(want)
  })
})

describe('Anthropic stream → chat.completion.chunk', () => {
  it('streams tool calls as tool_calls deltas with their arguments in pieces', async () => {
    const upstream = await startFakeUpstream('anthropic')
    try {
      const provider = createAnthropic({
        id: 'claude',
        apiKey: 'sk-ant-0123456789',
        baseUrl: upstream.baseUrl,
      })
      const stream = await provider.chatStream?.(
        { model: 'r', messages: [{ role: 'user', content: 'Weather?' }], tools: [weather] },
        { model: 'claude-x', signal: new AbortController().signal, requestId: 'r' },
      )
      const chunks: ChatChunk[] = []
      for await (const chunk of stream ?? []) chunks.push(chunk)
      const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      expect(calls[0]).toEqual({
        index: 0,
        id: 'toolu_1',
        type: 'function',
        function: { name: 'weather', arguments: '' },
      })
      expect(calls.map((call) => call.function?.arguments).join('')).toBe('{"city":"Paris"}')
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls')
      // The upstream saw an Anthropic request: key header, version, tools in its shape.
      const seen = upstream.requests[0]
      expect(seen?.path).toBe('/v1/messages')
      expect(seen?.headers['x-api-key']).toBe('sk-ant-0123456789')
      expect(seen?.headers['anthropic-version']).toBe('2023-06-01')
      expect(seen?.body).toMatchObject({ model: 'claude-x', stream: true, tools: [{ name: 'weather' }] })
    } finally {
      await upstream.close()
    }
  })

  it('ends with stream_truncated when the body closes before message_stop', async () => {
    const upstream = await startFakeUpstream('anthropic')
    try {
      upstream.cue({ kind: 'end-stream', after: 4 })
      const provider = createAnthropic({
        id: 'claude',
        apiKey: 'sk-ant-0123456789',
        baseUrl: upstream.baseUrl,
      })
      const stream = await provider.chatStream?.(
        { model: 'r', messages: [{ role: 'user', content: 'Hi' }] },
        { model: 'claude-x', signal: new AbortController().signal, requestId: 'r' },
      )
      const seen: string[] = []
      const error = await (async () => {
        for await (const chunk of stream ?? []) seen.push(chunk.choices[0]?.delta.content ?? '')
      })().catch((caught: unknown) => caught as ProviderError)
      expect(seen.join('')).toBe('Hel')
      expect(error).toMatchObject({ code: 'stream_truncated', target: 'claude/claude-x' })
    } finally {
      await upstream.close()
    }
  })
})
