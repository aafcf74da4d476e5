export { createOcrService, OCR_MODELS, type OcrServiceOptions } from './service.js'
export type { ImageDecoder, OcrLine, OcrResult, OcrService, RgbImage } from './types.js'
