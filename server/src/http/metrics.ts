import type { MediaService } from '@consult/sfu';
import { ROLES } from '@consult/shared';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConsultationService } from '../log/ConsultationService.js';
import type { Presence } from '../signaling/Presence.js';
import type { EventBus } from '../log/EventBus.js';
import type { BallotBoxes } from '../features/voting/BallotBoxes.js';
import type { StudioService } from '../features/studios/StudioService.js';

/**
 * What an operator watches during a consultation, in Prometheus's text format (prom-client): the
 * Node.js process's own metrics (CPU, memory, event-loop lag, GC) beside gauges of what is on now
 * and counters of what happened. One registry per server, so tests can run several.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Requests answered, by name and whether they succeeded. */
  readonly requests = new Counter({
    name: 'consultation_requests_total',
    help: 'Socket requests answered, by request and outcome',
    labelNames: ['request', 'outcome'] as const,
    registers: [],
  });
  /** Refusals and failures, by error code. */
  readonly errors = new Counter({
    name: 'consultation_errors_total',
    help: 'Requests answered with an error, by code',
    labelNames: ['code'] as const,
    registers: [],
  });
  readonly floorGrants = new Counter({ name: 'consultation_floor_grants_total', help: 'Times the floor was given', registers: [] });
  readonly ballots = new Counter({
    name: 'consultation_ballots_total',
    help: 'Ballots accepted (changes of vote included), by kind',
    labelNames: ['ballot'] as const,
    registers: [],
  });
  readonly ingest = new Counter({
    name: 'consultation_ingest_feeds_total',
    help: 'Studio feeds that went live or lost their signal',
    labelNames: ['outcome'] as const,
    registers: [],
  });
  readonly streams = new Counter({
    name: 'consultation_stream_encoders_total',
    help: 'Public stream encoders started, and those that failed',
    labelNames: ['outcome'] as const,
    registers: [],
  });
  readonly reconnects = new Counter({ name: 'consultation_reconnects_total', help: 'Participants who came back within their reconnect grace', registers: [] });

  constructor(consultations: ConsultationService, presence: Presence, media: MediaService) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
    // prom-client names three gauges like counters (…_total), which promtool rejects; libuv's handle counts are not what an operator watches here.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
    for (const metric of [this.requests, this.errors, this.floorGrants, this.ballots, this.ingest, this.streams, this.reconnects] as Counter[]) {
      registry.registerMetric(metric);
    }
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(value());
        },
      });
    const rooms = () => media.allRooms();
    const sum = (of: (room: ReturnType<typeof rooms>[number]) => number) => rooms().reduce((n, room) => n + of(room), 0);
    const states = () => consultations.all();
    gauge('consultation_consultations', 'Consultations loaded', () => states().length);
    gauge('consultation_media_rooms', 'Consultations with an open media room', () => rooms().length);
    gauge('consultation_transports', 'WebRTC and plain transports open', () => sum((r) => r.counts().transports));
    gauge('consultation_producers', 'Media producers open', () => sum((r) => r.counts().producers));
    gauge('consultation_consumers', 'Media consumers open', () => sum((r) => r.counts().consumers));
    gauge('consultation_media_routers', 'mediasoup routers in use (a large consultation spans several workers by pipeToRouter)', () =>
      sum((r) => r.routers().length),
    );
    gauge('consultation_speeches_on_floor', 'Consultations with someone holding the floor', () => states().filter((s) => s.floor.speech !== null).length);
    gauge('consultation_queue_entries', 'Requests waiting in the current speaking queues', () =>
      states().reduce((n, s) => n + (s.floor.queues[s.floor.agendaItemId]?.length ?? 0), 0),
    );
    gauge('consultation_motions_open', 'Motions open for voting', () =>
      states().reduce((n, s) => n + Object.values(s.motions).filter((m) => m.status === 'open').length, 0),
    );
    gauge('consultation_transcript_segments', 'Final transcript segments stored', () => states().reduce((n, s) => n + s.transcript.segments.length, 0));
    new Gauge({
      name: 'consultation_participants',
      help: 'Participants present, by role',
      labelNames: ['role'] as const,
      registers: [registry],
      collect() {
        const byRole = presence.countByRole();
        for (const role of ROLES) this.set({ role }, byRole[role] ?? 0);
      },
    });
    gauge('mediasoup_workers', 'mediasoup workers running', () => media.pool.size);
    // Worker resource usage is read once per scrape, for both metrics.
    let usage: Promise<Awaited<ReturnType<MediaService['workers']>>> | null = null;
    const workers = () => (usage ??= media.workers().finally(() => setTimeout(() => (usage = null), 0)));
    new Counter({
      name: 'mediasoup_worker_cpu_seconds_total',
      help: 'CPU seconds (user and system) used by each mediasoup worker',
      labelNames: ['pid'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of await workers()) this.inc({ pid: String(w.pid) }, w.cpuSeconds);
      },
    });
    new Gauge({
      name: 'mediasoup_worker_max_rss_bytes',
      help: 'Peak resident memory of each mediasoup worker',
      labelNames: ['pid'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of await workers()) this.set({ pid: String(w.pid) }, Math.round(w.maxRssMb * 1024 * 1024));
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.registry.clear();
  }
}

/** What the counters count from the log and the services: floor grants, ballots, feeds, encoders. */
export function countEvents(metrics: Metrics, sources: { bus: EventBus; ballots: BallotBoxes; studios: StudioService }): void {
  sources.bus.subscribe('metrics', ({ events }) => {
    for (const e of events) {
      if (e.type === 'floor.granted') metrics.floorGrants.inc();
      if (e.type === 'ballot.cast') metrics.ballots.inc({ ballot: 'named' });
    }
  });
  sources.ballots.on('accepted', () => metrics.ballots.inc({ ballot: 'secret' }));
  sources.studios.on('status', ({ status }) => {
    if (status === 'live' || status === 'signal-lost') metrics.ingest.inc({ outcome: status === 'live' ? 'live' : 'lost' });
  });
  sources.studios.on('encoder', ({ outcome }) => metrics.streams.inc({ outcome }));
}
