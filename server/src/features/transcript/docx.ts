import type { MinutesDocument } from '@consult/shared';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageOrientation,
  Paragraph,
  TextRun,
  convertMillimetersToTwip,
  type IRunOptions,
} from 'docx';
import { clockTime, minutesText, type MinutesLanguage } from './minutes.js';

/** How the Word minutes look: a plain document, or the layout of Chinese official documents (GB/T 9704-2012). */
export const MINUTES_LAYOUTS = ['plain', 'official'] as const;
export type MinutesLayout = (typeof MINUTES_LAYOUTS)[number];

interface Look {
  /** Fonts for Chinese text (Word falls back to a similar installed font when one is missing). */
  fonts: { title: string; heading1: string; heading2: string; body: string; latin: string };
  /** Sizes in points. */
  sizes: { title: number; heading1: number; heading2: number; body: number; small: number };
  /** Page margins in millimetres (A4). */
  margins: { top: number; bottom: number; left: number; right: number };
  /** A fixed line height in points, or null for single spacing. */
  lineHeight: number | null;
  /** The body's first line indented by two characters, as Chinese prose is. */
  indent: boolean;
}

const LOOKS: Record<MinutesLayout, Look> = {
  plain: {
    fonts: { title: 'Noto Sans CJK SC', heading1: 'Noto Sans CJK SC', heading2: 'Noto Sans CJK SC', body: 'Noto Sans CJK SC', latin: 'Noto Sans CJK SC' },
    sizes: { title: 18, heading1: 14, heading2: 12, body: 11, small: 8 },
    margins: { top: 25.4, bottom: 25.4, left: 25.4, right: 25.4 },
    lineHeight: null,
    indent: false,
  },
  // GB/T 9704-2012: A4; top margin 37 mm and binding margin 28 mm, a 156 × 225 mm type area; the title in
  // 2号 (22 pt) 方正小标宋, centred; body in 3号 (16 pt) 仿宋, 22 lines a page (a fixed 28.95 pt line);
  // first-level headings in 3号 黑体, second-level in 3号 楷体.
  official: {
    fonts: { title: '方正小标宋简体', heading1: '黑体', heading2: '楷体', body: '仿宋', latin: 'Times New Roman' },
    sizes: { title: 22, heading1: 16, heading2: 16, body: 16, small: 10.5 },
    margins: { top: 37, bottom: 35, left: 28, right: 26 },
    lineHeight: 28.95,
    indent: true,
  },
};

const halfPoints = (pt: number) => Math.round(pt * 2);
const font = (eastAsia: string, latin: string) => ({ eastAsia, ascii: latin, hAnsi: latin, cs: latin });

/**
 * The minutes as a Word document. Headings use Word's own styles (Title, Heading 1 for the
 * attendance and each agenda item, Heading 2 for speeches and votes), so the navigation pane and
 * a table of contents work; `official` lays it out as a Chinese official document.
 */
export async function minutesDocx(doc: MinutesDocument, language: MinutesLanguage, layout: MinutesLayout = 'plain'): Promise<Buffer> {
  const t = minutesText(language);
  const look = LOOKS[layout];
  const spacing = look.lineHeight === null ? {} : { line: Math.round(look.lineHeight * 20), lineRule: LineRuleType.EXACT };
  const body = (text: string, options: { bold?: boolean; indent?: boolean; size?: number } = {}) =>
    new Paragraph({
      spacing,
      ...(options.indent && look.indent ? { indent: { firstLine: Math.round(look.sizes.body * 2 * 20) } } : {}),
      children: [new TextRun({ text, bold: options.bold ?? false, ...(options.size ? { size: halfPoints(options.size) } : {}) } satisfies IRunOptions)],
    });
  const heading = (text: string, level: 1 | 2) =>
    new Paragraph({ heading: level === 1 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, spacing, children: [new TextRun(text)] });

  const children: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(`${doc.title} · ${t.minutes}`)] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing,
      children: [new TextRun({ text: `${t.version} ${doc.version} · ${t[doc.status]}`, size: halfPoints(look.sizes.small) })],
    }),
  ];
  if (doc.previousHash) children.push(body(`${t.previous}: ${doc.previousHash}`, { size: look.sizes.small }));
  children.push(body(`${t.moderator}：${doc.moderator.map((m) => `${m.name}（${m.siteName}）`).join('、') || t.none}`));
  children.push(heading(t.attendance, 1));
  for (const site of doc.attendance) {
    const present = site.present.map((p) => `${p.name}（${p.role}）`).join('、') || t.none;
    const absent = site.absent.map((p) => p.name).join('、') || t.none;
    children.push(body(`${site.siteName}\u3000${t.present}：${present}；${t.absent}：${absent}`, { indent: true }));
  }
  doc.items.forEach((item, i) => {
    children.push(heading(`${i + 1}. ${item.title}`, 1));
    children.push(heading(t.speeches, 2));
    if (item.speeches.length === 0) children.push(body(t.noSpeech, { indent: true }));
    for (const s of item.speeches) {
      children.push(body(`${s.name}（${s.siteName}，${s.type}，${clockTime(s.startedAt)}${s.endedAt ? `–${clockTime(s.endedAt)}` : ''}）`, { bold: true }));
      for (const line of (s.text || t.noText).split(/\r?\n/).filter((l) => l.trim() !== '')) children.push(body(line, { indent: true }));
    }
    if (item.motions.length > 0) {
      children.push(heading(t.motions, 2));
      for (const m of item.motions) {
        children.push(body(`${m.title}（${m.ballot}）：${m.counts.map((c) => `${c.label} ${c.votes}`).join('，')}`, { indent: true }));
        children.push(body(`${m.rule}。${m.quorum}。`, { bold: true, indent: true }));
      }
    }
  });

  const document = new Document({
    creator: 'consultation',
    title: `${doc.title} · ${t.minutes}`,
    styles: {
      default: {
        document: { run: { font: font(look.fonts.body, look.fonts.latin), size: halfPoints(look.sizes.body) } },
        title: {
          run: { font: font(look.fonts.title, look.fonts.latin), size: halfPoints(look.sizes.title), bold: layout === 'plain' },
          paragraph: { spacing: { after: 240 } },
        },
        heading1: {
          run: { font: font(look.fonts.heading1, look.fonts.latin), size: halfPoints(look.sizes.heading1), bold: layout === 'plain' },
          paragraph: { spacing: { before: 240, after: 120 }, outlineLevel: 0 },
        },
        heading2: {
          run: { font: font(look.fonts.heading2, look.fonts.latin), size: halfPoints(look.sizes.heading2), bold: layout === 'plain' },
          paragraph: { spacing: { before: 120, after: 60 }, outlineLevel: 1 },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: convertMillimetersToTwip(210), height: convertMillimetersToTwip(297), orientation: PageOrientation.PORTRAIT },
            margin: {
              top: convertMillimetersToTwip(look.margins.top),
              bottom: convertMillimetersToTwip(look.margins.bottom),
              left: convertMillimetersToTwip(look.margins.left),
              right: convertMillimetersToTwip(look.margins.right),
            },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
