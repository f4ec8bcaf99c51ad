import type { ReplyData, RequestName, RequestPayload } from '@consult/shared';
import { useStore } from '../../store';
import { errorKey, type MessageKey } from '../../i18n';
import { errorCodeOf, RequestError, toErrorCode, type AppErrorCode } from '../../net/errors';
import { request } from '../../net/socket';
import { exportFileName, type ExportFormat } from './logic';
import { selectReadsMinutes } from './slice';

/**
 * The clerk's and the moderator's transcript and minutes requests. Segments and the
 * minutes' state come back in the acks and through the broadcasts (both go to the
 * slice); refusals are explained by a toast. Exports and clips are fetched over REST
 * with the join link's token.
 */

const store = () => useStore.getState();

/** Codes after which what we show is probably out of date. */
const REFRESH_AFTER: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>(['STALE', 'NOT_FOUND', 'INVALID_STATE']);

async function act<N extends RequestName>(
  name: N,
  payload: RequestPayload<N>,
  explain: (code: AppErrorCode) => MessageKey = errorKey,
): Promise<ReplyData[N] | null> {
  try {
    return await request(name, payload);
  } catch (err) {
    const code = errorCodeOf(err);
    store().pushToast(explain(code));
    if (REFRESH_AFTER.has(code)) refreshTranscript();
    return null;
  }
}

/** The whole transcript (record keepers only: members keep what the pushes bring, for the captions). */
export function refreshTranscript(): void {
  if (!selectReadsMinutes(store())) return;
  request('transcript.state', {})
    .then((snapshot) => store().setTranscriptSnapshot(snapshot))
    .catch(() => undefined);
}

const lockedKey = (code: AppErrorCode): MessageKey => (code === 'INVALID_STATE' ? 'transcript.locked' : errorKey(code));

export async function editSegment(segmentId: string, text: string): Promise<boolean> {
  const reply = await act('transcript.edit', { segmentId, text }, lockedKey);
  if (reply?.segment) store().upsertSegment(reply.segment);
  return reply !== null;
}

export async function addOffFloorEntry(input: RequestPayload<'transcript.add'>): Promise<boolean> {
  const reply = await act('transcript.add', input, lockedKey);
  if (!reply) return false;
  store().upsertSegment(reply.segment);
  store().pushToast('transcript.offfloor.added');
  return true;
}

/** Builds the minutes from the log as they stand now, for the preview. */
export async function previewMinutes(): Promise<boolean> {
  const draft = await act('minutes.draft', {});
  if (draft) store().setMinutesDraft(draft);
  return draft !== null;
}

export async function submitMinutes(): Promise<boolean> {
  const reply = await act('minutes.submit', {}, (code) => (code === 'STALE' ? 'transcript.minutes.errorStale' : errorKey(code)));
  if (!reply) return false;
  store().setMinutes(reply.minutes);
  store().pushToast('transcript.minutes.submittedToast');
  return true;
}

export async function approveMinutes(version: number): Promise<boolean> {
  const reply = await act('minutes.approve', { version }, (code) =>
    code === 'STALE' || code === 'INVALID_STATE' ? 'transcript.minutes.errorStale' : errorKey(code),
  );
  if (!reply) return false;
  store().setMinutes(reply.minutes);
  store().pushToast('transcript.minutes.approvedToast');
  return true;
}

export async function returnMinutes(): Promise<boolean> {
  const reply = await act('minutes.return', {}, (code) => (code === 'INVALID_STATE' ? 'transcript.minutes.errorStale' : errorKey(code)));
  if (!reply) return false;
  store().setMinutes(reply.minutes);
  store().pushToast('transcript.minutes.returnedToast');
  return true;
}

/** GET with the join link's token; rejects with a RequestError carrying the server's code. */
async function fetchWithToken(path: string): Promise<Response> {
  const { token } = store();
  if (!token) throw new RequestError('TOKEN_MISSING', 'no token');
  let response: Response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (err) {
    throw new RequestError('NETWORK', err instanceof Error ? err.message : 'fetch failed');
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  throw new RequestError(toErrorCode(body?.error?.code), typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`);
}

/** Downloads an export of the minutes as a file (the token cannot go in a plain link). */
export async function downloadMinutes(format: ExportFormat): Promise<boolean> {
  const { consultation, transcript } = store();
  if (!consultation) return false;
  try {
    const response = await fetchWithToken(`/api/consultations/${encodeURIComponent(consultation.id)}/minutes?format=${format}`);
    const blob = await response.blob();
    const name = exportFileName(response.headers.get('content-disposition'), consultation.id, transcript.minutes?.version ?? 1, format);
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
    // The download has its own copy once started.
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return true;
  } catch {
    store().pushToast('transcript.minutes.exportFailed');
    return false;
  }
}

/** One clip plays at a time. */
let playing: { segmentId: string; audio: HTMLAudioElement; url: string; onEnd: () => void } | null = null;

export function stopClip(): void {
  if (!playing) return;
  const current = playing;
  playing = null;
  current.audio.pause();
  URL.revokeObjectURL(current.url);
  current.onEnd();
}

/** Plays a segment's audio clip; `onEnd` is called when it stops (ended, stopped, or another one started). */
export async function playClip(segmentId: string, onEnd: () => void): Promise<boolean> {
  const { consultation } = store();
  if (!consultation) return false;
  stopClip();
  try {
    const response = await fetchWithToken(`/api/consultations/${encodeURIComponent(consultation.id)}/segments/${encodeURIComponent(segmentId)}/clip.wav`);
    const url = URL.createObjectURL(await response.blob());
    const audio = new Audio(url);
    const entry = { segmentId, audio, url, onEnd };
    playing = entry;
    audio.addEventListener('ended', () => {
      if (playing === entry) stopClip();
    });
    await audio.play();
    return true;
  } catch {
    if (playing?.segmentId === segmentId) stopClip();
    else onEnd();
    store().pushToast('transcript.segment.playFailed');
    return false;
  }
}
