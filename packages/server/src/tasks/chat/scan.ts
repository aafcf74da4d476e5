/** The repository's chat model folders (see chat-folder.ts); folders that cannot be served are reported. */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { MODEL_NAME } from '../../lifecycle/model-names.js'
import { type ChatModelSettings, isChatFolder, readChatFolder } from './chat-folder.js'

export interface ChatScan {
  models: Array<{ name: string; settings: ChatModelSettings }>
  skipped: Array<{ path: string; reason: string }>
}

export async function scanChatModels(root: string): Promise<ChatScan> {
  const scan: ChatScan = { models: [], skipped: [] }
  if (!existsSync(root)) return scan
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const dir = join(root, entry.name)
    if (!entry.isDirectory() || !MODEL_NAME.test(entry.name) || !isChatFolder(dir)) continue
    try {
      scan.models.push({ name: entry.name, settings: await readChatFolder(dir) })
    } catch (error) {
      scan.skipped.push({ path: dir, reason: (error as Error).message })
    }
  }
  return scan
}
