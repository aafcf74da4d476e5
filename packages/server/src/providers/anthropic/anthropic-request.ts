/**
 * OpenAI chat request → Anthropic Messages request. System and developer messages become `system`;
 * tool calls and results become `tool_use` / `tool_result` blocks; consecutive same-role messages merge
 * (Anthropic wants them alternating). `response_format` JSON is served by a forced tool whose input is
 * the JSON, which works on every Claude model; what cannot be translated is refused with a 400.
 */

import type { ChatRequest } from '../../core/provider.js'
import { ProviderError } from '../provider-error.js'
import type {
  AnthropicContentBlock,
  AnthropicMessageParam,
  AnthropicRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-types.js'

/** The forced tool that carries `response_format` JSON. */
export const JSON_TOOL_NAME = 'json_response'

type Message = ChatRequest['messages'][number]
type Part = Record<string, unknown>

export interface AnthropicPlan {
  body: AnthropicRequest
  /** True when `response_format` asked for JSON: the JSON tool's input is the answer's content. */
  jsonTool: boolean
}

function refuse(target: string, what: string): ProviderError {
  return new ProviderError('unsupported_request', target, `${target} cannot take this request: ${what}.`, {
    status: 400,
  })
}

function textOf(content: Message['content']): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) =>
      typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '',
    )
    .join('')
}

function userBlocks(content: Message['content'], target: string, at: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : []
  if (!Array.isArray(content)) return []
  return content.map((part: Part, index): AnthropicContentBlock => {
    if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text }
    const url = (part.image_url as { url?: unknown } | undefined)?.url
    if (part.type === 'image_url' && typeof url === 'string') {
      const data = /^data:([^;,]+);base64,(.*)$/s.exec(url)
      if (data)
        return { type: 'image', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } }
      return { type: 'image', source: { type: 'url', url } }
    }
    throw refuse(target, `${at}.content[${index}] has type '${String(part.type)}'`)
  })
}

function assistantBlocks(message: Message, target: string, at: string): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = []
  const text = textOf(message.content)
  if (text) blocks.push({ type: 'text', text })
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    let input: unknown
    try {
      input = call.function.arguments ? JSON.parse(call.function.arguments) : {}
    } catch {
      throw refuse(target, `${at}.tool_calls[${index}].function.arguments is not JSON`)
    }
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input })
  }
  return blocks
}

function toolsOf(tools: ChatRequest['tools']): AnthropicTool[] | undefined {
  if (!tools?.length) return undefined
  return tools.map((tool) => {
    const fn = (tool.function ?? {}) as {
      name?: string
      description?: string
      parameters?: Record<string, unknown>
    }
    const out: AnthropicTool = {
      name: fn.name ?? '',
      input_schema: fn.parameters ?? { type: 'object', properties: {} },
    }
    if (fn.description) out.description = fn.description
    return out
  })
}

function toolChoiceOf(request: ChatRequest): AnthropicToolChoice | undefined {
  const choice = request.tool_choice
  const parallel = (request as { parallel_tool_calls?: boolean }).parallel_tool_calls
  let out: Exclude<AnthropicToolChoice, { type: 'none' }> | undefined
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') out = { type: 'any' }
  else if (choice && typeof choice === 'object') {
    const name = (choice.function as { name?: string } | undefined)?.name
    if (name) out = { type: 'tool', name }
  } else if (choice === 'auto' || parallel === false) out = { type: 'auto' }
  if (out && parallel === false) out.disable_parallel_tool_use = true
  return out
}

export function toAnthropicRequest(
  request: ChatRequest,
  model: string,
  defaults: { maxTokens: number },
  target: string,
): AnthropicPlan {
  if ((request.n ?? 1) > 1) throw refuse(target, 'n > 1')
  const system: string[] = []
  const messages: AnthropicMessageParam[] = []
  const push = (role: 'user' | 'assistant', blocks: AnthropicContentBlock[]) => {
    if (blocks.length === 0) return
    const last = messages.at(-1)
    if (last?.role === role) last.content.push(...blocks)
    else messages.push({ role, content: blocks })
  }
  request.messages.forEach((message, index) => {
    const at = `messages[${index}]`
    if (message.role === 'system' || message.role === 'developer') system.push(textOf(message.content))
    else if (message.role === 'user') push('user', userBlocks(message.content, target, at))
    else if (message.role === 'assistant') push('assistant', assistantBlocks(message, target, at))
    else if (message.role === 'tool') {
      const content = textOf(message.content)
      push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content }])
    }
  })

  const body: AnthropicRequest = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaults.maxTokens,
    messages,
  }
  if (system.some(Boolean)) body.system = system.filter(Boolean).join('\n\n')
  // OpenAI's range is 0–2, Anthropic's 0–1.
  if (request.temperature !== undefined) body.temperature = Math.min(request.temperature, 1)
  if (request.top_p !== undefined) body.top_p = request.top_p
  if (request.stop !== undefined)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (request.user) body.metadata = { user_id: request.user }
  const tools = toolsOf(request.tools)
  if (tools) body.tools = tools
  const toolChoice = toolChoiceOf(request)
  if (toolChoice && tools) body.tool_choice = toolChoice

  const format = request.response_format as
    | { type?: string; json_schema?: { schema?: Record<string, unknown>; description?: string } }
    | undefined
  if (format?.type === 'json_schema' || format?.type === 'json_object') {
    if (tools) throw refuse(target, 'response_format together with tools')
    const schema = format.json_schema?.schema ?? { type: 'object' }
    body.tools = [
      {
        name: JSON_TOOL_NAME,
        description: format.json_schema?.description ?? 'Answer with JSON in exactly this shape.',
        input_schema: schema,
      },
    ]
    body.tool_choice = { type: 'tool', name: JSON_TOOL_NAME }
    return { body, jsonTool: true }
  }
  return { body, jsonTool: false }
}
