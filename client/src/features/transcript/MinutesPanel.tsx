import { useEffect, useId, useRef, useState, type Ref } from 'react';
import { can, type MinutesDocument, type MinutesStatus } from '@consult/shared';
import { useStore } from '../../store';
import { useT, type MessageKey } from '../../i18n';
import { Icon } from '../ui/Icon';
import { approveMinutes, downloadMinutes, previewMinutes, returnMinutes, submitMinutes } from './actions';
import { languageKey } from './CaptionStrip';
import { EXPORT_FORMATS, formatTime, previousHashOf, shortHash, type ExportFormat } from './logic';
import './transcript.css';

/** Runs one action at a time (a double click sends one request). */
function useBusy(): [string | null, (name: string, action: () => Promise<unknown>) => void] {
  const [busy, setBusy] = useState<string | null>(null);
  const running = useRef(false);
  const run = (name: string, action: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(name);
    void action().finally(() => {
      running.current = false;
      setBusy(null);
    });
  };
  return [busy, run];
}

const statusKey = (status: MinutesStatus): MessageKey => `transcript.minutes.status.${status}`;

/** Which recogniser runs for the consultation's language, for the moderator and the clerk. */
export function EngineInfo() {
  const t = useT();
  const engine = useStore((s) => s.transcript.engine);
  if (!engine) return null;
  const language = t(languageKey(engine.language));
  return (
    <p
      className={`engine-info${engine.recognises ? '' : ' engine-info--none'}`}
      data-testid="engine-info"
      data-engine={engine.engine}
      data-recognises={engine.recognises ? 'true' : 'false'}
    >
      <Icon name={engine.recognises ? 'mic' : 'micOff'} size={18} />
      <span>
        {engine.recognises
          ? engine.model
            ? t('transcript.engine.running', { engine: engine.engine, model: engine.model, language })
            : t('transcript.engine.runningNoModel', { engine: engine.engine, language })
          : t('transcript.engine.none', { language })}
      </span>
    </p>
  );
}

/**
 * The minutes: their version and sign-off (with the hash once approved), the preview of
 * the document as it stands, the clerk's "submit", the moderator's "approve" and
 * "return", and the exports.
 */
