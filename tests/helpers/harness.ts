import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, CreateConsultationBody, PresenceChange, RequestName, ReplyData, ServerToClientEvents } from '@consult/shared';
import { buildApp, type App } from '../../server/src/app.js';
import { loadConfig, type ServerConfig } from '../../server/src/config.js';
import type { Transcriber } from '../../server/src/features/transcript/asr/types.js';
import { floorView, speechReport } from '../../server/src/domain/floor.js';

export const ADMIN_TOKEN = 'test-admin-token';
export const E2E_CLIENT_DIR = fileURLToPath(new URL('../../client/dist-e2e', import.meta.url));
export type StoreKind = 'file' | 'redis';
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const redisUrl = process.env.TEST_REDIS_URL;

/** The stores to run a suite against: always the file store, Redis when the test command started one. */
export const STORES: StoreKind[] = redisUrl ? ['file', 'redis'] : ['file'];

export function tempDir(prefix = 'consult-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function flushRedis(): Promise<void> {
  if (!redisUrl) return;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  await redis.quit();
}

export interface Harness {
  app: App;
  url: string;
  config: ServerConfig;
  close: () => Promise<void>;
}

/** Starts the real server (real mediasoup, real store) on a free port. */
export async function startServer(
  options: { store?: StoreKind; dataDir?: string; env?: Record<string, string>; clock?: () => number; transcriber?: Transcriber } = {},
): Promise<Harness> {
  const store = options.store ?? 'file';
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    DATA_DIR: options.dataDir ?? tempDir(),
    MEDIASOUP_WORKERS: '1',
    RTC_LISTEN_IP: '127.0.0.1',
    RECONNECT_GRACE_MS: '1500',
    LOG_LEVEL: 'warn',
    // Every test client connects from 127.0.0.1.
    HANDSHAKES_PER_ADDRESS: '1000000',
    // The client built for browser tests (with window.__consultation; the production build has none).
    CLIENT_DIR: E2E_CLIENT_DIR,
    ...(store === 'redis' ? { REDIS_URL: redisUrl! } : {}),
    ...options.env,
  });
  const app = await buildApp(config, {
    logger: pino({ level: 'warn' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.transcriber ? { transcriber: options.transcriber } : {}),
  });
  const address = await app.listen();
  return { app, url: address, config, close: () => app.close() };
}

export const SAMPLE: CreateConsultationBody = {
  title: '测试协商会',
  language: 'zh',
  agenda: [{ title: '议题一' }],
  sites: [
    { id: 'city', name: '市本级' },
    { id: 'lake', name: '湖滨县' },
  ],
  participants: [
    { name: '主持人', role: 'moderator', siteId: 'city' },
    { name: '委员甲', role: 'member', siteId: 'city' },
    { name: '委员乙', role: 'member', siteId: 'lake' },
    { name: '工作室', role: 'studio', siteId: 'lake' },
    { name: '记录员', role: 'clerk', siteId: 'city' },
    { name: '观众', role: 'observer', siteId: 'city' },
  ],
};

export interface CreatedConsultation {
  id: string;
  title: string;
  participants: { id: string; name: string; role: string; siteId: string; joinUrl: string }[];
}

export async function createConsultation(url: string, body: unknown = SAMPLE): Promise<CreatedConsultation> {
  const res = await fetch(`${url}/api/consultations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedConsultation;
}

export function tokenOf(joinUrl: string): string {
  return new URL(joinUrl, 'http://x').searchParams.get('token')!;
}

export function tokenFor(created: CreatedConsultation, name: string): string {
  const p = created.participants.find((x) => x.name === name);
  if (!p) throw new Error(`no participant ${name}`);
  return tokenOf(p.joinUrl);
}

/** A socket.io client speaking the typed protocol; the server admits a handshake that carries a genuine join link's token. */
export async function openSocket(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, query: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export function request<N extends RequestName>(socket: ClientSocket, name: N, payload: unknown): Promise<Ack<ReplyData[N]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ack within 10 s`)), 10_000);
    (socket.emit as (n: string, p: unknown, ack: (r: Ack<ReplyData[N]>) => void) => void)(name, payload, (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** Resolves data or throws with the error code in the message. */
export async function ok<N extends RequestName>(socket: ClientSocket, name: N, payload: unknown): Promise<ReplyData[N]> {
  const reply = await request(socket, name, payload);
  if (!reply.ok) throw new Error(`${name} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    (socket.once as (e: string, l: (p: unknown) => void) => void)(event, (payload) => {
      clearTimeout(timer);
      resolve(payload as Parameters<ServerToClientEvents[E]>[0]);
    });
  });
}

/** Waits for a presence batch holding a change that matches. */
export function nextPresence(socket: ClientSocket, match: (change: PresenceChange) => boolean, timeoutMs = 5000): Promise<PresenceChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('presence.changed', onBatch);
      reject(new Error(`no matching presence change within ${timeoutMs} ms`));
    }, timeoutMs);
    const onBatch = ({ changes }: { changes: PresenceChange[] }) => {
      const found = changes.find(match);
      if (!found) return;
      clearTimeout(timer);
      socket.off('presence.changed', onBatch);
      resolve(found);
    };
    socket.on('presence.changed', onBatch);
  });
}

export async function joinAs(url: string, token: string) {
  const socket = await openSocket(url, token);
  const snapshot = await ok(socket, 'session.join', { token });
  return { socket, snapshot };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The floor as everyone sees it now. */
export function floorOf(app: App, consultationId: string) {
  return floorView(app.consultations.get(consultationId)!.floor);
}

/** The speaking record now. */
export function reportOf(app: App, consultationId: string) {
  const state = app.consultations.get(consultationId)!;
  return speechReport(state.consultation, state.floor, Date.now());
}
