import type { MinutesDocument } from '@consult/shared';
import { clockTime, minutesText, type MinutesLanguage } from './minutes.js';
import { zip } from './zip.js';

const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Chinese text needs an East Asian font named on every run; Noto Sans CJK SC is what Debian ships. */
const FONT = '<w:rFonts w:ascii="Noto Sans CJK SC" w:hAnsi="Noto Sans CJK SC" w:eastAsia="Noto Sans CJK SC" w:cs="Noto Sans CJK SC"/>';

function paragraph(text: string, options: { style?: string; bold?: boolean; center?: boolean; size?: number } = {}): string {
  const pPr = [options.style ? `<w:pStyle w:val="${options.style}"/>` : '', options.center ? '<w:jc w:val="center"/>' : ''].join('');
  const rPr = `<w:rPr>${FONT}${options.bold ? '<w:b/>' : ''}${options.size ? `<w:sz w:val="${options.size}"/><w:szCs w:val="${options.size}"/>` : ''}</w:rPr>`;
  return `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}<w:r>${rPr}<w:t xml:space="preserve">${x(text)}</w:t></w:r></w:p>`;
}

/** The minutes as a Word document (Office Open XML). */
export function minutesDocx(doc: MinutesDocument, language: MinutesLanguage): Buffer {
  const t = minutesText(language);
  const body: string[] = [
    paragraph(`${doc.title} · ${t.minutes}`, { bold: true, center: true, size: 36 }),
    paragraph(`${t.version} ${doc.version} · ${t[doc.status]}`, { center: true, size: 20 }),
  ];
  if (doc.previousHash) body.push(paragraph(`${t.previous}: ${doc.previousHash}`, { size: 16 }));
  body.push(paragraph(`${t.moderator}：${doc.moderator.map((m) => `${m.name}（${m.siteName}）`).join('、') || t.none}`));
  body.push(paragraph(t.attendance, { bold: true, size: 28 }));
  for (const site of doc.attendance) {
    body.push(
      paragraph(
        `${site.siteName}\u3000${t.present}：${site.present.map((p) => `${p.name}（${p.role}）`).join('、') || t.none}；${t.absent}：${site.absent.map((p) => p.name).join('、') || t.none}`,
      ),
    );
  }
  doc.items.forEach((item, i) => {
    body.push(paragraph(`${i + 1}. ${item.title}`, { bold: true, size: 28 }));
    body.push(paragraph(t.speeches, { bold: true }));
    if (item.speeches.length === 0) body.push(paragraph(t.noSpeech));
    for (const s of item.speeches) {
      body.push(paragraph(`${s.name}（${s.siteName}，${s.type}，${clockTime(s.startedAt)}${s.endedAt ? `–${clockTime(s.endedAt)}` : ''}）`, { bold: true }));
      body.push(paragraph(s.text || t.noText));
    }
    if (item.motions.length > 0) {
      body.push(paragraph(t.motions, { bold: true }));
      for (const m of item.motions) {
        body.push(paragraph(`${m.title}（${m.ballot}）：${m.counts.map((c) => `${c.label} ${c.votes}`).join('，')}`));
        body.push(paragraph(`${m.rule}。${m.quorum}。`, { bold: true }));
      }
    }
  });
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr></w:body></w:document>`;
  return zip([
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    },
    { name: 'word/document.xml', data: document },
  ]);
}
