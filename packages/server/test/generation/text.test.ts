import { Tokenizer } from '@huggingface/tokenizers'
import { describe, expect, it } from 'vitest'
import { byteBpeTokenizer } from '../../scripts/byte-bpe.js'
import { StopMatcher } from '../../src/tasks/chat/stop-matcher.js'
import { TextDecoder } from '../../src/tasks/chat/text-decoder.js'

const tokenizer = new Tokenizer(byteBpeTokenizer().tokenizer, {})

describe('text from tokens as they come', () => {
  it.each([
    ['accents', 'Café naïve résumé'],
    ['CJK', '日本語のテキスト、中文文本'],
    ['emoji', 'rocket 🚀 and 🙂🙂 done'],
    ['mixed', 'a — b 日 🙂 c'],
  ])('never splits a character (%s)', (_name, text) => {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids
    // Byte-level tokens cut characters: the check below means something only if some do here.
    const pieces = ids.map((id) => tokenizer.decode([id]))
    expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(true)
    const decoder = new TextDecoder(tokenizer)
    const released = ids.map((id) => decoder.push(id))
    released.push(decoder.flush())
    for (const piece of released) expect(piece).not.toContain('\uFFFD')
    expect(released.join('')).toBe(text)
  })

  it('leaves special tokens out of the text', () => {
    const decoder = new TextDecoder(tokenizer)
    const ids = [2, ...tokenizer.encode('hi', { add_special_tokens: false }).ids, 0]
    expect(ids.map((id) => decoder.push(id)).join('') + decoder.flush()).toBe('hi')
  })

  it('flushes an incomplete character at the end as U+FFFD', () => {
    const decoder = new TextDecoder(tokenizer)
    const ids = tokenizer.encode('🙂', { add_special_tokens: false }).ids
    const partial = ids.slice(0, -1).map((id) => decoder.push(id))
    expect(partial.join('')).toBe('')
    expect(decoder.flush()).toBe('\uFFFD')
  })
})

describe('stop strings', () => {
  const run = (stops: string[], pieces: string[]) => {
    const matcher = new StopMatcher(stops)
    let out = ''
    for (const piece of pieces) {
      const { release, stopped } = matcher.push(piece)
      out += release
      if (stopped) return { out, stopped }
    }
    return { out: out + matcher.flush(), stopped: false }
  }
  it.each([
    ['within one piece', ['END'], ['abcENDdef'], 'abc', true],
    ['across pieces', ['END'], ['ab', 'cE', 'N', 'Ddef'], 'abc', true],
    ['a false start, then the rest', ['END'], ['aE', 'Nx', 'y'], 'aENxy', false],
    ['the earliest of several', ['xyz', 'b'], ['axy', 'zb'], 'a', true],
    ['a partial stop held to the end', ['END'], ['abcEN'], 'abcEN', false],
  ])('%s', (_name, stops, pieces, want, stopped) => {
    expect(run(stops, pieces)).toEqual({ out: want, stopped })
  })

  it('holds back only what could begin a stop string', () => {
    const matcher = new StopMatcher(['</answer>'])
    expect(matcher.push('text </ans')).toEqual({ release: 'text ', stopped: false })
    expect(matcher.push('wer? no')).toEqual({ release: '</answer? no', stopped: false })
  })
})
