import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MediaService } from '@consult/sfu';
import { ROLES } from '@consult/shared';
import type { ConsultationService } from '../log/ConsultationService.js';
import type { Presence } from '../signaling/Presence.js';

/** Prometheus text exposition of what an operator watches during a consultation. */
export class Metrics {
  private readonly loop: IntervalHistogram;

  constructor(
    private readonly consultations: ConsultationService,
    private readonly presence: Presence,
    private readonly media: MediaService,
  ) {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    const gauge = (name: string, help: string, samples: [labels: string, value: number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${Number.isFinite(value) ? value : 0}`);
    };
    const byRole = this.presence.countByRole();
    let producers = 0;
    let consumers = 0;
    let transports = 0;
    for (const room of this.media.allRooms()) {
      const c = room.counts();
      producers += c.producers;
      consumers += c.consumers;
      transports += c.transports;
    }
    const workers = await this.media.workers();
    gauge('consultation_consultations', 'Consultations loaded', [['', this.consultations.all().length]]);
    gauge('consultation_media_rooms', 'Consultations with an open media room', [['', this.media.allRooms().length]]);
    gauge(
      'consultation_participants',
      'Participants present, by role',
      ROLES.map((r) => [`{role="${r}"}`, byRole[r] ?? 0]),
    );
    gauge('consultation_transports', 'WebRTC transports open', [['', transports]]);
    gauge('consultation_producers', 'Media producers open', [['', producers]]);
    gauge('consultation_consumers', 'Media consumers open', [['', consumers]]);
    gauge('consultation_media_routers', 'mediasoup routers in use (a large consultation spans several workers by pipeToRouter)', [
      ['', this.media.allRooms().reduce((n, room) => n + room.routers().length, 0)],
    ]);
    const states = this.consultations.all();
    gauge('consultation_speeches_on_floor', 'Consultations with someone holding the floor', [['', states.filter((st) => st.floor.speech !== null).length]]);
    gauge('consultation_queue_entries', 'Requests waiting in the current speaking queues', [
      ['', states.reduce((n, st) => n + (st.floor.queues[st.floor.agendaItemId]?.length ?? 0), 0)],
    ]);
    gauge('consultation_motions_open', 'Motions open for voting', [
      ['', states.reduce((n, st) => n + Object.values(st.motions).filter((m) => m.status === 'open').length, 0)],
    ]);
    gauge('consultation_transcript_segments', 'Final transcript segments stored', [['', states.reduce((n, st) => n + st.transcript.segments.length, 0)]]);
    gauge('mediasoup_workers', 'mediasoup workers running', [['', workers.length]]);
    gauge(
      'mediasoup_worker_cpu_seconds',
      'CPU seconds used by each mediasoup worker',
      workers.map((w) => [`{pid="${w.pid}"}`, w.cpuSeconds]),
    );
    gauge(
      'mediasoup_worker_max_rss_megabytes',
      'Peak RSS of each mediasoup worker',
      workers.map((w) => [`{pid="${w.pid}"}`, w.maxRssMb]),
    );
    gauge('nodejs_eventloop_lag_seconds', 'Event-loop delay since the last scrape', [
      ['{quantile="0.5"}', this.loop.percentile(50) / 1e9],
      ['{quantile="0.99"}', this.loop.percentile(99) / 1e9],
      ['{quantile="1"}', this.loop.max / 1e9],
    ]);
    gauge('process_resident_memory_bytes', 'Server process RSS', [['', process.memoryUsage().rss]]);
    this.loop.reset();
    return lines.join('\n') + '\n';
  }

  close(): void {
    this.loop.disable();
  }
}
