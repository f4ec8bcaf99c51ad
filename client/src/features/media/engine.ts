import { Device } from 'mediasoup-client';
import type { types as ms } from 'mediasoup-client';
import { spatialLayerForHeight, type JoinReply, type MediaSource, type ProducerInfo } from '@consult/shared';
import { useStore } from '../../store';
import { errorKey } from '../../i18n';
import { isConnected, request } from '../../net/socket';
import { RequestError, errorCodeOf, type AppErrorCode } from '../../net/errors';
import { selectMayOpenMic } from '../floor/slice';
import { getLocalTrack, localMediaSettled } from './localMedia';
import { selectFeaturedId, selectVideoSource } from './slice';
import { registerTrack, unregisterTrack } from './tracks';
import { openTransport } from './transport';
import { STUDIO_CODEC_OPTIONS, STUDIO_ENCODINGS, usesStudioProfile } from '../studios/profile';

/**
 * The mediasoup-client side of the consultation: the Device, the two transports,
 * our producers and the consumers of everyone else. These objects live here, never
 * in the store; the store only learns their ids.
 *
 * Every (re)build starts a new generation; async steps that finish after a newer
 * generation began drop their result instead of mixing old and new transports.
 */

/** Three VP8 simulcast layers from one 540p capture: 135p, 270p, 540p. */
const CAMERA_ENCODINGS: ms.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 120_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
];

/** How long a transport may stay 'disconnected' before we restart ICE. */
const ICE_GRACE_MS = 3000;
/** Ceiling of the back-off between restarts of a transport that keeps failing. */
const ICE_MAX_BACKOFF_MS = 30_000;

/** Main view gets the top layer, grid tiles the lowest. */
const LAYER_FEATURED = 2;
const LAYER_TILE = 0;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

let generation = 0;
let device: Device | null = null;
let mayPublish: JoinReply['mayPublish'] = { audio: false, video: false };
const transports: { recv: ms.Transport | null; send: ms.Transport | null } = { recv: null, send: null };
/** Resolves to this generation's receive transport, or null if the generation ends first. */
let recvReady = deferred<ms.Transport | null>();
const consumers = new Map<string, ms.Consumer>();
const consumerIdByProducer = new Map<string, string>();
/** Producers being consumed right now, with the generation that started it. */
const pendingConsumes = new Map<string, number>();
const producers = new Map<MediaSource, ms.Producer>();
const iceTimers = new Map<string, number>();
const iceRestarting = new Set<string>();
/** Consecutive ICE restarts per transport without reaching 'connected'. */
const iceAttempts = new Map<string, number>();
/** The spatial layer last asked for, per consumer, so a layer is sent only when it changes. */
const sentLayers = new Map<string, number>();

const store = () => useStore.getState();
const isStale = (gen: number) => gen !== generation;

/**
 * Builds all media for a (re)join reply: a new Device loaded with the router's
 * capabilities, then transports, consumers of the producers in the store and our
 * own producers. Failures are shown as a toast; the room stays usable.
 */
export async function startMedia(reply: JoinReply): Promise<void> {
  const gen = teardown();
  mayPublish = reply.mayPublish;
  try {
    const fresh = new Device();
    // The contract types the capabilities as unknown: they are mediasoup's, passed through unchanged.
    await fresh.load({ routerRtpCapabilities: reply.routerRtpCapabilities as ms.RtpCapabilities });
    if (isStale(gen)) return;
    device = fresh;
    await build(gen);
  } catch (err) {
    reportFailure(err, gen);
  }
}

/**
 * Rebuilds transports, consumers and producers on the loaded Device, after the
 * server lost its media room (`media.reset`).
 */
export async function rebuildMedia(): Promise<void> {
  if (!device) return;
  const gen = teardown();
  try {
    await build(gen);
  } catch (err) {
    reportFailure(err, gen);
  }
}

/**
 * Publishes local tracks that have no producer yet (the camera or microphone allowed in the
 * room after the browser first refused them), creating the send transport if there was none.
 */
export async function publishLocalTracks(): Promise<void> {
  const gen = generation;
  if (!device || !transports.recv || (!mayPublish.audio && !mayPublish.video)) return;
  try {
    if (!transports.send && !(await createTransport('send', gen))) return;
    for (const source of ['mic', 'camera'] as const) if (!producers.has(source)) await publish(source, gen);
  } catch (err) {
    reportFailure(err, gen);
  }
}

