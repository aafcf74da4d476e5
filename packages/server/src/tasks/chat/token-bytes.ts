/**
 * A token's text and bytes for `logprobs`: byte-level BPE tokens are often part of a character, so
 * each carries its own UTF-8 bytes (OpenAI's `bytes`), read back through GPT-2's byte table.
 */
import type { Tokenizer } from '@huggingface/tokenizers'

function byteTable(): Map<string, number> {
  const table = new Map<string, number>()
  let extra = 0
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)
    table.set(String.fromCodePoint(printable ? b : 256 + extra++), b)
  }
  return table
}

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
    this.#table = usesByteLevel(json.decoder) ? byteTable() : undefined
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
