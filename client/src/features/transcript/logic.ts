import type { AgendaItem, CaptionPartial, MinutesVersionInfo, TranscriptGap, TranscriptSegment } from '@consult/shared';

/** Pure helpers of the transcript, the captions and the minutes (no store, no DOM: unit-tested in node). */

/** Segments a member's page keeps for the captions (the clerk and the moderator keep all). */
export const CAPTION_KEEP = 40;

/**
 * Puts a segment into a list ordered by start time: a known id is replaced where it is (a
 * correction), a new one is inserted after every segment that started no later than it.
 */
export function upsertSegment(list: readonly TranscriptSegment[], segment: TranscriptSegment): TranscriptSegment[] {
  const index = list.findIndex((s) => s.id === segment.id);
  if (index >= 0) {
    const next = list.slice();
    next[index] = segment;
    return next;
  }
  let at = list.length;
  while (at > 0 && list[at - 1]!.startedAt > segment.startedAt) at--;
  return [...list.slice(0, at), segment, ...list.slice(at)];
}

/** A snapshot's segments in time order (the log keeps arrival order, which a late flush can break). */
export function orderSegments(list: readonly TranscriptSegment[]): TranscriptSegment[] {
  return list
    .map((segment, index) => ({ segment, index }))
    .sort((a, b) => a.segment.startedAt - b.segment.startedAt || a.index - b.index)
    .map((x) => x.segment);
}

/**
 * A new final segment of the utterance in progress ends its partial. The next utterance's
 * partial (which starts where the final ended, or later) stays: it may overtake the final,
 * which is stored before it is sent.
 */
export function partialAfterFinal(partial: CaptionPartial | null, segment: TranscriptSegment): CaptionPartial | null {
  if (!partial || segment.speechId === null || partial.speechId !== segment.speechId) return partial;
  return partial.startedAt < segment.endedAt ? null : partial;
}

/** What the caption strip shows for a speech: its last final lines with text, and the partial in progress. */
export function captionLines(
  segments: readonly TranscriptSegment[],
  partial: CaptionPartial | null,
  speechId: string,
  maxFinal = 2,
): { finals: TranscriptSegment[]; partial: CaptionPartial | null } {
  const finals: TranscriptSegment[] = [];
  for (let i = segments.length - 1; i >= 0 && finals.length < maxFinal; i--) {
    const s = segments[i]!;
    if (s.speechId === speechId && s.text.trim() !== '') finals.unshift(s);
  }
  const current = partial && partial.speechId === speechId && partial.text.trim() !== '' ? partial : null;
  return { finals, partial: current };
}

/** Whether the clerk changed a segment: a recognised one by any edit; an off-floor entry beyond its first entry. */
export function isEdited(segment: TranscriptSegment): boolean {
  return segment.edits.length > (segment.offFloor ? 1 : 0);
}

export interface SpeechGroup {
  /** The speech id, or `off:<segment id>` for an entry added off the floor. */
  key: string;
  speechId: string | null;
  participantId: string;
  name: string;
  siteId: string;
  startedAt: number;
  offFloor: boolean;
  segments: TranscriptSegment[];
  gaps: TranscriptGap[];
}

export interface AgendaGroup {
  agendaItemId: string;
  /** Index in the agenda, or -1 for an item not on it (the general discussion). */
  index: number;
  title: string | null;
  speeches: SpeechGroup[];
}

/**
 * The transcript as the clerk reads it: by agenda item (in agenda order, unknown items
 * last), then by speech in time order; an off-floor entry is a group of its own. Gaps go
 * with their speech.
 */
export function groupTranscript(segments: readonly TranscriptSegment[], gaps: readonly TranscriptGap[], agenda: readonly AgendaItem[]): AgendaGroup[] {
  const items = new Map<string, AgendaGroup>();
  const speeches = new Map<string, SpeechGroup>();
  const itemOf = (agendaItemId: string) => {
    let item = items.get(agendaItemId);
    if (!item) {
      const index = agenda.findIndex((a) => a.id === agendaItemId);
      item = { agendaItemId, index, title: agenda[index]?.title ?? null, speeches: [] };
      items.set(agendaItemId, item);
    }
    return item;
  };
  for (const segment of orderSegments(segments)) {
    const key = segment.speechId ?? `off:${segment.id}`;
    let group = speeches.get(key);
    if (!group) {
      group = {
        key,
        speechId: segment.speechId,
        participantId: segment.participantId,
        name: segment.name,
        siteId: segment.siteId,
        startedAt: segment.startedAt,
        offFloor: segment.offFloor,
        segments: [],
        gaps: [],
      };
      speeches.set(key, group);
      itemOf(segment.agendaItemId).speeches.push(group);
    }
    group.segments.push(segment);
  }
  for (const gap of gaps) speeches.get(gap.speechId)?.gaps.push(gap);
  const ordered = [...items.values()].sort((a, b) => rank(a.index) - rank(b.index));
  for (const item of ordered) item.speeches.sort((a, b) => a.startedAt - b.startedAt);
  return ordered;
}

const rank = (index: number) => (index < 0 ? Number.MAX_SAFE_INTEGER : index);

/** A speech's segments and gaps in one time-ordered list, for display. */
export function speechEntries(
  group: SpeechGroup,
): ({ kind: 'segment'; at: number; segment: TranscriptSegment } | { kind: 'gap'; at: number; gap: TranscriptGap })[] {
  const entries = [
    ...group.segments.map((segment) => ({ kind: 'segment' as const, at: segment.startedAt, segment })),
    ...group.gaps.map((gap) => ({ kind: 'gap' as const, at: gap.at, gap })),
  ];
  return entries.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'segment' ? -1 : 1));
}

/** hh:mm:ss of a time, on this device's clock. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A hash short enough for a status line (the full value goes in a title and the exports). */
export function shortHash(hash: string | null): string | null {
  return hash ? `${hash.slice(0, 12)}…` : null;
}

/** The server sends '' for "no previous version" after a draft was returned; both mean none. */
export function previousHashOf(minutes: MinutesVersionInfo): string | null {
  return minutes.previousHash ? minutes.previousHash : null;
}

export const EXPORT_FORMATS = ['md', 'html', 'pdf', 'docx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file name of a download: the server's Content-Disposition, else one built from the version. */
export function exportFileName(disposition: string | null, consultationId: string, version: number, format: ExportFormat): string {
  const match = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  if (match?.[1]) return decodeURIComponent(match[1]);
  return `minutes-${consultationId}-v${version}.${format}`;
}

/** Keeps a member's page small: the last CAPTION_KEEP segments, plus every one of the speech on the floor. */
export function trimForCaptions(list: TranscriptSegment[], speechId: string | null): TranscriptSegment[] {
  if (list.length <= CAPTION_KEEP) return list;
  const cut = list.length - CAPTION_KEEP;
  return list.filter((s, i) => i >= cut || (speechId !== null && s.speechId === speechId));
}
