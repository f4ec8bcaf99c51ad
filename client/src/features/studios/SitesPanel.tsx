import { useEffect, useId, useMemo, useRef, useState, type SubmitEvent, type RefObject } from 'react';
import { ROLES, publishes, type IngestView, type Role, type SiteParticipantStatus } from '@consult/shared';
import { useStore } from '../../store';
import { roleKey, useT, type MessageKey } from '../../i18n';
import { Icon } from '../ui/Icon';
import { formatClock } from '../floor/format';
import { selectName } from '../floor/slice';
import { canChooseSpeaker } from '../media/localMedia';
import { getTrack } from '../media/tracks';
import { useTrackPlayback } from '../media/useTrackPlayback';
import { createIngest, pollOverview, setOnAir, startStream, stopStream } from './actions';
import { CopyField } from './CopyField';
import { selectStreamLive } from './slice';
import './studios.css';

/** How often the overview is fetched while it is on screen. */
const OVERVIEW_POLL_MS = 3000;

/** The tab's label: 会场, with a red dot while the public stream is live. */
export function SitesTabLabel() {
  const t = useT();
  const live = useStore(selectStreamLive);
  return (
    <>
      {t('studios.tab')}
      {live && (
        <span className="side__live" title={t('studios.tabLive')}>
          <span className="visually-hidden">{t('studios.tabLive')}</span>
        </span>
      )}
    </>
  );
}

/** The moderator's 会场 tab: the public stream, the studios' RTMP feeds, and every site at a glance. */
export function SitesPanel() {
  return (
    <div className="studios-panel" data-testid="sites-panel">
      <StreamSection />
      <IngestSection />
      <SitesOverview />
    </div>
  );
}

/* ---------- The public stream ---------- */

function StreamSection() {
  const t = useT();
  const stream = useStore((s) => s.studios.stream);
  const live = stream?.live === true;
  return (
    <section className="studios-section" aria-labelledby="studios-stream-title" data-testid="stream-section" data-live={live ? 'true' : 'false'}>
      <div className="studios-section__head">
        <h3 id="studios-stream-title" className="studios-section__title">
          {t('studios.stream.title')}
        </h3>
        {live && stream.encoder === 'restarting' && <span className="live-badge live-badge--small live-badge--down">{t('studios.stream.interrupted')}</span>}
        {live && stream.encoder !== 'restarting' && <span className="live-badge live-badge--small">{t('studios.stream.live')}</span>}
      </div>
      {live ? <LiveStream /> : <StartStreamForm />}
    </section>
  );
}

