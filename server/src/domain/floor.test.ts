import { describe, expect, it } from 'vitest';
import { AppError, countdownPhase, estimatedWaitMs, speechDeadline, speechRemainingMs, type Participant } from '@consult/shared';
import { createConsultation } from './consultation.js';
import {
  applyFloorEvent,
  authorizeEnd,
  authorizeRequest,
  authorizeWithdraw,
  decideAdvance,
  decideDeparture,
  decideEnd,
  decideExtend,
  decideGrant,
  decidePause,
  decideQueueOpen,
  decideReject,
  decideReorder,
  decideRequest,
  decideResume,
  decideSetLimits,
  decideTimeout,
  decideWithdraw,
  floorView,
  initialFloor,
  speechReport,
  type FloorContext,
  type FloorEvent,
  type FloorState,
} from './floor.js';

function ids() {
  let n = 0;
  return () => `id${++n}`;
}

const consultation = createConsultation(
  {
    title: 't',
    language: 'zh',
    agenda: [{ title: 'item one' }, { title: 'item two' }],
    sites: [
      { id: 'city', name: '市' },
      { id: 'east', name: '东县' },
    ],
    participants: [
      { name: 'chair', role: 'moderator', siteId: 'city' },
      { name: 'a', role: 'member', siteId: 'city' },
      { name: 'b', role: 'member', siteId: 'east' },
      { name: 'c', role: 'member', siteId: 'east' },
      { name: 'venue', role: 'studio', siteId: 'east' },
      { name: 'obs', role: 'observer', siteId: 'city' },
    ],
  },
  ids(),
  0,
);
const [chair, a, b, c, venue, obs] = consultation.participants as [Participant, Participant, Participant, Participant, Participant, Participant];
const [item1, item2] = consultation.agenda;

