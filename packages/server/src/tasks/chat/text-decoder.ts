/**
 * Token ids to text as they come, never splitting a UTF-8 character: the text of a window of recent
 * tokens is compared with that window less the newest, and held while it ends in an incomplete
 * character (U+FFFD), as Text Generation Inference does. Special tokens are left out of the text.
 */
import type { Tokenizer } from '@huggingface/tokenizers'

const REPLACEMENT = '\uFFFD'

export class TextDecoder {
  readonly #tokenizer: Tokenizer
  readonly #ids: number[] = []
  #prefixOffset = 0
  #readOffset = 0

  constructor(tokenizer: Tokenizer) {
    this.#tokenizer = tokenizer
  }

  /** Adds a token; returns the text it completes (often empty while a character is incomplete). */
  push(id: number): string {
    this.#ids.push(id)
    const before = this.#decode(this.#ids.slice(this.#prefixOffset, this.#readOffset))
    const after = this.#decode(this.#ids.slice(this.#prefixOffset))
    if (after.length <= before.length || after.endsWith(REPLACEMENT)) return ''
    this.#prefixOffset = this.#readOffset
    this.#readOffset = this.#ids.length
    return after.slice(before.length)
  }

  /** The text still held at the end (an incomplete character decodes as U+FFFD). */
  flush(): string {
    const before = this.#decode(this.#ids.slice(this.#prefixOffset, this.#readOffset))
    const after = this.#decode(this.#ids.slice(this.#prefixOffset))
    this.#prefixOffset = this.#readOffset = this.#ids.length
    return after.slice(before.length)
  }

  #decode(ids: number[]): string {
    return ids.length === 0 ? '' : this.#tokenizer.decode(ids, { skip_special_tokens: true })
  }
}
