import { speechElapsedMs, type MinutesDocument, type MotionResult, type MotionDefinition, type TranscriptSegment } from '@consult/shared';
import type { ConsultationState } from '../../domain/consultation.js';
import { GENERAL_ITEM } from '../../domain/floor.js';

/**
 * The minutes (会议纪要) built from the log: the head (moderator, attendance per site,
 * absences), then per agenda item the speeches with their text and the motions with their
 * results and the rule applied. Written in the consultation's language; this small
 * catalogue is the document's, the interface's strings live in the client catalogue.
 */
const TEXT = {
  zh: {
    minutes: '会议纪要',
    version: '版本',
    draft: '草稿',
    submitted: '待审定',
    approved: '已审定',
    moderator: '主持人',
    attendance: '出席情况',
    present: '出席',
    absent: '缺席',
    none: '无',
    speeches: '发言',
    motions: '表决',
    noSpeech: '（本议题无发言）',
    offFloor: '场下发言',
    noText: '（无文字，请记录员补录）',
    general: '自由讨论',
    for: '赞成',
    against: '反对',
    abstain: '弃权',
    named: '记名表决',
    secret: '无记名表决',
    members: '应到委员',
    cast: '投票数',
    half: '半数',
    twoThirds: '三分之二',
    votes: '票',
    people: '人',
    speechType: { speech: '发言', reply: '插话', order: '程序性发言' } as Record<string, string>,
    roles: { moderator: '主持人', member: '委员', studio: '委员工作室', clerk: '记录员', observer: '列席' } as Record<string, string>,
    previous: '修订自已审定版本',
    passed: (f: number, base: string, share: string, t: number, two: boolean) =>
      two ? `通过：赞成 ${f} 票，达到${base}${share} ${t} 票` : `通过：赞成 ${f} 票，超过${base}${share} ${t} 票`,
    failed: (f: number, base: string, share: string, t: number, two: boolean) =>
      two ? `未通过：赞成 ${f} 票，未达到${base}${share} ${t} 票` : `未通过：赞成 ${f} 票，未超过${base}${share} ${t} 票`,
    quorumMet: (p: number, r: number) => `出席 ${p} 人，达到法定人数 ${r} 人`,
    quorumMissed: (p: number, r: number) => `表决无效：出席 ${p} 人，未达到法定人数 ${r} 人`,
    elected: (names: string[], t: number) => (names.length > 0 ? `当选：${names.join('、')}（需 ${t} 票）` : `无人当选（需 ${t} 票）`),
    tie: '票数相同，需另行表决',
  },
  en: {
    minutes: 'Minutes',
    version: 'Version',
    draft: 'draft',
    submitted: 'submitted for approval',
    approved: 'approved',
    moderator: 'Moderator',
    attendance: 'Attendance',
    present: 'Present',
    absent: 'Absent',
    none: 'none',
    speeches: 'Speeches',
    motions: 'Votes',
    noSpeech: '(no speeches on this item)',
    offFloor: 'off the floor',
    noText: '(no text yet: for the clerk to fill in)',
    general: 'General discussion',
    for: 'For',
    against: 'Against',
    abstain: 'Abstain',
    named: 'roll-call vote',
    secret: 'secret ballot',
    members: 'all members',
    cast: 'the votes cast',
    half: 'half of',
    twoThirds: 'two thirds of',
    votes: 'votes',
    people: '',
    speechType: { speech: 'speech', reply: 'reply', order: 'point of order' } as Record<string, string>,
    roles: { moderator: 'moderator', member: 'member', studio: 'studio', clerk: 'clerk', observer: 'observer' } as Record<string, string>,
    previous: 'Revises the approved version',
    passed: (f: number, base: string, share: string, t: number, two: boolean) => `Passed: ${f} for, ${two ? 'at least' : 'more than'} ${share} ${base} (${t})`,
    failed: (f: number, base: string, share: string, t: number, two: boolean) =>
      `Not passed: ${f} for, ${two ? 'short of' : 'not more than'} ${share} ${base} (${t} needed)`,
    quorumMet: (p: number, r: number) => `${p} present; quorum ${r}`,
    quorumMissed: (p: number, r: number) => `Not valid: ${p} present, quorum is ${r}`,
    elected: (names: string[], t: number) => (names.length > 0 ? `Elected: ${names.join(', ')} (${t} votes needed)` : `No one elected (${t} votes needed)`),
    tie: 'a tie: another vote is needed',
  },
};

