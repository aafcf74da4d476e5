/** `modelport serve` in a child process, as operators run it, with its JSON log lines collected. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const serverDir = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Starts the CLI (or another entry that logs `listening` with its URL) and resolves once it listens.
 * Keeps the last 2,000 log lines.
 */
export async function spawnServer(env: Record<string, string>, entry: string[] = ['src/cli.ts', 'serve']) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...entry], {
    cwd: serverDir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODELPORT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Record<string, unknown>[] = []
  let stderr = ''
  child.stderr?.on('data', (data) => (stderr += data))
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  )
  const url = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>
        lines.push(parsed)
        if (lines.length > 2000) lines.shift()
        if (parsed.msg === 'listening') done(parsed.url as string)
      } catch {
        // Not a log line.
      }
    })
    void exited.then(({ code }) => fail(new Error(`the server exited (${code}) before listening: ${stderr}`)))
  })
  return { child, url, lines, exited, stderr: () => stderr }
}
