/**
 * Greedy CTC decoding of the recognizer's per-step character probabilities.
 */

export interface DecodedText {
  text: string
  /** Mean probability of the characters kept; 0 when none are. */
  confidence: number
}

/**
 * The recognizer's classes: index 0 is the CTC blank, then the dictionary file's lines, then a space
 * (PaddleOCR's `use_space_char`).
 */
export function ctcClasses(dictionaryText: string): string[] {
  const lines = dictionaryText.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return ['', ...lines, ' ']
}

/**
 * Decodes one sequence of `steps` × `classes` probabilities (row-major, starting at `offset`): the most
 * likely class per step, repeats merged, blanks dropped.
 */
export function ctcGreedyDecode(
  probabilities: Float32Array,
  steps: number,
  classes: readonly string[],
  offset = 0,
): DecodedText {
  const width = classes.length
  let text = ''
  let sum = 0
  let kept = 0
  let previous = -1
  for (let step = 0; step < steps; step++) {
    const start = offset + step * width
    let best = 0
    let bestProbability = probabilities[start] as number
    for (let k = 1; k < width; k++) {
      const p = probabilities[start + k] as number
      if (p > bestProbability) {
        bestProbability = p
        best = k
      }
    }
    if (best !== 0 && best !== previous) {
      text += classes[best]
      sum += bestProbability
      kept++
    }
    previous = best
  }
  return { text, confidence: kept > 0 ? sum / kept : 0 }
}