/** A tiny driver: decide with an actor at a time, then apply what was decided. */
class Floor {
  state: FloorState = initialFloor(consultation);
  private next = ids();
  ctx(actor: Participant, now: number): FloorContext {
    return { consultation, floor: this.state, actor, now, newId: () => `x${this.next()}` };
  }
  apply(events: FloorEvent[], at: number): void {
    for (const e of events) this.state = applyFloorEvent(this.state, e, at);
  }
  request(actor: Participant, at: number, type: 'speech' | 'reply' | 'order' = 'speech', note = '', participantId?: string) {
    const d = decideRequest(this.ctx(actor, at), { type, note, participantId });
    this.apply(d.events, at);
    return d;
  }
  grant(at: number, input: Partial<Parameters<typeof decideGrant>[1]> = {}) {
    const d = decideGrant(this.ctx(chair, at), { expectedSpeechId: this.state.speech?.id ?? null, ...input });
    this.apply(d.events, at);
    return d.speechId;
  }
  queueOf(): string[] {
    return floorView(this.state).queue.map((e) => e.participantId);
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('a participant who leaves the consultation', () => {
  it('has their requests withdrawn on every agenda item, and a speech they hold ends as "left"', () => {
    const f = new Floor();
    const waiting = f.request(a, 1).entryId;
    f.request(b, 2);
    // 委员 a also waits on the second item (the agenda moved on with their first request still there).
    f.apply(decideAdvance(f.ctx(chair, 3), item1!.id, item2!.id).events, 3);
    const later = f.request(a, 4).entryId;
    const speechId = f.grant(5, { participantId: a.id });
    const events = decideDeparture(f.state, a.id, 9);
    expect(events).toEqual([
      { type: 'floor.withdrawn', data: { entryId: waiting, by: a.id, reason: 'left' } },
      { type: 'floor.ended', data: { speechId, endedAt: 9, outcome: 'left', by: null } },
    ]);
    // The second item's entry went with the grant; the first item's is withdrawn from its own queue.
    f.apply(events, 9);
    expect(f.state.queues[item1!.id]!.map((e) => e.participantId)).toEqual([b.id]);
    expect(f.state.queues[item2!.id]!.some((e) => e.id === later)).toBe(false);
    expect(f.state.speech).toBeNull();
    expect(f.state.speeches.at(-1)).toMatchObject({ id: speechId, outcome: 'left', endedAt: 9 });
    // Nothing left to withdraw: a second departure decides nothing.
    expect(decideDeparture(f.state, a.id, 10)).toEqual([]);
  });
});

describe('speaking queue', () => {
  it('starts on the first agenda item with an open, empty queue and the default limits', () => {
    const f = new Floor();
    expect(floorView(f.state)).toMatchObject({
      agendaItemId: item1!.id,
      queueOpen: true,
      queue: [],
      speech: null,
      limits: { speech: 180_000, reply: 60_000, order: 60_000, grace: 10_000 },
    });
  });

  it('orders points of order first, then replies, then speeches; first come first served within a type', () => {
    const f = new Floor();
    f.request(a, 1, 'speech');
    f.request(b, 2, 'reply');
    f.request(c, 3, 'order');
    f.request(venue, 4, 'speech');
    expect(f.queueOf()).toEqual([c.id, b.id, a.id, venue.id]);
  });

  it('makes one entry however often a member asks, and keeps their place', () => {
    const f = new Floor();
    const first = f.request(a, 1, 'speech', 'on roads');
    f.request(b, 2);
    const again = f.request(a, 3, 'order');
    expect(again).toMatchObject({ entryId: first.entryId, created: false, events: [] });
    expect(f.queueOf()).toEqual([a.id, b.id]);
    expect(floorView(f.state).queue[0]).toMatchObject({ note: 'on roads', type: 'speech', requestedAt: 1 });
  });

  it('lets the moderator add a member; refuses a member adding someone else and roles that do not speak', () => {
    const f = new Floor();
    f.request(chair, 1, 'speech', '', b.id);
    expect(floorView(f.state).queue[0]).toMatchObject({ participantId: b.id, addedBy: chair.id });
    expect(code(() => authorizeRequest(a, c.id))).toBe('FORBIDDEN');
    expect(code(() => authorizeRequest(obs, undefined))).toBe('FORBIDDEN');
    expect(code(() => authorizeRequest(chair, undefined))).toBe('FORBIDDEN');
    expect(code(() => authorizeRequest(chair, a.id))).toBe('no error');
    expect(code(() => decideRequest(f.ctx(chair, 2), { type: 'speech', note: '', participantId: obs.id }))).toBe('FORBIDDEN');
  });

  it('withdraws own entries only; rejects with a reason; stale entries are refused', () => {
    const f = new Floor();
    const ea = f.request(a, 1).entryId;
    const eb = f.request(b, 2).entryId;
    expect(code(() => authorizeWithdraw(f.state, b, ea))).toBe('FORBIDDEN');
    expect(code(() => authorizeWithdraw(f.state, chair, ea))).toBe('no error');
    f.apply(decideWithdraw(f.ctx(a, 3), ea), 3);
    expect(code(() => decideWithdraw(f.ctx(a, 4), ea))).toBe('STALE');
    const rejected = decideReject(f.ctx(chair, 4), eb, 'off topic');
    expect(rejected).toEqual([{ type: 'floor.rejected', data: { entryId: eb, participantId: b.id, reason: 'off topic', by: chair.id } }]);
    f.apply(rejected, 4);
    expect(f.queueOf()).toEqual([]);
    expect(code(() => decideReject(f.ctx(chair, 5), eb, ''))).toBe('STALE');
  });

  it('reorders an entry to a new index (clamped to the end)', () => {
    const f = new Floor();
    f.request(a, 1);
    f.request(b, 2);
    const ec = f.request(c, 3).entryId;
    f.apply(decideReorder(f.ctx(chair, 4), ec, 0), 4);
    expect(f.queueOf()).toEqual([c.id, a.id, b.id]);
    f.apply(decideReorder(f.ctx(chair, 5), ec, 99), 5);
    expect(f.queueOf()).toEqual([a.id, b.id, c.id]);
    expect(decideReorder(f.ctx(chair, 6), ec, 2)).toEqual([]);
  });

  it('refuses members when the queue is closed, but the moderator can still add', () => {
    const f = new Floor();
    f.apply(decideQueueOpen(f.ctx(chair, 1), false), 1);
    expect(floorView(f.state).queueOpen).toBe(false);
    expect(code(() => f.request(a, 2))).toBe('INVALID_STATE');
    f.request(chair, 3, 'speech', '', a.id);
    expect(f.queueOf()).toEqual([a.id]);
    expect(decideQueueOpen(f.ctx(chair, 4), false)).toEqual([]);
  });

  it('estimates the wait from the current speech and the limits of everyone ahead', () => {
    const f = new Floor();
    f.request(a, 0);
    f.grant(0);
    f.request(b, 1, 'speech');
    const ec = f.request(c, 2, 'reply').entryId;
    const eb = floorView(f.state).queue.find((e) => e.participantId === b.id)!.id;
    // At 60 s, a has 120 s left; c (reply) is first, b waits for c's 60 s too.
    expect(estimatedWaitMs(floorView(f.state), ec, 60_000)).toBe(120_000);
    expect(estimatedWaitMs(floorView(f.state), eb, 60_000)).toBe(180_000);
    expect(estimatedWaitMs(floorView(f.state), 'nope', 0)).toBeNull();
  });
});

describe('the floor', () => {
  it('gives the floor to the next in line with the limit of its type, and removes the entry', () => {
    const f = new Floor();
    f.request(a, 0, 'speech', 'budget');
    f.request(b, 0, 'order');
    const id = f.grant(1_000);
    expect(f.state.speech).toMatchObject({
      id,
      participantId: b.id,
      siteId: 'east',
      type: 'order',
      limitMs: 60_000,
      graceMs: 10_000,
      grantedAt: 1_000,
      runningSince: 1_000,
    });
    expect(f.queueOf()).toEqual([a.id]);
  });

  it('gives the floor to a chosen entry, or directly to a studio with no countdown', () => {
    const f = new Floor();
    f.request(a, 0);
    const eb = f.request(b, 0).entryId;
    f.grant(1, { entryId: eb });
    expect(f.state.speech?.participantId).toBe(b.id);
    f.grant(2, { participantId: venue.id });
    expect(f.state.speech).toMatchObject({ participantId: venue.id, limitMs: null, entryId: null });
    expect(countdownPhase(f.state.speech!, 1_000_000)).toBe('open');
    expect(speechDeadline(f.state.speech!)).toBeNull();
    // The previous speech was ended by the moderator when the floor passed on.
    expect(f.state.speeches.map((s) => [s.participantId, s.outcome])).toEqual([[b.id, 'moderator']]);
  });

  it('refuses a stale grant (the moderator clicked on an old view) and an empty queue', () => {
    const f = new Floor();
    expect(code(() => decideGrant(f.ctx(chair, 0), { expectedSpeechId: null }))).toBe('INVALID_STATE');
    f.request(a, 0);
    f.request(b, 0);
    f.grant(1);
    expect(code(() => decideGrant(f.ctx(chair, 2), { expectedSpeechId: null }))).toBe('STALE');
    expect(f.state.speech?.participantId).toBe(a.id);
    expect(code(() => decideGrant(f.ctx(chair, 2), { expectedSpeechId: f.state.speech!.id, participantId: obs.id }))).toBe('FORBIDDEN');
  });

  it('counts down with pauses and extensions; warning at T−30 s, red at T, closes at T+grace', () => {
    const f = new Floor();
    f.request(a, 0);
    const id = f.grant(0);
    const at = (t: number) => countdownPhase(f.state.speech!, t);
    expect(at(149_999)).toBe('normal');
    expect(at(150_000)).toBe('warning');
    expect(at(180_000)).toBe('overtime');
    expect(speechDeadline(f.state.speech!)).toBe(190_000);
    // Paused for 20 s at 100 s: the deadline moves by 20 s.
    f.apply(decidePause(f.ctx(chair, 100_000), id), 100_000);
    expect(speechRemainingMs(f.state.speech!, 110_000)).toBe(80_000);
    expect(speechDeadline(f.state.speech!)).toBeNull();
    expect(code(() => decidePause(f.ctx(chair, 110_000), id))).toBe('STALE');
    f.apply(decideResume(f.ctx(chair, 120_000), id), 120_000);
    expect(speechDeadline(f.state.speech!)).toBe(210_000);
    f.apply(decideExtend(f.ctx(chair, 130_000), id, 60_000), 130_000);
    expect(speechDeadline(f.state.speech!)).toBe(270_000);
    // The timer firing early (before a pause moved the deadline) does nothing.
    expect(decideTimeout(f.state, id, 269_999)).toEqual([]);
    const timedOut = decideTimeout(f.state, id, 275_000);
    expect(timedOut).toEqual([{ type: 'floor.ended', data: { speechId: id, endedAt: 270_000, outcome: 'timeout', by: null } }]);
    f.apply(timedOut, 275_000);
    // Spoken time excludes the pause: 270 s − 20 s paused.
    expect(f.state.speeches[0]).toMatchObject({ outcome: 'timeout', endedAt: 270_000, elapsedMs: 250_000 });
    expect(decideTimeout(f.state, id, 280_000)).toEqual([]);
  });

  it('ends by the speaker (done) or the moderator; a second end is stale; others may not end it', () => {
    const f = new Floor();
    f.request(a, 0);
    const id = f.grant(0);
    expect(code(() => authorizeEnd(f.state, b, id))).toBe('FORBIDDEN');
    f.apply(decideEnd(f.ctx(a, 5_000), id), 5_000);
    expect(f.state.speeches[0]).toMatchObject({ outcome: 'done', elapsedMs: 5_000 });
    expect(code(() => decideEnd(f.ctx(chair, 6_000), id))).toBe('STALE');
    f.request(b, 7_000);
    const id2 = f.grant(7_000);
    f.apply(decideEnd(f.ctx(chair, 8_000), id2), 8_000);
    expect(f.state.speeches[1]).toMatchObject({ outcome: 'moderator', elapsedMs: 1_000 });
  });

  it('applies limits per agenda item over the defaults, and per type', () => {
    const f = new Floor();
    f.apply(decideSetLimits(f.ctx(chair, 0), undefined, { reply: 30_000 }), 0);
    f.apply(decideSetLimits(f.ctx(chair, 0), item2!.id, { speech: 300_000, grace: 0 }), 0);
    expect(floorView(f.state).limits).toEqual({ speech: 180_000, reply: 30_000, order: 60_000, grace: 10_000 });
    expect(code(() => decideSetLimits(f.ctx(chair, 0), 'nope', { speech: 60_000 }))).toBe('NOT_FOUND');
    const moved = decideAdvance(f.ctx(chair, 1), item1!.id, undefined);
    f.apply(moved.events, 1);
    expect(floorView(f.state)).toMatchObject({ agendaItemId: item2!.id, limits: { speech: 300_000, reply: 30_000, grace: 0 } });
    f.request(a, 2);
    f.grant(2);
    expect(f.state.speech).toMatchObject({ limitMs: 300_000, graceMs: 0, agendaItemId: item2!.id });
  });

  it('moves through the agenda: each item has its own queue; a speech on the floor ends; stale and last-item moves are refused', () => {
    const f = new Floor();
    f.request(a, 0);
    f.request(b, 0);
    f.grant(1);
    const moved = decideAdvance(f.ctx(chair, 2), item1!.id, undefined);
    expect(moved.events.map((e) => e.type)).toEqual(['floor.ended', 'agenda.advanced']);
    f.apply(moved.events, 2);
    expect(floorView(f.state)).toMatchObject({ agendaItemId: item2!.id, queue: [], speech: null });
    expect(code(() => decideAdvance(f.ctx(chair, 3), item1!.id, undefined))).toBe('STALE');
    expect(code(() => decideAdvance(f.ctx(chair, 3), item2!.id, undefined))).toBe('INVALID_STATE');
    // Going back shows item one's queue as it was left.
    f.apply(decideAdvance(f.ctx(chair, 4), item2!.id, item1!.id).events, 4);
    expect(f.queueOf()).toEqual([b.id]);
  });

  it('reports speeches with totals per member and per site, listing those who have not spoken', () => {
    const f = new Floor();
    f.request(a, 0);
    f.grant(0);
    f.request(b, 10_000);
    f.grant(10_000);
    f.request(c, 40_000);
    f.grant(40_000);
    const report = speechReport(consultation, f.state, 45_000);
    expect(report.speeches.map((s) => [s.name, s.siteName, s.durationMs, s.outcome])).toEqual([
      ['a', '市', 10_000, 'moderator'],
      ['b', '东县', 30_000, 'moderator'],
      ['c', '东县', 5_000, null],
    ]);
    expect(report.bySite).toEqual([
      { siteId: 'city', name: '市', count: 1, totalMs: 10_000 },
      { siteId: 'east', name: '东县', count: 2, totalMs: 35_000 },
    ]);
    expect(report.byParticipant.find((p) => p.participantId === venue.id)).toMatchObject({ count: 0, totalMs: 0 });
    expect(report.byParticipant.some((p) => p.participantId === chair.id)).toBe(false);
  });

  it('bumps the version on every applied event', () => {
    const f = new Floor();
    f.request(a, 0);
    f.request(b, 0);
    expect(f.state.version).toBe(2);
  });
});
