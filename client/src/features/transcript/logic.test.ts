import { describe, expect, it } from 'vitest';
import type { CaptionPartial, TranscriptGap, TranscriptSegment } from '@consult/shared';
import {
  CAPTION_KEEP,
  captionLines,
  exportFileName,
  groupTranscript,
  isEdited,
  orderSegments,
  partialAfterFinal,
  previousHashOf,
  shortHash,
  speechEntries,
  trimForCaptions,
  upsertSegment,
} from './logic';

const seg = (id: string, startedAt: number, over: Partial<TranscriptSegment> = {}): TranscriptSegment => ({
  id,
  agendaItemId: 'a1',
  speechId: 's1',
  participantId: 'p1',
  name: 'Alice',
  siteId: 'city',
  startedAt,
  endedAt: startedAt + 1000,
  text: `text ${id}`,
  recognised: `text ${id}`,
  confidence: null,
  engine: 'pocketsphinx',
  hasClip: true,
  offFloor: false,
  edits: [],
  ...over,
});

const partial = (speechId: string, startedAt: number, text = 'the committee'): CaptionPartial => ({ speechId, participantId: 'p1', text, startedAt });

describe('segments in time order', () => {
  it('inserts a new segment by start time and replaces a known one where it is', () => {
    let list = [seg('a', 1000), seg('c', 3000)];
    list = upsertSegment(list, seg('b', 2000));
    expect(list.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    list = upsertSegment(list, seg('d', 5000));
    expect(list.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
    const corrected = upsertSegment(list, seg('b', 2000, { text: 'corrected' }));
    expect(corrected.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(corrected[1]!.text).toBe('corrected');
    // Equal start times keep arrival order.
    expect(upsertSegment([seg('x', 1000)], seg('y', 1000)).map((s) => s.id)).toEqual(['x', 'y']);
  });

  it('orders a snapshot stably by start time', () => {
    expect(orderSegments([seg('b', 2000), seg('a', 1000), seg('c', 2000)]).map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a member’s list short but every segment of the speech on the floor', () => {
    const list = Array.from({ length: CAPTION_KEEP + 10 }, (_, i) => seg(`x${i}`, i * 1000, { speechId: i === 0 ? 'now' : 'old' }));
    const trimmed = trimForCaptions(list, 'now');
    expect(trimmed).toHaveLength(CAPTION_KEEP + 1);
    expect(trimmed[0]!.id).toBe('x0');
    expect(trimForCaptions(list, null)).toHaveLength(CAPTION_KEEP);
  });
});

describe('captions', () => {
  it('a final segment ends the partial of its utterance, not a later one', () => {
    expect(partialAfterFinal(partial('s1', 1000), seg('a', 1000))).toBeNull();
    const later = partial('s1', 2500);
    expect(partialAfterFinal(later, seg('a', 1000))).toBe(later);
    // The next utterance starts where the final one ended.
    const next = partial('s1', 2000);
    expect(partialAfterFinal(next, seg('a', 1000))).toBe(next);
    const other = partial('s2', 1000);
    expect(partialAfterFinal(other, seg('a', 1000))).toBe(other);
    expect(partialAfterFinal(null, seg('a', 1000))).toBeNull();
  });

  it('shows the last final lines with text of the speech and its partial', () => {
    const list = [seg('a', 1000), seg('b', 2000, { text: '' }), seg('c', 3000), seg('d', 4000), seg('e', 5000, { speechId: 's2' })];
    const lines = captionLines(list, partial('s1', 6000), 's1');
    expect(lines.finals.map((s) => s.id)).toEqual(['c', 'd']);
    expect(lines.partial?.text).toBe('the committee');
    expect(captionLines(list, partial('s2', 6000), 's1').partial).toBeNull();
    expect(captionLines(list, partial('s1', 6000, '  '), 's1').partial).toBeNull();
    expect(captionLines(list, null, 's3')).toEqual({ finals: [], partial: null });
  });
});

describe('the clerk’s transcript', () => {
  it('marks recognised segments edited after any edit, off-floor entries after a change to their entry', () => {
    expect(isEdited(seg('a', 1))).toBe(false);
    expect(isEdited(seg('a', 1, { edits: [{ text: 'x', by: 'c', at: 2 }] }))).toBe(true);
    const entry = seg('o', 1, { speechId: null, offFloor: true, edits: [{ text: 'x', by: 'c', at: 2 }] });
    expect(isEdited(entry)).toBe(false);
    expect(isEdited({ ...entry, edits: [...entry.edits, { text: 'y', by: 'c', at: 3 }] })).toBe(true);
  });

  it('groups by agenda item in agenda order, then by speech in time order, off-floor entries on their own, gaps with their speech', () => {
    const agenda = [
      { id: 'a1', title: 'Elevators' },
      { id: 'a2', title: 'Parks' },
    ];
    const segments = [
      seg('p2', 9000, { agendaItemId: 'a2', speechId: 's3' }),
      seg('b2', 5000, { speechId: 's2', participantId: 'p2', name: 'Bob' }),
      seg('a1', 1000),
      seg('off', 3000, { speechId: null, offFloor: true, participantId: 'p3', name: 'Resident' }),
      seg('a2', 2000),
      seg('x', 500, { agendaItemId: 'general', speechId: 's0' }),
    ];
    const gaps: TranscriptGap[] = [{ speechId: 's1', at: 1500, reason: 'engine failed' }];
    const groups = groupTranscript(segments, gaps, agenda);
    expect(groups.map((g) => [g.agendaItemId, g.index, g.title])).toEqual([
      ['a1', 0, 'Elevators'],
      ['a2', 1, 'Parks'],
      ['general', -1, null],
    ]);
    const first = groups[0]!;
    expect(first.speeches.map((s) => s.key)).toEqual(['s1', 'off:off', 's2']);
    expect(first.speeches[0]!.segments.map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(first.speeches[1]).toMatchObject({ offFloor: true, speechId: null, name: 'Resident' });
    expect(first.speeches[0]!.gaps).toEqual(gaps);
    expect(speechEntries(first.speeches[0]!).map((e) => (e.kind === 'segment' ? e.segment.id : 'gap'))).toEqual(['a1', 'gap', 'a2']);
  });
});

describe('minutes helpers', () => {
  it('names the export from the server’s header, else from the version', () => {
    expect(exportFileName('attachment; filename="minutes-c1-v2.pdf"', 'c1', 2, 'pdf')).toBe('minutes-c1-v2.pdf');
    expect(exportFileName(null, 'c1', 3, 'md')).toBe('minutes-c1-v3.md');
    expect(exportFileName('inline', 'c1', 1, 'html')).toBe('minutes-c1-v1.html');
  });

  it('shortens hashes and treats an empty previous hash as none', () => {
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
    expect(shortHash(null)).toBeNull();
    const base = { version: 1, status: 'draft' as const, submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null, hash: null };
    expect(previousHashOf({ ...base, previousHash: '' })).toBeNull();
    expect(previousHashOf({ ...base, previousHash: 'abc' })).toBe('abc');
  });
});