export type MinutesLanguage = keyof typeof TEXT;
export const minutesText = (language: MinutesLanguage) => TEXT[language];

/** The rule spelled out, e.g. "通过：赞成 31 票，超过应到委员半数 28 票". */
export function ruleSentence(language: MinutesLanguage, definition: MotionDefinition, result: MotionResult): string {
  const t = TEXT[language];
  if (!result.quorum.met) return t.quorumMissed(result.quorum.present, result.quorum.required);
  const two = result.majority.rule === 'twoThirdsCast' || result.majority.rule === 'twoThirdsMembers';
  const base = result.majority.baseKind === 'members' ? t.members : t.cast;
  const share = two ? t.twoThirds : t.half;
  if (definition.kind === 'election') {
    const labels = result.elected.map((id) => definition.options.find((o) => o.id === id)?.label ?? id);
    return t.elected(labels, result.majority.threshold) + (result.tie ? `；${t.tie}` : '');
  }
  const yes = result.counts.for ?? 0;
  return result.passed ? t.passed(yes, base, share, result.majority.threshold, two) : t.failed(yes, base, share, result.majority.threshold, two);
}

export function buildMinutes(state: ConsultationState, now: number): MinutesDocument {
  const { consultation, floor, transcript } = state;
  const language = consultation.language;
  const t = TEXT[language];
  const sites = new Map(consultation.sites.map((s) => [s.id, s.name]));
  const people = new Map(consultation.participants.map((p) => [p.id, p]));
  const segmentsBySpeech = new Map<string, TranscriptSegment[]>();
  for (const seg of transcript.segments) {
    if (!seg.speechId) continue;
    const list = segmentsBySpeech.get(seg.speechId) ?? [];
    list.push(seg);
    segmentsBySpeech.set(seg.speechId, list);
  }
  const speeches = floor.speech ? [...floor.speeches, floor.speech] : floor.speeches;
  const itemIds = consultation.agenda.length > 0 ? consultation.agenda.map((a) => a.id) : [GENERAL_ITEM];
  // Speeches or motions filed under an item that is not on the agenda go with the general item.
  const known = new Set(itemIds);
  const itemOf = (id: string | null) => (id && known.has(id) ? id : itemIds[0]!);

  return {
    consultationId: consultation.id,
    title: consultation.title,
    version: transcript.minutes.version,
    status: transcript.minutes.status,
    previousHash: transcript.minutes.previousHash,
    generatedAt: now,
    moderator: consultation.participants.filter((p) => p.role === 'moderator').map((p) => ({ name: p.name, siteName: sites.get(p.siteId) ?? p.siteId })),
    attendance: consultation.sites.map((site) => {
      const invited = consultation.participants.filter((p) => p.siteId === site.id && p.role !== 'observer');
      const entry = (p: (typeof invited)[number]) => ({ name: p.name, role: t.roles[p.role] ?? p.role });
      return {
        siteId: site.id,
        siteName: site.name,
        present: invited.filter((p) => state.attendance[p.id]).map(entry),
        absent: invited.filter((p) => !state.attendance[p.id]).map(entry),
      };
    }),
    items: itemIds.map((itemId) => {
      const onFloor = speeches
        .filter((s) => itemOf(s.agendaItemId) === itemId)
        .map((s) => {
          const segs = (segmentsBySpeech.get(s.id) ?? []).sort((a, b) => a.startedAt - b.startedAt);
          const person = people.get(s.participantId);
          return {
            speechId: s.id,
            name: person?.name ?? s.participantId,
            siteName: sites.get(s.siteId) ?? s.siteId,
            startedAt: s.grantedAt,
            endedAt: s.endedAt ?? (s.runningSince !== null ? s.grantedAt + speechElapsedMs(s, now) : null),
            type: t.speechType[s.type] ?? s.type,
            offFloor: false,
            text: segs
              .map((x) => x.text.trim())
              .filter(Boolean)
              .join(language === 'zh' ? '' : ' '),
          };
        });
      const offFloor = transcript.segments
        .filter((seg) => seg.offFloor && itemOf(seg.agendaItemId) === itemId)
        .map((seg) => ({
          speechId: null,
          name: seg.name,
          siteName: sites.get(seg.siteId) ?? seg.siteId,
          startedAt: seg.startedAt,
          endedAt: seg.endedAt,
          type: t.offFloor,
          offFloor: true,
          text: seg.text,
        }));
      const motions = Object.values(state.motions)
        .filter((m) => m.status === 'closed' && m.result && itemOf(m.definition.agendaItemId) === itemId)
        .map((m) => ({
          motionId: m.definition.id,
          title: m.definition.title,
          ballot: m.definition.ballot === 'secret' ? t.secret : t.named,
          counts: m.definition.options.map((o) => ({
            label: m.definition.kind === 'decision' && (o.id === 'for' || o.id === 'against' || o.id === 'abstain') ? t[o.id] : o.label,
            votes: m.result!.counts[o.id] ?? 0,
          })),
          passed: m.result!.passed,
          elected: m.result!.elected.map((id) => m.definition.options.find((o) => o.id === id)?.label ?? id),
          rule: ruleSentence(language, m.definition, m.result!),
          quorum: m.result!.quorum.met
            ? t.quorumMet(m.result!.quorum.present, m.result!.quorum.required)
            : t.quorumMissed(m.result!.quorum.present, m.result!.quorum.required),
        }));
      return {
        agendaItemId: itemId,
        title: consultation.agenda.find((a) => a.id === itemId)?.title ?? t.general,
        speeches: [...onFloor, ...offFloor].sort((a, b) => a.startedAt - b.startedAt),
        motions,
      };
    }),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Local clock time of the server (the consultation's time zone is the server's). */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * Text from participants as Markdown shows it, and nothing more: HTML is escaped (a name like
 * `<img onerror=…>` stays text), Markdown's own marks are escaped, and a line break stays inside
 * its list item.
 */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|~!])/g, '\\$1')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\\\n  ');
}