function StartStreamForm() {
  const t = useT();
  const [rtmpUrl, setRtmpUrl] = useState('');
  const [record, setRecord] = useState(true);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const urlId = useId();
  const hintId = useId();
  const invalid = rtmpUrl.trim() !== '' && !/^rtmps?:\/\/\S+$/.test(rtmpUrl.trim());

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setTouched(true);
    if (busy || invalid) return;
    setBusy(true);
    try {
      const url = rtmpUrl.trim();
      if (await startStream(url ? { rtmpUrl: url, record } : { record })) setRtmpUrl('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="studios-form" onSubmit={(event) => void submit(event)} noValidate>
      <p className="hint">{t('studios.stream.idle')}</p>
      <div className="field">
        <label className="field__label" htmlFor={urlId}>
          {t('studios.stream.rtmp')}
        </label>
        <input
          id={urlId}
          className="input"
          data-testid="stream-rtmp-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="rtmp://"
          value={rtmpUrl}
          maxLength={500}
          aria-invalid={touched && invalid}
          aria-describedby={hintId}
          onChange={(event) => setRtmpUrl(event.target.value)}
          onBlur={() => setTouched(true)}
        />
        <span id={hintId} className={touched && invalid ? 'hint hint--error' : 'hint'}>
          {t(touched && invalid ? 'studios.stream.rtmpInvalid' : 'studios.stream.rtmpHint')}
        </span>
      </div>
      <label className="check">
        <input type="checkbox" data-testid="stream-record" checked={record} onChange={(event) => setRecord(event.target.checked)} />
        <span>{t('studios.stream.record')}</span>
      </label>
      <button type="submit" className="btn btn--primary btn--block" data-testid="stream-start" disabled={busy} aria-busy={busy}>
        <Icon name="play" size={20} />
        {t(busy ? 'studios.stream.starting' : 'studios.stream.start')}
      </button>
    </form>
  );
}

function LiveStream() {
  const t = useT();
  const stream = useStore((s) => s.studios.stream)!;
  const showing = useStore((s) => (stream.videoOf ? selectName(s, stream.videoOf) : null));
  const [busy, setBusy] = useState(false);
  const now = useTicker(1000);
  const watchUrl = stream.watchUrl ? new URL(stream.watchUrl, window.location.origin).href : null;

  const stop = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await stopStream();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="studios-form" data-testid="stream-status" data-encoder={stream.encoder ?? ''}>
      {stream.encoder === 'restarting' && (
        <p className="note note--warn" role="alert" data-testid="stream-encoder-down">
          {t('studios.stream.interruptedHint', { count: stream.retries })}
        </p>
      )}
      {stream.encoder === 'starting' && <p className="note">{t('studios.stream.connecting')}</p>}
      <ul className="studios-facts">
        {stream.startedAt !== null && <li>{t('studios.stream.since', { time: formatClock(Math.max(0, now - stream.startedAt), 'down') })}</li>}
        <li>{showing ? t('studios.stream.showing', { name: showing }) : t('studios.stream.showingNone')}</li>
        {stream.recording && <li>{t('studios.stream.recording', { file: stream.recording })}</li>}
        {stream.rtmpPush && <li>{t('studios.stream.pushing')}</li>}
      </ul>
      {watchUrl && (
        <>
          <CopyField label={t('studios.stream.watchLink')} what={t('studios.stream.watchLinkWhat')} value={watchUrl} testId="stream-watch-url" />
          <a className="btn btn--small studios-link" href={watchUrl} target="_blank" rel="noopener noreferrer" data-testid="stream-watch-link">
            <Icon name="globe" size={18} />
            {t('studios.stream.open')}
          </a>
        </>
      )}
      <button type="button" className="btn btn--danger btn--block" data-testid="stream-stop" disabled={busy} aria-busy={busy} onClick={() => void stop()}>
        <Icon name="stop" size={20} />
        {t(busy ? 'studios.stream.stopping' : 'studios.stream.stop')}
      </button>
    </div>
  );
}

/** Local time, re-rendering every `ms` (the stream's duration; the server's clock is not needed for a minute count). */
function useTicker(ms: number): number {
  const offset = useStore((s) => s.clock.offsetMs);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now + offset;
}

/* ---------- Studio feeds (RTMP ingest) ---------- */

function IngestSection() {
  const t = useT();
  const studios = useStore((s) => s.studios.studios);
  const ingests = useStore((s) => s.studios.ingests);
  const list = useMemo(() => Object.values(ingests), [ingests]);
  const free = useMemo(() => studios.filter((studio) => !list.some((i) => i.studioId === studio.id)), [studios, list]);
  return (
    <section className="studios-section" aria-labelledby="studios-ingest-title" data-testid="ingest-section">
      <div className="studios-section__head">
        <h3 id="studios-ingest-title" className="studios-section__title">
          {t('studios.ingest.title')}
        </h3>
      </div>
      {studios.length === 0 ? (
        <p className="hint">{t('studios.ingest.noStudios')}</p>
      ) : (
        <>
          {list.length === 0 && <p className="hint">{t('studios.ingest.intro')}</p>}
          {list.map((ingest) => (
            <IngestCard key={ingest.ingestId} ingest={ingest} />
          ))}
          {free.length > 0 ? <CreateIngestForm studios={free} /> : <p className="hint">{t('studios.ingest.allCreated')}</p>}
        </>
      )}
    </section>
  );
}

