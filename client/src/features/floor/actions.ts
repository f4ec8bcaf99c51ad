import type { FloorLimits, FloorRequestType, ReplyData, RequestName, RequestPayload } from '@consult/shared';
import { useStore } from '../../store';
import { errorKey } from '../../i18n';
import { errorCodeOf } from '../../net/errors';
import { request } from '../../net/socket';

/**
 * The floor requests, each answered by a toast when refused. The view itself comes
 * back through the 'floor.changed' broadcast, so an action only reports failure.
 */

const store = () => useStore.getState();

/** Sends a floor request; on refusal shows why (STALE: "things changed, try again") and returns null. */
async function act<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<ReplyData[N] | null> {
  try {
    return await request(name, payload);
  } catch (err) {
    const code = errorCodeOf(err);
    store().pushToast(errorKey(code));
    // What we showed was out of date: fetch the current view instead of waiting for the next change.
    if (code === 'STALE' || code === 'NOT_FOUND') refreshFloor();
    return null;
  }
}

/** Fetches the floor view (after a refusal, or when a push may have been missed). */
export function refreshFloor(): void {
  request('floor.state', {})
    .then((view) => store().setFloor(view))
    .catch(() => undefined);
}

/** Fetches the speaking record (moderators). */
export function refreshReport(): void {
  request('floor.report', {})
    .then((report) => store().setFloorReport(report))
    .catch(() => undefined);
}

export async function requestFloor(type: FloorRequestType, note: string): Promise<boolean> {
  const reply = await act('floor.request', { type, note });
  if (reply) store().pushToast(reply.created ? 'floor.requestedToast' : 'floor.alreadyQueued');
  return reply !== null;
}

export async function withdrawRequest(entryId: string): Promise<boolean> {
  const reply = await act('floor.withdraw', { entryId });
  if (reply) store().pushToast('floor.withdrawnToast');
  return reply !== null;
}

/** The moderator puts someone in the queue. */
export async function addToQueue(participantId: string, type: FloorRequestType = 'speech'): Promise<boolean> {
  return (await act('floor.request', { type, note: '', participantId })) !== null;
}

export async function rejectEntry(entryId: string, reason: string): Promise<boolean> {
  return (await act('floor.reject', { entryId, reason })) !== null;
}

export async function reorderEntry(entryId: string, toIndex: number): Promise<boolean> {
  return (await act('floor.reorder', { entryId, toIndex })) !== null;
}

/**
 * Gives the floor to an entry, to a participant directly, or (neither) to the next in
 * line. Carries the speech we see, so a double click or a crossed click is refused as STALE.
 */
export async function grantFloor(target: { entryId?: string; participantId?: string } = {}): Promise<boolean> {
  const expectedSpeechId = store().floor?.speech?.id ?? null;
  return (await act('floor.grant', { expectedSpeechId, ...target })) !== null;
}

export async function endSpeech(speechId: string): Promise<boolean> {
  return (await act('floor.end', { speechId })) !== null;
}

export async function pauseSpeech(speechId: string): Promise<boolean> {
  return (await act('floor.pause', { speechId })) !== null;
}

export async function resumeSpeech(speechId: string): Promise<boolean> {
  return (await act('floor.resume', { speechId })) !== null;
}

export async function extendSpeech(speechId: string, addMs: number): Promise<boolean> {
  return (await act('floor.extend', { speechId, addMs })) !== null;
}

/** Sets limits for the current agenda item (`agendaItemId`) or the defaults (undefined). */
export async function setLimits(agendaItemId: string | undefined, limits: Partial<FloorLimits>): Promise<boolean> {
  const reply = await act('floor.setLimits', agendaItemId === undefined ? limits : { agendaItemId, ...limits });
  if (reply) store().pushToast('floor.limitsSaved');
  return reply !== null;
}

export async function setQueueOpen(open: boolean): Promise<boolean> {
  return (await act('floor.setQueueOpen', { open })) !== null;
}

/** Moves on from the agenda item we see (refused as STALE if someone already did). */
export async function advanceAgenda(): Promise<boolean> {
  const expectedAgendaItemId = store().floor?.agendaItemId ?? null;
  return (await act('agenda.advance', { expectedAgendaItemId })) !== null;
}