export function MinutesPanel() {
  const t = useT();
  const role = useStore((s) => s.self?.role ?? null);
  const minutes = useStore((s) => s.transcript.minutes);
  const draft = useStore((s) => s.transcript.draft);
  const invited = useStore((s) => s.transcript.invited);
  const setDraft = useStore((s) => s.setMinutesDraft);
  const [busy, run] = useBusy();
  const headingId = useId();
  const statusRef = useRef<HTMLDivElement>(null);
  const previewRef = useRef<HTMLElement>(null);
  const [focusPreview, setFocusPreview] = useState(false);

  useEffect(() => {
    if (!focusPreview || !draft) return;
    previewRef.current?.focus();
    setFocusPreview(false);
  }, [focusPreview, draft]);

  if (!minutes || !role) return null;
  const edits = can(role, 'minutes.edit');
  const moderates = can(role, 'consultation.moderate');
  const nameOf = (id: string | null) => (id ? (invited.find((p) => p.id === id)?.name ?? id) : '');
  const previous = previousHashOf(minutes);
  const hint: MessageKey = edits
    ? minutes.status === 'draft'
      ? 'transcript.minutes.hintClerkDraft'
      : minutes.status === 'submitted'
        ? 'transcript.minutes.hintClerkSubmitted'
        : 'transcript.minutes.hintClerkApproved'
    : minutes.status === 'draft'
      ? 'transcript.minutes.hintModDraft'
      : minutes.status === 'submitted'
        ? 'transcript.minutes.hintModSubmitted'
        : 'transcript.minutes.hintModApproved';
  const after = (ok: boolean) => {
    // Focus stays with the status the action changed (the button may be gone).
    if (ok) statusRef.current?.focus();
  };

  return (
    <section className="minutes" data-testid="minutes-panel" aria-labelledby={headingId}>
      <h3 id={headingId} className="floor-section__title">
        {t('transcript.minutes.title')}
      </h3>
      <div
        ref={statusRef}
        tabIndex={-1}
        className={`minutes__status minutes__status--${minutes.status}`}
        data-testid="minutes-status"
        data-status={minutes.status}
        data-version={minutes.version}
        data-hash={minutes.hash ?? ''}
        role="status"
      >
        <p className="minutes__status-line">
          <span className={`minutes__badge minutes__badge--${minutes.status}`}>{t(statusKey(minutes.status))}</span>
          <span>{t('transcript.minutes.statusLine', { version: minutes.version, status: t(statusKey(minutes.status)) })}</span>
        </p>
        {minutes.submittedBy && minutes.submittedAt !== null && (
          <p className="hint">{t('transcript.minutes.submittedBy', { name: nameOf(minutes.submittedBy), time: formatTime(minutes.submittedAt) })}</p>
        )}
        {minutes.approvedBy && minutes.approvedAt !== null && (
          <p className="hint">{t('transcript.minutes.approvedBy', { name: nameOf(minutes.approvedBy), time: formatTime(minutes.approvedAt) })}</p>
        )}
        {minutes.hash && (
          <p className="minutes__hash">
            <span>{t('transcript.minutes.hash')}</span>
            <code data-testid="minutes-hash" title={minutes.hash}>
              {minutes.hash}
            </code>
          </p>
        )}
        {previous && (
          <p className="hint minutes__previous" title={previous}>
            {t('transcript.minutes.previous', { hash: shortHash(previous) ?? '' })}
          </p>
        )}
      </div>
      <p className="hint">{t(hint)}</p>
      <div className="btn-row">
        <button
          type="button"
          className="btn"
          data-testid="minutes-preview"
          aria-busy={busy === 'preview'}
          aria-expanded={draft !== null}
          aria-controls="minutes-document"
          onClick={() =>
            run('preview', async () => {
              if (await previewMinutes()) setFocusPreview(true);
            })
          }
        >
          <Icon name={draft ? 'refresh' : 'ballot'} size={18} />
          {t(draft ? 'transcript.minutes.refresh' : 'transcript.minutes.preview')}
        </button>
        {draft && (
          <button type="button" className="btn btn--quiet" data-testid="minutes-preview-hide" onClick={() => setDraft(null)}>
            {t('transcript.minutes.hidePreview')}
          </button>
        )}
        {edits && minutes.status === 'draft' && (
          <button
            type="button"
            className="btn btn--primary"
            data-testid="minutes-submit"
            aria-busy={busy === 'submit'}
            onClick={() => run('submit', async () => after(await submitMinutes()))}
          >
            <Icon name="next" size={18} />
            {t('transcript.minutes.submit')}
          </button>
        )}
        {moderates && minutes.status === 'submitted' && (
          <>
            <button
              type="button"
              className="btn btn--primary"
              data-testid="minutes-approve"
              aria-busy={busy === 'approve'}
              onClick={() => run('approve', async () => after(await approveMinutes(minutes.version)))}
            >
              <Icon name="check" size={18} />
              {t('transcript.minutes.approve')}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="minutes-return"
              aria-busy={busy === 'return'}
              onClick={() => run('return', async () => after(await returnMinutes()))}
            >
              <Icon name="arrowDown" size={18} />
              {t('transcript.minutes.return')}
            </button>
          </>
        )}
      </div>
      <div className="minutes__exports" role="group" aria-label={t('transcript.minutes.export')}>
        <span className="minutes__exports-label">{t('transcript.minutes.export')}</span>
        {EXPORT_FORMATS.map((format) => (
          <ExportButton key={format} format={format} />
        ))}
      </div>
      {draft && <MinutesDocumentView ref={previewRef} doc={draft} />}
    </section>
  );
}

const FORMAT_KEYS: Record<ExportFormat, MessageKey> = {
  md: 'transcript.minutes.export.md',
  html: 'transcript.minutes.export.html',
  pdf: 'transcript.minutes.export.pdf',
  docx: 'transcript.minutes.export.docx',
};

function ExportButton({ format }: { format: ExportFormat }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const label = t(FORMAT_KEYS[format]);
  const hint = t('transcript.minutes.exportHint', { format: label });
  return (
    <button
      type="button"
      className="btn btn--small"
      data-testid={`minutes-export-${format}`}
      aria-busy={busy}
      aria-label={hint}
      title={hint}
      onClick={() => {
        if (busy) return;
        setBusy(true);
        void downloadMinutes(format).finally(() => setBusy(false));
      }}
    >
      {label}
    </button>
  );
}