function CreateIngestForm({ studios }: { studios: { id: string; name: string; siteId: string }[] }) {
  const t = useT();
  const sites = useStore((s) => s.consultation?.sites);
  const [studioId, setStudioId] = useState('');
  const [busy, setBusy] = useState(false);
  const selectId = useId();
  const chosen = studios.some((s) => s.id === studioId) ? studioId : (studios[0]?.id ?? '');

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy || !chosen) return;
    setBusy(true);
    try {
      await createIngest(chosen);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="studios-form ingest-create" onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label className="field__label" htmlFor={selectId}>
          {t('studios.ingest.studio')}
        </label>
        <select id={selectId} className="select" data-testid="ingest-create-studio" value={chosen} onChange={(event) => setStudioId(event.target.value)}>
          {studios.map((studio) => {
            const site = sites?.find((s) => s.id === studio.siteId)?.name;
            return (
              <option key={studio.id} value={studio.id}>
                {site ? `${studio.name}（${site}）` : studio.name}
              </option>
            );
          })}
        </select>
      </div>
      <button type="submit" className="btn btn--block" data-testid="ingest-create" disabled={busy || !chosen} aria-busy={busy}>
        <Icon name="plus" size={20} />
        {t(busy ? 'studios.ingest.creating' : 'studios.ingest.create')}
      </button>
    </form>
  );
}

const STATUS_KEY: Record<IngestView['status'], MessageKey> = {
  waiting: 'studios.ingest.status.waiting',
  live: 'studios.ingest.status.live',
  'signal-lost': 'studios.ingest.status.signal-lost',
};