/** Closes every transport and forgets the Device (leaving the consultation). */
export function stopMedia(): void {
  teardown();
  device = null;
}

/**
 * Receives one remote producer: server-side consumer, local consumer, track in the
 * registry, consumer id in the store, then resume. Idempotent per producer.
 */
export async function consumeProducer(info: ProducerInfo): Promise<void> {
  const { producerId } = info;
  if (info.participantId === store().self?.id) return;
  if (consumerIdByProducer.has(producerId) || pendingConsumes.get(producerId) === generation) return;
  const gen = generation;
  pendingConsumes.set(producerId, gen);
  try {
    const transport = await recvReady.promise;
    if (!transport || isStale(gen)) return;
    const reply = await request('media.consume', { producerId });
    if (isStale(gen)) return;
    const consumer = await transport.consume({
      id: reply.id,
      producerId: reply.producerId,
      kind: reply.kind,
      rtpParameters: reply.rtpParameters as ms.RtpParameters,
      // One stream id per participant lets the browser lip-sync their audio and video.
      streamId: reply.participantId,
      appData: { participantId: reply.participantId, source: reply.source },
    });
    if (isStale(gen)) {
      consumer.close();
      return;
    }
    consumers.set(consumer.id, consumer);
    consumerIdByProducer.set(producerId, consumer.id);
    registerTrack(consumer.id, consumer.track);
    consumer.on('transportclose', () => closeConsumer(consumer.id));
    consumer.on('trackended', () => closeConsumer(consumer.id));
    const known = store().remoteProducers[producerId] ?? info;
    store().upsertRemoteProducer({ ...known, paused: reply.producerPaused });
    store().setConsumer(reply.participantId, reply.source, consumer.id);
    await request('media.resumeConsumer', { consumerId: consumer.id });
    if (reply.kind === 'video') {
      syncConsumerLayers();
      syncConsumerVisibility();
    }
  } catch (err) {
    if (isStale(gen)) return;
    if (err instanceof RequestError && err.code === 'NOT_FOUND') {
      // Closed before we got to it: nothing to show.
      store().removeRemoteProducer(producerId);
    } else {
      console.warn('could not consume producer', producerId, err);
    }
  } finally {
    if (pendingConsumes.get(producerId) === gen) pendingConsumes.delete(producerId);
  }
}

/** Closes the consumer of a producer that went away. */
export function closeConsumerOfProducer(producerId: string): void {
  const consumerId = consumerIdByProducer.get(producerId);
  if (consumerId) closeConsumer(consumerId);
}

/** Closes a consumer and drops its track from the registry and its id from the store. */
export function closeConsumer(consumerId: string): void {
  const consumer = consumers.get(consumerId);
  if (consumer) {
    consumers.delete(consumerId);
    consumerIdByProducer.delete(consumer.producerId);
    if (!consumer.closed) consumer.close();
  }
  sentLayers.delete(consumerId);
  pausedOffscreen.delete(consumerId);
  unregisterTrack(consumerId);
  store().removeConsumer(consumerId);
}

/** Closes the consumers of a participant who left, but not of a studio's broadcast feed (which outlives its page). */
export function closeParticipantConsumers(participantId: string): void {
  for (const consumer of [...consumers.values()]) {
    if (consumer.appData.participantId === participantId && !String(consumer.appData.source).startsWith('ingest')) closeConsumer(consumer.id);
  }
}

/**
 * Turns the microphone or camera on or off. Turning off is applied locally at once
 * (privacy first) and then reported; turning on waits for the server's consent.
 * A member's microphone opens only with the floor (the server refuses with NO_FLOOR).
 * Returns the refusal's code, or null; a refusal is shown as a toast unless `quiet`.
 */
export async function setSourceEnabled(source: MediaSource, on: boolean, options: { quiet?: boolean } = {}): Promise<AppErrorCode | null> {
  const flag = (value: boolean) => (source === 'mic' ? { micOn: value } : { camOn: value });
  const refuse = (code: AppErrorCode) => {
    if (!options.quiet) store().pushToast(code === 'FORBIDDEN' ? (source === 'mic' ? 'toast.micForbidden' : 'toast.camForbidden') : errorKey(code));
    return code;
  };
  if (on && source === 'mic' && !selectMayOpenMic(store())) return refuse('NO_FLOOR');
  const producer = producers.get(source);
  if (!producer || producer.closed) {
    // Not published (yet): remembered and applied when the producer is created.
    store().setLocal(flag(on));
    return null;
  }
  try {
    if (on) {
      await request('media.resumeProducer', { producerId: producer.id });
      producer.resume();
      store().setLocal(flag(true));
    } else {
      producer.pause();
      store().setLocal(flag(false));
      await request('media.pauseProducer', { producerId: producer.id });
    }
    return null;
  } catch (err) {
    return refuse(errorCodeOf(err));
  }
}

