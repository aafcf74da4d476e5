export { type ChatModelSettings, isChatFolder, readChatFolder } from './chat-folder.js'
export { OnnxLocalChat, type OnnxLocalChatOptions } from './local-chat.js'
export { scanChatModels } from './scan.js'
export type { LocalChat, LocalChatState } from './types.js'