function IngestCard({ ingest }: { ingest: IngestView }) {
  const t = useT();
  const name = useStore((s) => selectName(s, ingest.studioId) ?? s.studios.studios.find((studio) => studio.id === ingest.studioId)?.name ?? ingest.studioId);
  const [busy, setBusy] = useState(false);
  const { ingestId, onAir, status, via } = ingest;
  // Relative unless the server knows its public URL: resolved against the address this page came from, as the watch link is.
  const whipUrl = new URL(ingest.whipUrl, window.location.origin).href;
  const rtmpUrl = reachableRtmpUrl(ingest.url);
  // Putting a feed on air is for a signal that has been seen in the preview; taking it off is always possible.
  const mayPutOnAir = status === 'live';
  const titleId = useId();

  const toggle = async () => {
    if (busy || (!onAir && !mayPutOnAir)) return;
    setBusy(true);
    try {
      await setOnAir(ingestId, !onAir);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article
      className={`ingest ingest--${status}${onAir ? ' ingest--on-air' : ''}`}
      data-testid={`ingest-${ingestId}`}
      data-status={status}
      data-on-air={onAir ? 'true' : 'false'}
      aria-labelledby={titleId}
    >
      <div className="ingest__head">
        <h4 id={titleId} className="ingest__name">
          {name}
        </h4>
        <span className={`ingest-status ingest-status--${status}`} data-testid={`ingest-status-${ingestId}`}>
          <span className="ingest-status__dot" aria-hidden="true" />
          {t(STATUS_KEY[status])}
          {status === 'live' && via && <span className="ingest-status__via">{t(via === 'whip' ? 'studios.ingest.via.whip' : 'studios.ingest.via.rtmp')}</span>}
        </span>
        <span className={onAir ? 'air-badge air-badge--on' : 'air-badge'}>{t(onAir ? 'studios.ingest.onAir' : 'studios.ingest.offAir')}</span>
      </div>
      <fieldset className="ingest__protocol" data-testid={`ingest-rtmp-${ingestId}`}>
        <legend className="ingest__protocol-name">{t('studios.ingest.rtmp')}</legend>
        <CopyField label={t('studios.ingest.url')} what={t('studios.ingest.url')} value={rtmpUrl} testId={`ingest-url-${ingestId}`} />
        <CopyField label={t('studios.ingest.key')} what={t('studios.ingest.key')} value={ingest.key} testId={`ingest-key-${ingestId}`} secret />
      </fieldset>
      <fieldset className="ingest__protocol" data-testid={`ingest-whip-${ingestId}`}>
        <legend className="ingest__protocol-name">{t('studios.ingest.whip')}</legend>
        <CopyField label={t('studios.ingest.whipUrl')} what={t('studios.ingest.whipUrl')} value={whipUrl} testId={`ingest-whip-url-${ingestId}`} />
        <CopyField
          label={t('studios.ingest.whipToken')}
          what={t('studios.ingest.whipToken')}
          value={ingest.key}
          testId={`ingest-whip-token-${ingestId}`}
          secret
        />
        <p className="hint ingest__note">{t('studios.ingest.whipHint')}</p>
      </fieldset>
      {onAir ? <p className="hint ingest__note">{t('studios.ingest.onAirNote')}</p> : <IngestPreview ingest={ingest} />}
      <button
        type="button"
        className={onAir ? 'btn btn--block' : 'btn btn--primary btn--block'}
        data-testid={`ingest-onair-${ingestId}`}
        aria-pressed={onAir}
        aria-disabled={(!onAir && !mayPutOnAir) || busy}
        aria-busy={busy}
        title={t(onAir ? 'studios.ingest.takeOffAirHint' : 'studios.ingest.putOnAirHint')}
        onClick={() => void toggle()}
      >
        <Icon name={onAir ? 'stop' : 'play'} size={20} />
        {t(onAir ? 'studios.ingest.takeOffAir' : 'studios.ingest.putOnAir')}
      </button>
    </article>
  );
}

/** The feed as only the moderator receives it before air (cue): picture, and sound on demand. */
function IngestPreview({ ingest }: { ingest: IngestView }) {
  const t = useT();
  const videoId = useStore((s) => s.consumerIds[ingest.studioId]?.['ingest-video'] ?? null);
  const audioId = useStore((s) => s.consumerIds[ingest.studioId]?.['ingest-audio'] ?? null);
  const { ref, playing } = useTrackPlayback(videoId);
  const [listening, setListening] = useState(false);
  const hasVideo = playing && ingest.status === 'live';
  const message: MessageKey =
    ingest.status === 'waiting'
      ? 'studios.ingest.previewWaiting'
      : ingest.status === 'signal-lost'
        ? 'studios.ingest.previewLost'
        : 'studios.ingest.previewStarting';
  return (
    <figure className="ingest-preview" data-testid={`ingest-preview-${ingest.ingestId}`} data-has-video={hasVideo ? 'true' : 'false'}>
      <video ref={ref} className={hasVideo ? 'ingest-preview__video' : 'ingest-preview__video is-hidden'} autoPlay playsInline muted />
      {!hasVideo && <p className="ingest-preview__message">{t(message)}</p>}
      <figcaption className="ingest-preview__caption">{t('studios.ingest.preview')}</figcaption>
      {audioId && (
        <button type="button" className="ingest-preview__listen" aria-pressed={listening} onClick={() => setListening(!listening)}>
          <Icon name="speaker" size={16} />
          {t('studios.ingest.listen')}
        </button>
      )}
      {audioId && listening && <PreviewAudio consumerId={audioId} />}
    </figure>
  );
}

function PreviewAudio({ consumerId }: { consumerId: string }) {
  const ref = useRef<HTMLAudioElement>(null);
  const speakerId = useStore((s) => s.devices.speakerId);
  useEffect(() => {
    const audio = ref.current;
    const track = getTrack(consumerId);
    if (!audio || !track) return;
    audio.srcObject = new MediaStream([track]);
    audio.play().catch(() => undefined);
    return () => {
      audio.srcObject = null;
    };
  }, [consumerId]);
  useEffect(() => {
    if (canChooseSpeaker && ref.current) ref.current.setSinkId(speakerId ?? '').catch(() => undefined);
  }, [speakerId]);
  return <audio ref={ref} autoPlay />;
}

/* ---------- Every site at a glance ---------- */

/** Polls the overview every few seconds while it is actually on screen (its tab shown, the page visible). */
function useOverviewPolling(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    let last = 0;
    let wasShown = false;
    let busy = false;
    const shown = () => {
      const element = ref.current;
      if (!element || document.visibilityState !== 'visible') return false;
      return typeof element.checkVisibility === 'function' ? element.checkVisibility({ visibilityProperty: true }) : element.offsetParent !== null;
    };
    const tick = () => {
      const now = Date.now();
      const isShown = shown();
      // At once when it comes into view, then every OVERVIEW_POLL_MS.
      if (isShown && !busy && (!wasShown || now - last >= OVERVIEW_POLL_MS)) {
        busy = true;
        last = now;
        void pollOverview().finally(() => {
          busy = false;
        });
      }
      wasShown = isShown;
    };
    tick();
    const timer = window.setInterval(tick, 500);
    return () => window.clearInterval(timer);
  }, [ref]);
}