/** Mirrors a pause of one of our producers decided by the server (e.g. the moderator muting us). */
export function applyOwnProducerUpdate(info: ProducerInfo): void {
  const producer = producers.get(info.source);
  if (!producer || producer.id !== info.producerId || !info.paused || producer.paused) return;
  producer.pause();
  store().setLocal(info.source === 'mic' ? { micOn: false } : { camOn: false });
}

/** Rendered height (device pixels) of each participant's tile, measured by the tile itself. */
const tileHeights = new Map<string, number>();

/** A tile reports its rendered size; the layer follows it (a big grid tile gets more than a thumbnail). */
export function reportTileHeight(participantId: string, devicePixels: number | null): void {
  if (devicePixels === null) tileHeights.delete(participantId);
  else tileHeights.set(participantId, devicePixels);
  syncConsumerLayers();
}

/**
 * Asks for the simulcast layer each video consumer needs, chosen by how large its tile
 * is drawn (spatialLayerForHeight); until a tile has been measured, the top layer for the
 * main view and the lowest for grid tiles. Only changes are sent.
 */
export function syncConsumerLayers(): void {
  const state = store();
  const featured = selectFeaturedId(state);
  for (const [participantId, bySource] of Object.entries(state.consumerIds)) {
    const consumerId = bySource.camera;
    if (!consumerId || !consumers.has(consumerId)) continue;
    const height = tileHeights.get(participantId);
    // A studio whose RTMP feed is shown in place of its camera: the camera is not drawn, keep it at the lowest layer.
    const hidden = selectVideoSource(state, participantId) !== 'camera';
    const layer = hidden ? LAYER_TILE : height !== undefined ? spatialLayerForHeight(height) : participantId === featured ? LAYER_FEATURED : LAYER_TILE;
    if (sentLayers.get(consumerId) === layer) continue;
    sentLayers.set(consumerId, layer);
    request('media.setConsumerLayers', { consumerId, spatialLayer: layer }).catch(() => {
      // Forget it so that the next sync tries again.
      if (sentLayers.get(consumerId) === layer) sentLayers.delete(consumerId);
    });
  }
}

/**
 * Whether each participant's tiles are on screen, per tile. A video that no tile shows (the grid of a
 * large consultation scrolled away) is paused on the SFU, so it costs neither the network nor the
 * decoder; it resumes, from a fresh key frame, as soon as a tile shows it again.
 */
const tileVisibility = new Map<string, Map<object, boolean>>();
/** Since when all of a participant's tiles have been off screen. */
const hiddenSince = new Map<string, number>();
/** Video consumers this client paused because nothing shows them. */
const pausedOffscreen = new Set<string>();
/** A video must stay out of sight this long before it is paused: scrolling past does not churn. */
const PAUSE_OFFSCREEN_AFTER_MS = 1000;
let visibilityTimer: number | undefined;

/** A tile reports whether it is on screen; `null` when it unmounts. */
export function reportTileVisible(participantId: string, tile: object, visible: boolean | null): void {
  const tiles = tileVisibility.get(participantId) ?? new Map<object, boolean>();
  if (visible === null) tiles.delete(tile);
  else tiles.set(tile, visible);
  if (tiles.size === 0) tileVisibility.delete(participantId);
  else tileVisibility.set(participantId, tiles);
  // No tile mounted: not ours to judge (another view may show them).
  const offscreen = tiles.size > 0 && [...tiles.values()].every((v) => !v);
  if (!offscreen) hiddenSince.delete(participantId);
  else if (!hiddenSince.has(participantId)) hiddenSince.set(participantId, Date.now());
  scheduleVisibilitySync(offscreen ? PAUSE_OFFSCREEN_AFTER_MS : 150);
}

function scheduleVisibilitySync(delayMs: number): void {
  window.clearTimeout(visibilityTimer);
  visibilityTimer = window.setTimeout(syncConsumerVisibility, delayMs);
}

