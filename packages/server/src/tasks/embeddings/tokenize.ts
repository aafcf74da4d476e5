/**
 * Hugging Face tokenizers (`tokenizer.json`) for embeddings models, with the truncation that
 * @huggingface/tokenizers leaves to its caller: the text is cut, never the special tokens around it.
 */
import { Tokenizer } from '@huggingface/tokenizers'

export interface Encoded {
  ids: number[]
  typeIds: number[]
}

const PAD_TOKENS = ['[PAD]', '<pad>', '<|padding|>']

export class EmbeddingsTokenizer {
  readonly #tokenizer: Tokenizer
  readonly #specialCount: number
  /** The id that fills padded positions (they are masked out, so any id would do; this is the model's own). */
  readonly padId: number
  /** `truncation.max_length` from tokenizer.json, if it sets one. */
  readonly maxLength: number | undefined

  /** Builds a tokenizer from parsed `tokenizer.json` and `tokenizer_config.json` objects. */
  constructor(json: Record<string, unknown>, config: Record<string, unknown> = {}) {
    this.#tokenizer = new Tokenizer(json, config)
    this.#specialCount = this.#withSpecials([]).ids.length
    const padding = json.padding as { pad_id?: unknown } | null | undefined
    const padToken = PAD_TOKENS.map((t) => this.#tokenizer.token_to_id(t)).find((id) => id !== undefined)
    this.padId = typeof padding?.pad_id === 'number' ? padding.pad_id : (padToken ?? 0)
    const truncation = json.truncation as { max_length?: unknown } | null | undefined
    this.maxLength = typeof truncation?.max_length === 'number' ? truncation.max_length : undefined
  }

  /** Token ids and token type ids of `text`, special tokens included, at most `maxLength` of them. */
  encode(text: string, maxLength: number): Encoded {
    const tokens = this.#tokenizer.tokenize(text)
    const room = Math.max(0, maxLength - this.#specialCount)
    return this.#withSpecials(tokens.length > room ? tokens.slice(0, room) : tokens)
  }

  #withSpecials(tokens: string[]): Encoded {
    const processor = this.#tokenizer.post_processor
    const processed = processor ? processor(tokens, null, true) : { tokens, token_type_ids: undefined }
    const unknown = this.#tokenizer.model?.unk_token_id ?? 0
    const ids = processed.tokens.map((token) => this.#tokenizer.token_to_id(token) ?? unknown)
    const typeIds = processed.token_type_ids ?? new Array<number>(ids.length).fill(0)
    return { ids, typeIds }
  }
}
