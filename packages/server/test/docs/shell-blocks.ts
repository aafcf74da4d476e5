/**
 * The shell blocks of the README and the docs pages, read as a person reads them: each command (lines
 * ending in `\` continue it), and the output shown under it as `# ` lines.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ShellStep {
  /** The command as written, continuation lines joined with their backslashes kept. */
  command: string
  /** The output shown under it (its `# ` lines, without the `# `), if any. */
  shown?: string
}

export interface ShellBlock {
  file: string
  /** 1-based line of the block's opening fence. */
  line: number
  steps: ShellStep[]
}

/** README.md, then every docs/*.md page, in name order. */
export function docPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}

export function shellBlocks(root: string, file: string): ShellBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n')
  const blocks: ShellBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell|console)\s*$/.test(lines[i] ?? '')) continue
    const block: ShellBlock = { file, line: i + 1, steps: [] }
    let command = ''
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) {
      const text = lines[i] ?? ''
      if (command) {
        command += `\n${text}`
      } else if (text.startsWith('#')) {
        const last = block.steps.at(-1)
        const output = text.replace(/^# ?/, '')
        if (last) last.shown = last.shown === undefined ? output : `${last.shown}\n${output}`
        continue
      } else if (text.trim() !== '') {
        command = text
      }
      if (command && isComplete(command)) {
        block.steps.push({ command })
        command = ''
      }
    }
    blocks.push(block)
  }
  return blocks
}

/** Whether a command ends here: no quote left open and no trailing backslash. */
function isComplete(command: string): boolean {
  let quote: "'" | '"' | undefined
  for (let i = 0; i < command.length; i++) {
    const char = command[i]
    if (quote === "'") {
      if (char === "'") quote = undefined
    } else if (char === '\\') i++
    else if (quote === '"') {
      if (char === '"') quote = undefined
    } else if (char === "'" || char === '"') quote = char
    // A comment runs to the end of the line, whatever quotes it holds.
    else if (char === '#' && /\s/.test(command[i - 1] ?? ' ')) i = command.indexOf('\n', i) >>> 0
  }
  return quote === undefined && !command.endsWith('\\')
}

const ELLIPSIS = '…'

/** Whether one line of output matches a shown one, where `…` stands for anything. */
export function lineMatches(shown: string, actual: string): boolean {
  const pattern = shown
    .split(ELLIPSIS)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${pattern}$`).test(actual)
}

/** Numbers within 1% (or 0.005): confidences and timings differ in the last digits on other CPUs. */
function close(shown: unknown, actual: unknown, path: string, problems: string[]): void {
  if (typeof shown === 'number' && typeof actual === 'number') {
    if (Math.abs(shown - actual) > Math.max(0.005, Math.abs(shown) * 0.01))
      problems.push(`${path}: shown ${shown}, got ${actual}`)
  } else if (typeof shown === 'string' && typeof actual === 'string') {
    if (!lineMatches(shown, actual)) problems.push(`${path}: shown ${shown}, got ${actual}`)
  } else if (Array.isArray(shown) && Array.isArray(actual)) {
    if (shown.length !== actual.length)
      problems.push(`${path}: shown ${shown.length} items, got ${actual.length}`)
    else
      shown.forEach((item, i) => {
        close(item, actual[i], `${path}[${i}]`, problems)
      })
  } else if (shown && actual && typeof shown === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(shown), ...Object.keys(actual)])
    for (const key of keys)
      close(
        (shown as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${path}.${key}`,
        problems,
      )
  } else if (shown !== actual)
    problems.push(`${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`)
}

/**
 * How the output differs from what the docs show; empty when it matches. JSON is compared as values;
 * other output line by line, each shown line matching a line of the output, in order.
 */
export function outputDifferences(shown: string, output: string): string[] {
  let shownJson: unknown
  try {
    shownJson = JSON.parse(shown)
  } catch {
    shownJson = undefined
  }
  if (shownJson !== undefined && typeof shownJson === 'object') {
    try {
      const problems: string[] = []
      close(shownJson, JSON.parse(output), '$', problems)
      return problems
    } catch {
      return [`the output is not JSON: ${output.slice(0, 300)}`]
    }
  }
  const lines = output.split('\n').map((line) => line.trimEnd())
  let at = 0
  for (const want of shown.split('\n')) {
    while (at < lines.length && !lineMatches(want, lines[at] ?? '')) at++
    if (at === lines.length) return [`no line matching '${want}' in:\n${output}`]
    at++
  }
  return []
}
