/**
 * The pages the accuracy suite and the OCR benchmark read: English, Chinese, mixed scripts with numbers
 * and punctuation, two columns, turned pages, small print, a shaded noisy JPEG receipt, very wide and very
 * tall images. Each one's character error rate is pinned in `accuracy-baseline.json`.
 */
import { CHINESE_FONT, type PageOptions } from './pages.js'

const PARAGRAPH = [
  'Optical character recognition turns pictures of text',
  'into text that programs can search, index and edit.',
  'A detector first finds where each line of text is;',
  'a recognizer then reads each line it was given.',
  'Every step runs on the CPU in a few milliseconds.',
  'The models come from PaddleOCR and run on ONNX.',
]
const RECEIPT = [
  'Corner Bakery & Cafe',
  '12 Market Street, Springfield',
  'Sourdough loaf 4.50',
  'Cinnamon roll x2 7.00',
  'Flat white 3.80',
  'Total $15.30',
  'Thank you, come again!',
]
const CHINESE = ['下午三点开会', '请使用新的密码登录', '光学字符识别', '今天天气很好', '我们明天见']
const MIXED = [
  '订单号：A-2024-0117',
  '金额：3,860.00元',
  '下午3:30在B-12会议室',
  '请使用help@example.com联系',
  '总计（含税）：¥1,284.50',
]
const CHINESE_SMALL = [
  '下午两点使用会议室',
  '合计：3,860.00元',
  '请在下午五点前使用新密码',
  '使用说明：每日三次，饭后服用',
]
const LEFT = ['Shipping address', 'Jane Doe', '42 Elm Road', 'Portland, OR 97201']
const RIGHT = ['Billing address', 'Acme Corp.', '7 Harbour Way', 'Boston, MA 02110']
const WIDE_LINE =
  'Meeting moved to Thursday at 10:30 in room B-12; bring the slides, the budget for 2025 and the signed contract.'
const TALL = Array.from({ length: 30 }, (_, i) => `Item ${i + 1}: ${((i * 37) % 90) + 10}.${(i * 13) % 10}0`)

export interface SuitePage {
  name: string
  /** Needs a font with Chinese glyphs. */
  chinese?: boolean
  options: PageOptions
}

export const ACCURACY_SUITE: SuitePage[] = [
  { name: 'english line', options: { columns: [['Invoice 2024-0117: total $1,284.50']], fontSize: 28 } },
  { name: 'english paragraph', options: { columns: [PARAGRAPH], fontSize: 20, lineHeight: 1.4 } },
  {
    name: 'small print (13 px)',
    options: { columns: [PARAGRAPH.slice(0, 4)], fontSize: 13, lineHeight: 1.5 },
  },
  {
    name: 'chinese lines',
    chinese: true,
    options: { columns: [CHINESE], fontFamily: CHINESE_FONT, fontSize: 30 },
  },
  {
    name: 'mixed chinese, english, numbers',
    chinese: true,
    options: { columns: [MIXED], fontFamily: CHINESE_FONT, fontSize: 28 },
  },
  {
    name: 'chinese small print (16 px)',
    chinese: true,
    options: { columns: [CHINESE_SMALL], fontFamily: CHINESE_FONT, fontSize: 16, lineHeight: 1.8 },
  },
  { name: 'two columns', options: { columns: [LEFT, RIGHT], fontSize: 22 } },
  { name: 'turned 90°', options: { columns: [PARAGRAPH.slice(0, 4)], fontSize: 22, rotate: 90 } },
  { name: 'turned 180°', options: { columns: [RECEIPT.slice(0, 5)], fontSize: 22, rotate: 180 } },
  { name: 'turned 270°', options: { columns: [PARAGRAPH.slice(2, 6)], fontSize: 22, rotate: 270 } },
  {
    name: 'receipt photo (JPEG, shade, noise)',
    options: { columns: [RECEIPT], fontSize: 22, shade: 150, noise: 12, format: 'jpeg', quality: 70 },
  },
  { name: 'very wide line', options: { columns: [[WIDE_LINE]], fontSize: 30 } },
  { name: 'very tall list', options: { columns: [TALL], fontSize: 20, lineHeight: 1.5 } },
  {
    name: 'large page (WebP)',
    options: { columns: [PARAGRAPH.slice(0, 4)], fontSize: 44, lineHeight: 2, format: 'webp' },
  },
]