/** Pauses the video of participants no tile shows (for long enough) and resumes the rest. */
export function syncConsumerVisibility(): void {
  const now = Date.now();
  let pending = false;
  for (const consumer of consumers.values()) {
    if (consumer.kind !== 'video' || consumer.closed) continue;
    const participantId = String(consumer.appData.participantId);
    const since = hiddenSince.get(participantId);
    const hide = since !== undefined && now - since >= PAUSE_OFFSCREEN_AFTER_MS;
    if (since !== undefined && !hide) pending = true;
    const paused = pausedOffscreen.has(consumer.id);
    if (hide === paused) continue;
    const consumerId = consumer.id;
    if (hide) {
      pausedOffscreen.add(consumerId);
      request('media.pauseConsumer', { consumerId }).catch(() => pausedOffscreen.delete(consumerId));
    } else {
      pausedOffscreen.delete(consumerId);
      request('media.resumeConsumer', { consumerId }).catch(() => {
        // Try again at the next sync.
        if (consumers.has(consumerId)) pausedOffscreen.add(consumerId);
      });
    }
  }
  if (pending) scheduleVisibilitySync(PAUSE_OFFSCREEN_AFTER_MS);
}

/** A serialisable copy of both transports' WebRTC stats (for browser tests and diagnostics). */
export async function transportStats(): Promise<{ recv: unknown[]; send: unknown[] }> {
  const entries = async (transport: ms.Transport | null): Promise<unknown[]> => {
    if (!transport || transport.closed) return [];
    const report = await transport.getStats();
    return Array.from(report.values(), (entry: RTCStats) => ({ ...entry }));
  };
  const [recv, send] = await Promise.all([entries(transports.recv), entries(transports.send)]);
  return { recv, send };
}

/** Starts a new generation: closes transports (and with them every producer and consumer). */
function teardown(): number {
  generation++;
  recvReady.resolve(null);
  recvReady = deferred();
  for (const timer of iceTimers.values()) window.clearTimeout(timer);
  iceTimers.clear();
  iceRestarting.clear();
  iceAttempts.clear();
  for (const consumerId of consumers.keys()) unregisterTrack(consumerId);
  consumers.clear();
  consumerIdByProducer.clear();
  pendingConsumes.clear();
  sentLayers.clear();
  pausedOffscreen.clear();
  producers.clear();
  transports.recv?.close();
  transports.send?.close();
  transports.recv = null;
  transports.send = null;
  useStore.setState({ consumerIds: {}, ownProducerIds: {} });
  return generation;
}

/** The part of a (re)build that follows a loaded Device. */
async function build(gen: number): Promise<void> {
  if (!device) return;
  const caps = device.recvRtpCapabilities;
  await request('media.setCapabilities', { rtpCapabilities: { ...caps, codecs: caps.codecs ?? [] } });
  if (isStale(gen)) return;

  const recv = await createTransport('recv', gen);
  if (!recv) return;
  recvReady.resolve(recv);
  for (const producer of Object.values(store().remoteProducers)) void consumeProducer(producer);

  if (!mayPublish.audio && !mayPublish.video) return;
  // If the permission prompt is still open, publish what the user allows rather than nothing.
  await localMediaSettled();
  if (isStale(gen) || (!getLocalTrack('mic') && !getLocalTrack('camera'))) return;
  const send = await createTransport('send', gen);
  if (!send) return;
  await publish('mic', gen);
  await publish('camera', gen);
}

async function createTransport(direction: 'send' | 'recv', gen: number): Promise<ms.Transport | null> {
  const info = await request('media.createTransport', { direction });
  if (isStale(gen) || !device) return null;
  const transport = openTransport(device, direction, info, request);
  transports[direction] = transport;
  transport.on('connectionstatechange', (state) => watchConnection(transport, state));
  return transport;
}

