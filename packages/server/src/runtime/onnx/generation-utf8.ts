/**
 * Keeps constrained output valid UTF-8 without control characters. xgrammar's string rules accept
 * raw control characters and byte tokens that do not form characters; JSON allows neither. Each
 * token's bytes are run once through a UTF-8 automaton from each of its states (see `advance`), so a step only looks up whether a token can follow and the state after it.
 */
import { byteLevelTable } from '../byte-level.js'
import type { Vocabulary } from './generation-protocol.js'

const INVALID = -1
/** Added tokens (special tokens) have no bytes: they leave the state as it is. */
const SPECIAL = -2

/** A token's bytes, or undefined for a token that stands for no text (special, or unknown). */
function tokenBytes(
  token: string,
  vocabulary: Vocabulary,
  byteLevel: Map<string, number> | undefined,
): number[] | undefined {
  if (token === '') return undefined
  if (byteLevel) {
    const bytes = Array.from(token, (char) => byteLevel.get(char))
    return bytes.every((b): b is number => b !== undefined) ? bytes : undefined
  }
  if (vocabulary.type === 'byte_fallback') {
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(token)
    if (byte) return [Number.parseInt(byte[1] as string, 16)]
    return Array.from(new TextEncoder().encode(token.replaceAll('\u2581', ' ')))
  }
  return Array.from(new TextEncoder().encode(token))
}

/**
 * States: 0 between characters; 1-3 that many continuation bytes (80-BF) owed; 4-7 the second byte of
 * a three- or four-byte character, whose range excludes overlong forms and surrogates (E0: A0-BF,
 * ED: 80-9F, F0: 90-BF, F4: 80-8F), which decoders would turn into U+FFFD.
 */
const STATES = 8
const SECOND: Record<number, { low: number; high: number; next: number }> = {
  4: { low: 0xa0, high: 0xbf, next: 1 },
  5: { low: 0x80, high: 0x9f, next: 1 },
  6: { low: 0x90, high: 0xbf, next: 2 },
  7: { low: 0x80, high: 0x8f, next: 2 },
}

/** The state after `bytes` from `start`, or INVALID. */
function advance(start: number, bytes: number[]): number {
  let state = start
  for (const b of bytes) {
    const second = SECOND[state]
    if (second) {
      if (b < second.low || b > second.high) return INVALID
      state = second.next
    } else if (state > 0) {
      if ((b & 0xc0) !== 0x80) return INVALID
      state--
    } else if (b < 0x20 || b === 0x7f) return INVALID
    else if (b < 0x80) continue
    else if (b >= 0xc2 && b <= 0xdf) state = 1
    else if (b === 0xe0) state = 4
    else if (b === 0xed) state = 5
    else if (b >= 0xe1 && b <= 0xef) state = 2
    else if (b === 0xf0) state = 6
    else if (b >= 0xf1 && b <= 0xf3) state = 3
    else if (b === 0xf4) state = 7
    else return INVALID
  }
  return state
}

export class Utf8Table {
  /** [state * size + id] → the state after the token, INVALID or SPECIAL. */
  readonly #next: Int8Array
  readonly #size: number

  constructor(vocabulary: Vocabulary) {
    this.#size = vocabulary.size
    this.#next = new Int8Array(STATES * vocabulary.size).fill(SPECIAL)
    const byteLevel = vocabulary.type === 'byte_level' ? byteLevelTable() : undefined
    const specials = new Set(vocabulary.stopIds)
    for (const [id, token] of vocabulary.tokens.entries()) {
      const bytes = specials.has(id) ? undefined : tokenBytes(token, vocabulary, byteLevel)
      if (!bytes) continue
      for (let state = 0; state < STATES; state++) this.#next[state * this.#size + id] = advance(state, bytes)
    }
  }

  /** Sets to -Infinity the logits of tokens that cannot follow in `state`; returns how many remain. */
  mask(logits: Float32Array, state: number): number {
    let left = 0
    const base = state * this.#size
    for (let id = 0; id < logits.length; id++) {
      if (logits[id] === Number.NEGATIVE_INFINITY) continue
      const next = this.#next[base + id] as number
      if (next === INVALID || (next === SPECIAL && state > 0)) logits[id] = Number.NEGATIVE_INFINITY
      else left++
    }
    return left
  }

  /** The state after a token. */
  after(state: number, id: number): number {
    const next = this.#next[state * this.#size + id] as number
    return next === SPECIAL ? state : Math.max(next, 0)
  }
}