/** The minutes as a document: head (moderator, attendance per site with absences), then per item the speeches and the votes with their rule. */
function MinutesDocumentView({ doc, ref }: { doc: MinutesDocument; ref: Ref<HTMLElement> }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const titleId = useId();
  const none = t('transcript.doc.none');
  // "name（site）" in Chinese, "name (site)" in English; lists joined the same way.
  const aside = (main: string, note: string) => (lang === 'zh' ? `${main}（${note}）` : `${main} (${note})`);
  const list = (items: string[]) => items.join(lang === 'zh' ? '、' : ', ') || none;
  return (
    <article
      ref={ref}
      id="minutes-document"
      className="minutes-doc"
      data-testid="minutes-document"
      data-version={doc.version}
      tabIndex={-1}
      aria-labelledby={titleId}
    >
      <header className="minutes-doc__head">
        <p className="minutes-doc__kicker">{t('transcript.doc.label')}</p>
        <h2 id={titleId} className="minutes-doc__title">
          {doc.title}
        </h2>
        <p className="minutes-doc__meta">
          {t('transcript.doc.version', { version: doc.version, status: t(statusKey(doc.status)) })} ·{' '}
          {t('transcript.doc.generated', { time: formatTime(doc.generatedAt) })}
        </p>
        {doc.previousHash && (
          <p className="minutes-doc__meta" title={doc.previousHash}>
            {t('transcript.minutes.previous', { hash: shortHash(doc.previousHash) ?? '' })}
          </p>
        )}
      </header>
      <p>
        <strong>{t('transcript.doc.moderatorLabel')}</strong>
        {list(doc.moderator.map((m) => aside(m.name, m.siteName)))}
      </p>
      <h3 className="minutes-doc__h">{t('transcript.doc.attendance')}</h3>
      <div className="minutes-doc__scroll">
        <table className="minutes-doc__table" data-testid="minutes-attendance">
          <thead>
            <tr>
              <th scope="col">{t('transcript.doc.site')}</th>
              <th scope="col">{t('transcript.doc.present')}</th>
              <th scope="col">{t('transcript.doc.absent')}</th>
            </tr>
          </thead>
          <tbody>
            {doc.attendance.map((site) => (
              <tr key={site.siteId}>
                <th scope="row">{site.siteName}</th>
                <td>{list(site.present.map((p) => aside(p.name, p.role)))}</td>
                <td className={site.absent.length > 0 ? 'minutes-doc__absent' : ''}>{list(site.absent.map((p) => aside(p.name, p.role)))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {doc.items.map((item, index) => (
        <section key={item.agendaItemId} className="minutes-doc__item" aria-label={item.title}>
          <h3 className="minutes-doc__h">
            {index + 1}. {item.title}
          </h3>
          <h4 className="minutes-doc__sub">{t('transcript.doc.speeches')}</h4>
          {item.speeches.length === 0 ? (
            <p className="hint">{t('transcript.doc.noSpeech')}</p>
          ) : (
            <ol className="minutes-doc__speeches">
              {item.speeches.map((speech, i) => (
                <li key={speech.speechId ?? `off-${i}`} className="minutes-doc__speech">
                  <p className="minutes-doc__who">
                    <strong>{speech.name}</strong>
                    <span>{speech.siteName}</span>
                    <span className={speech.offFloor ? 'type-tag transcript__off' : 'type-tag'}>{speech.type}</span>
                    <span className="minutes-doc__when">
                      {formatTime(speech.startedAt)}
                      {speech.endedAt && formatTime(speech.endedAt) !== formatTime(speech.startedAt) ? `–${formatTime(speech.endedAt)}` : ''}
                    </span>
                  </p>
                  <p className={speech.text ? 'minutes-doc__text' : 'minutes-doc__text hint'}>{speech.text || t('transcript.doc.noText')}</p>
                </li>
              ))}
            </ol>
          )}
          {item.motions.length > 0 && (
            <>
              <h4 className="minutes-doc__sub">{t('transcript.doc.motions')}</h4>
              {item.motions.map((motion) => (
                <div key={motion.motionId} className="minutes-doc__motion" data-testid={`minutes-motion-${motion.motionId}`}>
                  <p>
                    <strong>{motion.title}</strong> <span className="type-tag">{motion.ballot}</span>{' '}
                    <span className={motion.passed ? 'minutes-doc__verdict minutes-doc__verdict--passed' : 'minutes-doc__verdict'}>
                      {t(motion.passed ? 'transcript.doc.passed' : 'transcript.doc.failed')}
                    </span>
                  </p>
                  <p className="minutes-doc__counts">{motion.counts.map((c) => t('transcript.doc.votes', { label: c.label, votes: c.votes })).join(' · ')}</p>
                  {motion.elected.length > 0 && <p>{t('transcript.doc.elected', { names: list(motion.elected) })}</p>}
                  <p className="minutes-doc__rule">{motion.rule}</p>
                  {motion.quorum !== motion.rule && <p className="hint">{motion.quorum}</p>}
                </div>
              ))}
            </>
          )}
        </section>
      ))}
    </article>
  );
}