/** Publishes the local track of a source, paused if the user has switched it off. */
async function publish(source: MediaSource, gen: number): Promise<void> {
  const send = transports.send;
  const track = getLocalTrack(source);
  const allowed = source === 'mic' ? mayPublish.audio : mayPublish.video;
  if (!send || !track || track.readyState === 'ended' || !allowed) return;
  const paused = wantsPaused(source);
  try {
    const producer = await send.produce({
      track,
      // The same track survives rebuilds and feeds the self preview: we stop it ourselves.
      stopTracks: false,
      appData: { source, paused },
      ...(source !== 'camera'
        ? { codecOptions: { opusFec: true } }
        : usesStudioProfile(store().self?.role)
          ? { encodings: STUDIO_ENCODINGS, codec: vp8Codec(), codecOptions: STUDIO_CODEC_OPTIONS }
          : { encodings: CAMERA_ENCODINGS, codec: vp8Codec() }),
    });
    if (isStale(gen)) {
      producer.close();
      return;
    }
    // The server created it paused already (`paused` in media.produce); this stops sending locally too.
    if (paused) producer.pause();
    producers.set(source, producer);
    store().setOwnProducer(source, producer.id);
    producer.on('trackended', () => void unpublish(source, producer));
    // The floor may have moved while the producer was being created (a grant just after a rejoin
    // finds the microphone half published): follow what is wanted now, not what was wanted then.
    if (wantsPaused(source) !== paused) await setSourceEnabled(source, paused, { quiet: true });
  } catch (err) {
    reportFailure(err, gen);
  }
}

/** Whether a source should be sent paused now: switched off, or a member's microphone without the floor. */
function wantsPaused(source: MediaSource): boolean {
  // A member's microphone is published paused until they have the floor (the server keeps it paused anyway).
  return source === 'mic' ? !store().local.micOn || !selectMayOpenMic(store()) : !store().local.camOn;
}

/** Withdraws a producer whose device disappeared. */
async function unpublish(source: MediaSource, producer: ms.Producer): Promise<void> {
  if (producers.get(source) !== producer) return;
  producers.delete(source);
  producer.close();
  store().setOwnProducer(source, null);
  await request('media.closeProducer', { producerId: producer.id }).catch(() => {
    // The server also closes it with the transport; nothing more to do.
  });
}

/** The router's VP8 codec, so the camera simulcasts in VP8 whatever the browser prefers. */
function vp8Codec(): ms.RtpCodecCapability | undefined {
  return device?.recvRtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
}

/** Restarts ICE at once on 'failed', or after a grace period on 'disconnected'. */
function watchConnection(transport: ms.Transport, state: ms.ConnectionState): void {
  const timer = iceTimers.get(transport.id);
  if (timer !== undefined) window.clearTimeout(timer);
  iceTimers.delete(transport.id);
  if (state === 'connected') iceAttempts.delete(transport.id);
  else if (state === 'failed') void restartIce(transport);
  else if (state === 'disconnected') scheduleIceCheck(transport, ICE_GRACE_MS);
}

function scheduleIceCheck(transport: ms.Transport, delay: number): void {
  iceTimers.set(
    transport.id,
    window.setTimeout(() => {
      iceTimers.delete(transport.id);
      const state = transport.connectionState;
      if (!transport.closed && (state === 'failed' || state === 'disconnected')) void restartIce(transport);
    }, delay),
  );
}

async function restartIce(transport: ms.Transport): Promise<void> {
  // Without signalling there is nothing to do: the socket's reconnect rebuilds everything.
  if (transport.closed || !isConnected() || iceRestarting.has(transport.id)) return;
  iceRestarting.add(transport.id);
  const attempts = (iceAttempts.get(transport.id) ?? 0) + 1;
  iceAttempts.set(transport.id, attempts);
  try {
    const { iceParameters } = await request('media.restartIce', { transportId: transport.id });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- it may close while the request is under way
    if (!transport.closed) await transport.restartIce({ iceParameters: iceParameters as ms.IceParameters });
  } catch (err) {
    console.warn('ICE restart failed', transport.id, err);
  } finally {
    iceRestarting.delete(transport.id);
  }
  // A restart that fails again from 'failed' raises no new state event: check back, less and less often.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- it may have closed meanwhile
  if (!transport.closed) scheduleIceCheck(transport, Math.min(ICE_GRACE_MS * 2 ** attempts, ICE_MAX_BACKOFF_MS));
}

function reportFailure(err: unknown, gen: number): void {
  if (isStale(gen)) return;
  console.warn('media setup failed', err);
  if (err instanceof Error && err.name === 'UnsupportedError') store().pushToast(errorKey('UNSUPPORTED'));
  else if (err instanceof RequestError) store().pushToast(errorKey(err.code));
  else store().pushToast('toast.mediaFailed');
}
