/**
 * `modelport hash-key [key]`: prints the SHA-256 of a key, for `auth.keys[].sha256` in the config file.
 * Without an argument the key is read from stdin, so it stays out of the shell's history.
 */
import { hashApiKey } from '../config/api-keys.js'

export const HASH_KEY_USAGE = 'modelport hash-key [key]   (reads the key from stdin when not given)'

async function readStdin(input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) text += chunk.toString()
  return text
}

/** Runs the command; resolves with the exit code. */
export async function hashKeyCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: (line: string) => void; stderr: (line: string) => void },
): Promise<number> {
  const key = (args[0] ?? (await readStdin(io.stdin)).split(/\r?\n/)[0] ?? '').trim()
  if (key === '') {
    io.stderr(`No key given.\nUsage: ${HASH_KEY_USAGE}`)
    return 2
  }
  io.stdout(await hashApiKey(key))
  return 0
}
