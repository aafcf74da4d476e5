/**
 * Renders messages with the model's own chat template, through @huggingface/jinja (the engine
 * transformers.js uses), so the prompt is the one the model was trained on.
 */
import { Template } from '@huggingface/jinja'
import { badRequest } from '../../core/errors.js'
import type { ChatRequest } from '../../core/provider.js'

type Message = ChatRequest['messages'][number]

/** A special token's text, whether `tokenizer_config.json` writes it as a string or an AddedToken object. */
const tokenText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'object' &&
        value !== null &&
        typeof (value as { content?: unknown }).content === 'string'
      ? (value as { content: string }).content
      : undefined

export class ChatTemplate {
  readonly #template: Template
  readonly #specials: Record<string, string>

  constructor(source: string, tokenizerConfig: Record<string, unknown>) {
    this.#template = new Template(source)
    this.#specials = {}
    for (const name of ['bos_token', 'eos_token', 'pad_token', 'unk_token']) {
      const text = tokenText(tokenizerConfig[name])
      if (text !== undefined) this.#specials[name] = text
    }
  }

  /** The prompt for `messages`, ending where the assistant's answer begins. */
  render(messages: Message[]): string {
    const plain = messages.map((message, index) => ({
      role: message.role === 'developer' ? 'system' : message.role,
      content: messageText(message, index),
    }))
    try {
      return this.#template.render({ messages: plain, add_generation_prompt: true, ...this.#specials })
    } catch (error) {
      // Templates raise for conversations they do not accept (e.g. roles out of order).
      throw badRequest(
        'invalid_messages',
        `The model's chat template refused the messages: ${(error as Error).message}`,
        'messages',
      )
    }
  }
}

function messageText(message: Message, index: number): string {
  const param = `messages[${index}]`
  if (message.role === 'tool' || message.tool_calls)
    throw badRequest(
      'unsupported_parameter',
      'Local chat models do not take tool calls or tool results.',
      param,
    )
  const content = message.content
  if (typeof content === 'string') return content
  if (content === null || content === undefined) return ''
  return content
    .map((part, partIndex) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text
      throw badRequest(
        'unsupported_content',
        `Local chat models take text only; ${param}.content[${partIndex}] is of type '${String(part.type)}'.`,
        `${param}.content`,
      )
    })
    .join('')
}
