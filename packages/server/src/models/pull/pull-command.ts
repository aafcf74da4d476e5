/**
 * `modelport pull <owner/name>[@revision] [--file <path>] [--name <name>] [--wait <seconds>]`, reading
 * MODELPORT_MODELS, MODELPORT_HUB_URL and HF_TOKEN. Progress bars go to stderr when it is a terminal, and so
 * does waiting for another pull of the same model (always: CI logs need it most); the summary to stdout.
 */
import { parseArgs } from 'node:util'
import { parseDtype } from './dtype.js'
import { terminalProgress } from './progress.js'
import { DEFAULT_HUB_URL, pullModel } from './pull.js'
import { PullError } from './pull-error.js'
import { DEFAULT_WAIT_MS } from './pull-lock.js'

export const PULL_USAGE =
  'modelport pull <owner/name>[@revision] [--file <onnx path in the repo> | --dtype fp32|fp16|q8|q4] [--name <local name>] [--wait <seconds>]'

/** Said with the usage: what `--wait` does. */
const WAIT_HELP = `--wait: how long to wait for another pull of the same model to finish (default ${DEFAULT_WAIT_MS / 1000}; 0 fails at once).`

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** Runs the command; resolves to the process exit code. */
export async function pullCommand(
  args: string[],
  env: Record<string, string | undefined> = process.env,
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } } = process,
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  let waitMs: number | undefined
  let dtype: ReturnType<typeof parseDtype>
  try {
    parsed = parse(args)
    waitMs = parseWait(parsed.values.wait)
    dtype = parseDtype(parsed.values.dtype)
  } catch (error) {
    streams.stderr.write(`${(error as Error).message}\n\nUsage: ${PULL_USAGE}\n${WAIT_HELP}\n`)
    return 2
  }
  const [spec] = parsed.positionals
  if (!spec || parsed.positionals.length > 1) {
    streams.stderr.write(`Usage: ${PULL_USAGE}\n${WAIT_HELP}\n`)
    return 2
  }
  const progress = terminalProgress(streams.stderr)
  try {
    const result = await pullModel({
      spec,
      modelsDir: env.MODELPORT_MODELS ?? 'models',
      file: parsed.values.file,
      dtype,
      name: parsed.values.name,
      hubUrl: env.MODELPORT_HUB_URL || DEFAULT_HUB_URL,
      token: env.HF_TOKEN || undefined,
      progress,
      waitMs,
      onWait: (message) => streams.stderr.write(`${message}\n`),
      onRetry: ({ error, attempt, of, delayMs }) =>
        streams.stderr.write(
          `${error.message}\nTrying again in ${delayMs / 1000} s (attempt ${attempt} of ${of}).\n`,
        ),
    })
    progress.stop()
    const files = result.files.map((f) => `${f.name} (${size(f.bytes)})`).join(', ')
    const what = `${result.repo}@${result.commit.slice(0, 12)}`
    const done = result.alreadyPresent
      ? `${what} is already in ${result.dir}, pulled by the run this one waited for`
      : `Pulled ${what} into ${result.dir}`
    streams.stdout.write(`${done}: ${files}; task ${String(result.modelJson.task)}.\n`)
    return 0
  } catch (error) {
    progress.stop()
    const hint = error instanceof PullError && error.hint ? `\n${error.hint}` : ''
    streams.stderr.write(`${(error as Error).message}${hint}\n`)
    return 1
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      dtype: { type: 'string' },
      name: { type: 'string' },
      wait: { type: 'string' },
    },
  })
}

function parseWait(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const seconds = Number(text)
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw new Error(`--wait takes a number of seconds (0 or more), got '${text}'.`)
  return seconds * 1000
}