export function minutesMarkdown(doc: MinutesDocument, language: MinutesLanguage): string {
  const t = TEXT[language];
  const md = markdownText;
  const status = t[doc.status];
  const lines = [`# ${md(doc.title)} · ${t.minutes}`, '', `${t.version} ${doc.version} (${status})`];
  if (doc.previousHash) lines.push('', `${t.previous}: \`${doc.previousHash}\``);
  lines.push('', `**${t.moderator}**: ${md(doc.moderator.map((m) => `${m.name}（${m.siteName}）`).join('、')) || t.none}`, '', `## ${t.attendance}`, '');
  for (const site of doc.attendance) {
    lines.push(
      `- **${md(site.siteName)}**: ${t.present} ${md(site.present.map((p) => `${p.name}（${p.role}）`).join('、')) || t.none}; ${t.absent} ${md(site.absent.map((p) => p.name).join('、')) || t.none}`,
    );
  }
  doc.items.forEach((item, i) => {
    lines.push('', `## ${i + 1}. ${md(item.title)}`, '', `### ${t.speeches}`, '');
    if (item.speeches.length === 0) lines.push(t.noSpeech);
    for (const s of item.speeches) {
      const when = `${clockTime(s.startedAt)}${s.endedAt ? `–${clockTime(s.endedAt)}` : ''}`;
      lines.push(`- **${md(s.name)}**（${md(s.siteName)}，${s.type}，${when}）：${s.text ? md(s.text) : t.noText}`);
    }
    if (item.motions.length > 0) {
      lines.push('', `### ${t.motions}`, '');
      for (const m of item.motions) {
        lines.push(`- **${md(m.title)}**（${m.ballot}）：${m.counts.map((c) => `${md(c.label)} ${c.votes}`).join('，')}。${m.rule}。${m.quorum}。`);
      }
    }
  });
  return lines.join('\n') + '\n';
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function minutesHtml(doc: MinutesDocument, language: MinutesLanguage): string {
  const t = TEXT[language];
  const e = escapeHtml;
  const parts = [
    `<!doctype html><html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${e(doc.title)} · ${t.minutes}</title>`,
    `<style>body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",sans-serif;max-width:820px;margin:32px auto;padding:0 24px;line-height:1.7;color:#1a1a1a}
h1{font-size:24px;text-align:center;margin-bottom:4px}h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}h3{font-size:16px;margin:16px 0 6px}
.meta{text-align:center;color:#555;font-size:13px}.speech{margin:8px 0}.who{font-weight:700}.when{color:#666;font-size:13px}.empty{color:#888}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #bbb;padding:3px 10px;font-size:14px}.rule{font-weight:700}.hash{font-family:monospace;font-size:11px;word-break:break-all}</style></head><body>`,
    `<h1>${e(doc.title)} · ${t.minutes}</h1><p class="meta">${t.version} ${doc.version} · ${t[doc.status]}</p>`,
  ];
  if (doc.previousHash) parts.push(`<p class="meta">${t.previous}: <span class="hash">${e(doc.previousHash)}</span></p>`);
  parts.push(`<p><b>${t.moderator}</b>：${e(doc.moderator.map((m) => `${m.name}（${m.siteName}）`).join('、') || t.none)}</p>`);
  parts.push(`<h2>${t.attendance}</h2><table><tr><th></th><th>${t.present}</th><th>${t.absent}</th></tr>`);
  for (const site of doc.attendance) {
    parts.push(
      `<tr><th>${e(site.siteName)}</th><td>${e(site.present.map((p) => `${p.name}（${p.role}）`).join('、') || t.none)}</td><td>${e(site.absent.map((p) => p.name).join('、') || t.none)}</td></tr>`,
    );
  }
  parts.push('</table>');
  doc.items.forEach((item, i) => {
    parts.push(`<h2>${i + 1}. ${e(item.title)}</h2><h3>${t.speeches}</h3>`);
    if (item.speeches.length === 0) parts.push(`<p class="empty">${t.noSpeech}</p>`);
    for (const s of item.speeches) {
      const when = `${clockTime(s.startedAt)}${s.endedAt ? `–${clockTime(s.endedAt)}` : ''}`;
      parts.push(
        `<p class="speech"><span class="who">${e(s.name)}</span>（${e(s.siteName)}，${e(s.type)}）<span class="when">${when}</span><br>${s.text ? e(s.text) : `<span class="empty">${t.noText}</span>`}</p>`,
      );
    }
    if (item.motions.length > 0) {
      parts.push(`<h3>${t.motions}</h3>`);
      for (const m of item.motions) {
        parts.push(
          `<p><b>${e(m.title)}</b>（${e(m.ballot)}）</p><table><tr>${m.counts.map((c) => `<th>${e(c.label)}</th>`).join('')}</tr><tr>${m.counts.map((c) => `<td>${c.votes}</td>`).join('')}</tr></table>`,
        );
        parts.push(`<p class="rule">${e(m.rule)}</p><p>${e(m.quorum)}</p>`);
      }
    }
  });
  parts.push('</body></html>');
  return parts.join('\n');
}

const vttTime = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${String(Math.floor(ms % 1000)).padStart(3, '0')}`;
};

/**
 * Text as a WebVTT cue carries it: `&`, `<` and `>` as character references (so no `-->` either),
 * and no blank line (a blank line ends the cue; a clerk's correction may hold one).
 */
export function vttText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** The captions of one speech as WebVTT, timed from the grant, each cue voiced by the speaker. */
export function speechVtt(state: ConsultationState, speechId: string): string | null {
  const speech = state.floor.speech?.id === speechId ? state.floor.speech : state.floor.speeches.find((s) => s.id === speechId);
  if (!speech) return null;
  const name = state.consultation.participants.find((p) => p.id === speech.participantId)?.name ?? speech.participantId;
  // A voice's annotation ends at `>` and may not hold a line break.
  const voice = vttText(name).replace(/\n/g, ' ');
  const cues = state.transcript.segments
    .filter((s) => s.speechId === speechId && vttText(s.text) !== '')
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((s, i) => {
      const start = Math.max(0, s.startedAt - speech.grantedAt);
      const end = Math.max(start + 1, s.endedAt - speech.grantedAt);
      return `${i + 1}\n${vttTime(start)} --> ${vttTime(end)}\n<v ${voice}>${vttText(s.text)}`;
    });
  return ['WEBVTT', '', ...cues.flatMap((c) => [c, ''])].join('\n');
}
