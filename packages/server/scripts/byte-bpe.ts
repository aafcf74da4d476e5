/**
 * A small byte-level BPE tokenizer (the GPT-2 / SmolLM2 / Qwen kind) trained from code on a fixed
 * text, as a `tokenizer.json`: every byte is a token, so any text (accents, CJK, emoji) encodes, and a
 * model's random output can end mid-character, which is what the UTF-8 tests need.
 */

/** ChatML's tokens, first so their ids are those of SmolLM2 (0, 1, 2). */
export const CHATML_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const

const CORPUS = `The quick brown fox jumps over the lazy dog. A model answers the question it is asked.
Hello world! How are you today? I am fine, thank you. The cat sat on the mat and the dog ran in the park.
Local models run on this machine; remote providers answer when they cannot. Tokens stream as they come.
{"name": "value", "count": 42, "items": [1, 2, 3], "ok": true, "nested": {"key": null}}
Café, naïve, résumé — 日本語のテキスト、中文文本 and emoji 🙂🚀 appear here too.`

// GPT-2's printable stand-ins for the 256 byte values.
function bytesToUnicode(): string[] {
  const printable: number[] = []
  for (let b = 33; b <= 126; b++) printable.push(b)
  for (let b = 161; b <= 172; b++) printable.push(b)
  for (let b = 174; b <= 255; b++) printable.push(b)
  const table = new Array<string>(256)
  let extra = 0
  for (let b = 0; b < 256; b++) {
    if (printable.includes(b)) table[b] = String.fromCodePoint(b)
    else table[b] = String.fromCodePoint(256 + extra++)
  }
  return table
}

// GPT-2's pre-tokenizer split, as the ByteLevel pre-tokenizer applies it.
const SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

/** Trains `merges` BPE merges on the corpus: the most frequent adjacent pair first, ties by first seen. */
function train(mergeCount: number, byteChars: string[]): Array<[string, string]> {
  const encoder = new TextEncoder()
  const words = (CORPUS.match(SPLIT) ?? []).map((word) =>
    Array.from(encoder.encode(word), (b) => byteChars[b] as string),
  )
  const merges: Array<[string, string]> = []
  for (let m = 0; m < mergeCount; m++) {
    const counts = new Map<string, number>()
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        const key = `${word[i]} ${word[i + 1]}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    }
    let best: string | undefined
    let bestCount = 1
    for (const [key, count] of counts) {
      if (count > bestCount) {
        best = key
        bestCount = count
      }
    }
    if (!best) break
    const [left, right] = best.split(' ') as [string, string]
    merges.push([left, right])
    for (const word of words) {
      for (let i = 0; i + 1 < word.length; i++) {
        if (word[i] === left && word[i + 1] === right) word.splice(i, 2, left + right)
      }
    }
  }
  return merges
}

export interface ByteBpe {
  tokenizer: Record<string, unknown>
  vocabSize: number
}

/** `tokenizer.json` with ChatML's special tokens, the 256 bytes and `mergeCount` merges. */
export function byteBpeTokenizer(mergeCount = 160): ByteBpe {
  const byteChars = bytesToUnicode()
  const merges = train(mergeCount, byteChars)
  const vocab: Record<string, number> = {}
  for (const special of CHATML_SPECIALS) vocab[special] = Object.keys(vocab).length
  for (const char of byteChars) vocab[char] = Object.keys(vocab).length
  for (const [left, right] of merges) vocab[left + right] = Object.keys(vocab).length
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true }
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: CHATML_SPECIALS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  }
  return { tokenizer, vocabSize: Object.keys(vocab).length }
}

/** ChatML, as SmolLM2-Instruct's template writes it (with a shorter default system prompt). */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
