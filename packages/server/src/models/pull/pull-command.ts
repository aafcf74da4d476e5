/**
 * `modelport pull <owner/name>[@revision] [--file <path>] [--name <name>]`, reading MODELPORT_MODELS,
 * MODELPORT_HUB_URL and HF_TOKEN. Progress bars go to stderr when it is a terminal; the summary to stdout.
 */
import { parseArgs } from 'node:util'
import { terminalProgress } from './progress.js'
import { DEFAULT_HUB_URL, pullModel } from './pull.js'

export const PULL_USAGE =
  'modelport pull <owner/name>[@revision] [--file <onnx path in the repo>] [--name <local name>]'

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** Runs the command; resolves to the process exit code. */
export async function pullCommand(
  args: string[],
  env: Record<string, string | undefined> = process.env,
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } } = process,
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    streams.stderr.write(`${(error as Error).message}\n\nUsage: ${PULL_USAGE}\n`)
    return 2
  }
  const [spec] = parsed.positionals
  if (!spec || parsed.positionals.length > 1) {
    streams.stderr.write(`Usage: ${PULL_USAGE}\n`)
    return 2
  }
  const progress = terminalProgress(streams.stderr)
  try {
    const result = await pullModel({
      spec,
      modelsDir: env.MODELPORT_MODELS ?? 'models',
      file: parsed.values.file,
      name: parsed.values.name,
      hubUrl: env.MODELPORT_HUB_URL || DEFAULT_HUB_URL,
      token: env.HF_TOKEN || undefined,
      progress,
    })
    progress.stop()
    const files = result.files.map((f) => `${f.name} (${size(f.bytes)})`).join(', ')
    streams.stdout.write(
      `Pulled ${result.repo}@${result.commit.slice(0, 12)} into ${result.dir}: ${files}; task ${String(result.modelJson.task)}.\n`,
    )
    return 0
  } catch (error) {
    progress.stop()
    streams.stderr.write(`${(error as Error).message}\n`)
    return 1
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { file: { type: 'string' }, name: { type: 'string' } },
  })
}
