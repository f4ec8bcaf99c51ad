import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MediaConfig } from '@consult/sfu';

export interface ServerConfig {
  port: number;
  host: string;
  /** Base URL put in front of join links; relative links when unset. */
  publicUrl: string | undefined;
  adminToken: string;
  /** Secret for join-link signatures; persisted under dataDir when not given. */
  tokenSecret: string | undefined;
  tokenTtlSeconds: number;
  dataDir: string;
  redisUrl: string | undefined;
  /** How long a dropped participant keeps their place before they count as gone. */
  reconnectGraceMs: number;
  tls: { certFile: string; keyFile: string } | undefined;
  /** Behind a reverse proxy that terminates TLS (X-Forwarded-* are trusted). */
  trustProxy: boolean;
  clientDir: string;
  logLevel: string;
  media: MediaConfig;
  /** RTMP ingest points listen on ports from this range (0: any free port, for tests). */
  ingest: {
    portMin: number;
    portMax: number;
    host: string;
    /** The host name studios' encoders reach the server by (RTMP and WHIP addresses); else PUBLIC_URL's, else the page's. */
    publicHost: string | undefined;
  };
  /** socket.io handshakes one address may start per 10 s (members behind one county NAT share an address). */
  handshakesPerAddress: number;
}

const int = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
};

/** Reads the configuration from the environment; every value has a safe demo default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const certFile = env.TLS_CERT_FILE;
  const keyFile = env.TLS_KEY_FILE;
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be given together');
  const rtcMinPort = int(env.RTC_MIN_PORT, 40000, 'RTC_MIN_PORT');
  const rtcMaxPort = int(env.RTC_MAX_PORT, 40999, 'RTC_MAX_PORT');
  if (rtcMaxPort <= rtcMinPort) throw new Error('RTC_MAX_PORT must be greater than RTC_MIN_PORT');
  return {
    port: int(env.PORT, 3000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    adminToken: env.ADMIN_TOKEN || 'demo-admin-token',
    tokenSecret: env.TOKEN_SECRET || undefined,
    tokenTtlSeconds: int(env.TOKEN_TTL_SECONDS, 14 * 24 * 3600, 'TOKEN_TTL_SECONDS'),
    dataDir: path.resolve(env.DATA_DIR || path.join(root, 'data')),
    redisUrl: env.REDIS_URL || undefined,
    reconnectGraceMs: int(env.RECONNECT_GRACE_MS, 30_000, 'RECONNECT_GRACE_MS'),
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    clientDir: path.resolve(env.CLIENT_DIR || path.join(root, 'client', 'dist')),
    logLevel: env.LOG_LEVEL || 'info',
    handshakesPerAddress: int(env.HANDSHAKES_PER_ADDRESS, 600, 'HANDSHAKES_PER_ADDRESS') || 600,
    ingest: {
      portMin: int(env.INGEST_PORT_MIN, 1935, 'INGEST_PORT_MIN'),
      portMax: int(env.INGEST_PORT_MAX, 1954, 'INGEST_PORT_MAX'),
      host: env.INGEST_HOST || '0.0.0.0',
      publicHost: env.INGEST_PUBLIC_HOST || undefined,
    },
    media: {
      numWorkers: int(env.MEDIASOUP_WORKERS, cpus().length, 'MEDIASOUP_WORKERS') || 1,
      rtcMinPort,
      rtcMaxPort,
      listenIp: env.RTC_LISTEN_IP || '0.0.0.0',
      announcedIp: env.RTC_ANNOUNCED_IP || (env.RTC_LISTEN_IP && env.RTC_LISTEN_IP !== '0.0.0.0' ? undefined : '127.0.0.1'),
      enableTcp: env.RTC_ENABLE_TCP !== '0',
      initialOutgoingBitrate: int(env.RTC_INITIAL_BITRATE, 1_000_000, 'RTC_INITIAL_BITRATE'),
      maxIncomingBitrate: int(env.RTC_MAX_INCOMING_BITRATE, 2_500_000, 'RTC_MAX_INCOMING_BITRATE'),
      logLevel: 'warn',
      consumersPerRouter: int(env.MEDIA_CONSUMERS_PER_ROUTER, 500, 'MEDIA_CONSUMERS_PER_ROUTER') || 500,
      idleCloseMs: int(env.MEDIA_ROOM_IDLE_MS, 300_000, 'MEDIA_ROOM_IDLE_MS'),
    },
  };
}
