import { can, type JoinReply, type ReplyData, type RequestName, type RequestPayload } from '@consult/shared';
import { useStore } from '../../store';
import { errorKey } from '../../i18n';
import { errorCodeOf } from '../../net/errors';
import { request } from '../../net/socket';

const store = () => useStore.getState();

/** Sends a request; on refusal shows why as a toast and returns null. */
async function act<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<ReplyData[N] | null> {
  try {
    return await request(name, payload);
  } catch (err) {
    store().pushToast(errorKey(errorCodeOf(err)));
    return null;
  }
}

/** After a (re)join: studios and attendee lists from the snapshot, then the stream (everyone) and the ingest points (moderators). */
export function onStudiosJoin(reply: JoinReply): void {
  store().applyStudiosJoin(reply);
  refreshStream();
  if (can(reply.self.role, 'consultation.moderate')) refreshIngests();
}

export function refreshStream(): void {
  request('stream.state', {})
    .then(({ stream }) => store().setStream(stream))
    .catch(() => undefined);
}

export function refreshIngests(): void {
  request('ingest.list', {})
    .then(({ ingests }) => store().setIngests(ingests))
    .catch(() => undefined);
}

/** One poll of the sites overview (moderators); a failure keeps the last one and marks it. */
export async function pollOverview(): Promise<void> {
  try {
    store().setOverview(await request('sites.overview', {}));
  } catch {
    store().setOverview(null, true);
  }
}

export async function createIngest(studioId: string): Promise<string | null> {
  const reply = await act('ingest.create', { studioId });
  if (!reply) return null;
  store().upsertIngest(reply.ingest);
  return reply.ingest.ingestId;
}

export async function setOnAir(ingestId: string, onAir: boolean): Promise<boolean> {
  const reply = await act('ingest.setOnAir', { ingestId, onAir });
  if (reply) store().upsertIngest(reply.ingest);
  return reply !== null;
}

export async function startStream(options: { rtmpUrl?: string; record: boolean }): Promise<boolean> {
  const reply = await act('stream.start', options);
  if (!reply) return false;
  store().setStream(reply.stream);
  store().pushToast('studios.stream.started');
  return true;
}

export async function stopStream(): Promise<boolean> {
  const reply = await act('stream.stop', {});
  if (!reply) return false;
  store().setStream(reply.stream);
  store().pushToast('studios.stream.stopped', { count: reply.recordings.length });
  return true;
}

/** Saves the studio's attendee list; resolves to the list the server kept (trimmed, blanks dropped), or null. */
export async function saveAttendees(names: string[]): Promise<string[] | null> {
  try {
    const reply = await request('studio.setAttendees', { names });
    const selfId = store().self?.id;
    if (selfId) store().setStudioAttendees(selfId, reply.names);
    return reply.names;
  } catch {
    return null;
  }
}