function SitesOverview() {
  const t = useT();
  const overview = useStore((s) => s.studios.overview);
  const failed = useStore((s) => s.studios.overviewFailed);
  const lang = useStore((s) => s.lang);
  const ref = useRef<HTMLElement>(null);
  useOverviewPolling(ref);
  const updated = overview ? new Date(overview.at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false }) : null;

  return (
    <section ref={ref} className="studios-section" aria-labelledby="studios-sites-title" data-testid="sites-overview">
      <div className="studios-section__head">
        <h3 id="studios-sites-title" className="studios-section__title">
          {t('studios.sites.title')}
        </h3>
        {updated && <span className="hint">{t('studios.sites.updated', { time: updated })}</span>}
      </div>
      {failed && <p className="note note--warn">{t('studios.sites.failed')}</p>}
      {!overview ? (
        !failed && <p className="hint">{t('studios.sites.loading')}</p>
      ) : (
        <>
          <p
            className={overview.quorum.met ? 'quorum quorum--met' : 'quorum quorum--short'}
            data-testid="quorum-line"
            data-met={overview.quorum.met ? 'true' : 'false'}
          >
            <span className="quorum__verdict">
              <Icon name={overview.quorum.met ? 'check' : 'close'} size={18} />
              {t(overview.quorum.met ? 'studios.sites.quorumMet' : 'studios.sites.quorumNotMet')}
            </span>
            <span className="quorum__numbers">
              {t('studios.sites.quorum', {
                invited: overview.quorum.membersInvited,
                present: overview.quorum.membersPresent,
                required: overview.quorum.required,
              })}
            </span>
          </p>
          <ul className="sites">
            {overview.sites.map((site) => (
              <li key={site.siteId} className="site" data-testid={`site-${site.siteId}`}>
                <div className="site__head">
                  <h4 className="site__name">{site.name}</h4>
                  {site.membersInvited > 0 && (
                    <span className={site.membersPresent === site.membersInvited ? 'site__members site__members--all' : 'site__members'}>
                      {t('studios.sites.members', { present: site.membersPresent, invited: site.membersInvited })}
                    </span>
                  )}
                </div>
                {site.participants.length === 0 ? (
                  <p className="hint">{t('studios.sites.nobody')}</p>
                ) : (
                  <ul className="site__people">
                    {orderByStatus(site.participants).map((p) => (
                      <SiteParticipant key={p.participantId} status={p} />
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const STATUS_ORDER: Record<SiteParticipantStatus['status'], number> = { online: 0, reconnecting: 1, absent: 2 };

/** Connected people first (stable otherwise): who is missing shows at the end of each site. */
function orderByStatus(list: SiteParticipantStatus[]): SiteParticipantStatus[] {
  return [...list].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

/** bit/s as kbps below 1 Mbps, then Mbps with one decimal. */
function formatRate(t: (key: MessageKey, params?: Record<string, string | number>) => string, bitsPerSecond: number): string {
  return bitsPerSecond < 1_000_000
    ? t('studios.rate.kbps', { n: Math.round(bitsPerSecond / 1000) })
    : t('studios.rate.mbps', { n: (bitsPerSecond / 1_000_000).toFixed(1) });
}

function SiteParticipant({ status: p }: { status: SiteParticipantStatus }) {
  const t = useT();
  const q = p.quality;
  // A studio's feed may be live with nobody at its studio page: the SFU still measures it.
  const feedOnly = p.status === 'absent' && p.feed?.status === 'live';
  const connected = p.status !== 'absent' || feedOnly;
  const role = (ROLES as readonly string[]).includes(p.role) ? (p.role as Role) : null;
  // Microphone and camera only for those who send media (not the clerk or observers).
  const sends = role !== null && publishes(role);
  return (
    <li
      className={`site-person site-person--${p.status}`}
      data-testid={`site-participant-${p.participantId}`}
      data-status={p.status}
      data-grade={q?.grade ?? 'none'}
      data-feed={p.feed?.status ?? 'none'}
    >
      <div className="site-person__head">
        <span className={`presence presence--${p.status}`}>
          <span className="presence__dot" aria-hidden="true" />
          {t(`studios.status.${p.status}`)}
        </span>
        <span className="site-person__name">{p.name}</span>
        {role && <span className={`role-tag role-tag--${role}`}>{t(roleKey(role))}</span>}
      </div>
      {p.feed && (
        <div className="site-person__feed" data-testid={`site-feed-${p.participantId}`}>
          <span className={`ingest-status ingest-status--${p.feed.status}`}>
            <span className="ingest-status__dot" aria-hidden="true" />
            {p.feed.via
              ? t('studios.sites.feedVia', {
                  status: t(STATUS_KEY[p.feed.status]),
                  via: t(p.feed.via === 'whip' ? 'studios.ingest.via.whip' : 'studios.ingest.via.rtmp'),
                })
              : t('studios.sites.feed', { status: t(STATUS_KEY[p.feed.status]) })}
          </span>
          {p.feed.onAir && <span className="air-badge air-badge--on">{t('studios.sites.feedOnAir')}</span>}
          {feedOnly && <span className="hint">{t('studios.sites.feedOnlyLive')}</span>}
        </div>
      )}
      {connected && (
        <div className="site-person__details">
          {q ? (
            <>
              <span className={`grade grade--${q.grade}`}>
                <Icon name="signal" size={14} />
                {t(`studios.grade.${q.grade}`)}
              </span>
              <span className="metric">{t('studios.quality.up', { rate: formatRate(t, q.sendBitrate) })}</span>
              <span className="metric">{t('studios.quality.down', { rate: formatRate(t, q.recvBitrate) })}</span>
              <span className={q.lossPct >= 2 ? 'metric metric--bad' : 'metric'}>{t('studios.quality.loss', { pct: q.lossPct })}</span>
              <span className={q.rttMs !== null && q.rttMs >= 200 ? 'metric metric--bad' : 'metric'}>
                {q.rttMs === null ? t('studios.quality.rttUnknown') : t('studios.quality.rtt', { ms: q.rttMs })}
              </span>
            </>
          ) : (
            <span className="metric">{t('studios.quality.none')}</span>
          )}
          {sends && (
            <span className={`device device--${p.mic}`} data-testid={`site-mic-${p.participantId}`} data-state={p.mic}>
              <Icon name={p.mic === 'on' ? 'mic' : 'micOff'} size={14} />
              {t(`studios.mic.${p.mic}`)}
            </span>
          )}
          {sends && (
            <span className={`device device--${p.camera}`} data-testid={`site-camera-${p.participantId}`} data-state={p.camera}>
              <Icon name={p.camera === 'on' ? 'camera' : 'cameraOff'} size={14} />
              {t(`studios.camera.${p.camera}`)}
            </span>
          )}
        </div>
      )}
      {p.role === 'studio' && (
        <div className="site-person__attendees">
          {p.attendees.length === 0 ? (
            <span className="hint">{t('studios.attendees.none')}</span>
          ) : (
            <>
              <span className="hint">{t('studios.attendees.count', { count: p.attendees.length })}</span>
              <ul className="attendee-chips" aria-label={t('studios.attendees.listLabel', { name: p.name })} data-testid={`site-attendees-${p.participantId}`}>
                {p.attendees.map((name, index) => (
                  <li key={`${index}-${name}`} className="attendee-chip">
                    {name}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The RTMP address as a county's encoder can use it: when the server knows no public host
 * (INGEST_PUBLIC_HOST, PUBLIC_URL) it says `localhost`, and the host this page was opened on is
 * the better guess.
 */
function reachableRtmpUrl(url: string): string {
  const here = window.location.hostname;
  if (here === 'localhost' || here === '127.0.0.1') return url;
  return url.replace(/^rtmp:\/\/(localhost|127\.0\.0\.1)(?=:|\/)/, `rtmp://${here}`);
}
