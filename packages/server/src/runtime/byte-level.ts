/**
 * GPT-2's byte-level alphabet, as byte-level BPE tokenizers write tokens: printable bytes stand for
 * themselves, the rest for code points from 256 up. Maps each of those characters back to its byte.
 */
export function byteLevelTable(): Map<string, number> {
  const table = new Map<string, number>()
  let extra = 0
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)
    table.set(String.fromCodePoint(printable ? b : 256 + extra++), b)
  }
  return table
}
