/**
 * A token's text and bytes for `logprobs`: byte-level BPE tokens are often part of a character, so
 * each carries its own UTF-8 bytes (OpenAI's `bytes`), read back through GPT-2's byte table.
 */
import type { Tokenizer } from '@huggingface/tokenizers'
import { byteLevelTable } from '../../runtime/byte-level.js'

const usesByteLevel = (decoder: unknown): boolean => {
  if (typeof decoder !== 'object' || decoder === null) return false
  const { type, decoders } = decoder as { type?: unknown; decoders?: unknown }
  return type === 'ByteLevel' || (Array.isArray(decoders) && decoders.some(usesByteLevel))
}

export class TokenBytes {
  readonly #tokenizer: Tokenizer
  readonly #table: Map<string, number> | undefined
  readonly #encoder = new TextEncoder()

  constructor(tokenizer: Tokenizer, json: Record<string, unknown>) {
    this.#tokenizer = tokenizer
    this.#table = usesByteLevel(json.decoder) ? byteLevelTable() : undefined
  }

  describe(id: number): { token: string; bytes: number[] } {
    const token = this.#tokenizer.decode([id], { skip_special_tokens: false })
    const raw = this.#tokenizer.id_to_token(id)
    if (this.#table && raw !== undefined) {
      const bytes = Array.from(raw, (char) => this.#table?.get(char))
      if (bytes.every((b): b is number => b !== undefined)) return { token, bytes }
    }
    return { token, bytes: Array.from(this.#encoder.encode(token)) }
  }
}
