import { useEffect, useMemo, useRef, useState } from 'react';
import { can, type MotionView } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { selectName, selectSiteId, selectSiteName } from '../floor/slice';
import { orderParticipants } from '../participants/slice';
import { closeMotion, openMotion, refreshNamed } from './actions';
import { choicesLabel, describeResult, orderMotions } from './logic';
import { MotionCreateForm } from './MotionCreateForm';
import { Countdown, MotionSummary, StatusTag, Turnout } from './parts';
import { BallotCheck, ResultDetails } from './ResultDetails';
import { selectModerates } from './slice';

/** The 表决 tab: the chair's motions with their controls, or everyone else's view of them. */
export function VotingPanel() {
  const moderates = useStore(selectModerates);
  return moderates ? <ModeratorVotingPanel /> : <MotionList />;
}

function useMotions(): MotionView[] {
  const motions = useStore((s) => s.voting.motions);
  return useMemo(() => orderMotions(Object.values(motions)), [motions]);
}

/** Runs one action at a time (a double click sends one request). */
function useBusy(): [boolean, (action: () => Promise<unknown>) => void] {
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const run = (action: () => Promise<unknown>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    void action().finally(() => {
      running.current = false;
      setBusy(false);
    });
  };
  return [busy, run];
}

/**
 * The chair's voting: the open motion with live turnout (and who voted how on a named
 * ballot) and its close, drafts to open, a new motion, and past results.
 */
function ModeratorVotingPanel() {
  const t = useT();
  const motions = useMotions();
  const anyOpen = motions.some((m) => m.status === 'open');
  /** The motion whose heading takes the focus once it re-renders (after open or close moved it). */
  const [focusId, setFocusId] = useState<string | null>(null);
  const active = motions.filter((m) => m.status !== 'closed');
  const closed = motions.filter((m) => m.status === 'closed');
  return (
    <div className="floor-panel vote-panel" data-testid="motion-panel">
      {active.length > 0 && (
        <section className="floor-section" aria-labelledby="vote-active-title">
          <h3 id="vote-active-title" className="floor-section__title">
            {t('vote.activeTitle', { count: active.length })}
          </h3>
          <ul className="vote-list">
            {active.map((m) => (
              <ModeratorMotion key={m.definition.id} motion={m} anyOpen={anyOpen} focus={focusId === m.definition.id} onMoved={setFocusId} />
            ))}
          </ul>
        </section>
      )}
      <MotionCreateForm />
      <section className="floor-section" aria-labelledby="vote-closed-title">
        <h3 id="vote-closed-title" className="floor-section__title">
          {t('vote.closedTitle', { count: closed.length })}
        </h3>
        {closed.length === 0 ? (
          <p className="hint">{t('vote.closedEmpty')}</p>
        ) : (
          <ul className="vote-list">
            {closed.map((m) => (
              <ModeratorMotion key={m.definition.id} motion={m} anyOpen={anyOpen} focus={focusId === m.definition.id} onMoved={setFocusId} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ModeratorMotion({ motion, anyOpen, focus, onMoved }: { motion: MotionView; anyOpen: boolean; focus: boolean; onMoved: (id: string | null) => void }) {
  const t = useT();
  const { definition, status } = motion;
  const id = definition.id;
  const [busy, run] = useBusy();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (!focus) return;
    headingRef.current?.focus();
    onMoved(null);
  }, [focus, status, onMoved]);

  const blocked = status === 'draft' && anyOpen;
  return (
    <li className={`vote-item vote-item--${status}`} data-testid={`motion-item-${id}`} data-status={status}>
      <div className="vote-item__head">
        <h4 ref={headingRef} className="vote-item__title" tabIndex={-1}>
          {definition.title}
        </h4>
        <StatusTag motion={motion} />
      </div>
      <MotionSummary definition={definition} />
      {definition.text && <p className="vote-item__text">{definition.text}</p>}
      {definition.kind === 'election' && (
        <p className="vote-item__options">{t('vote.optionsList', { options: definition.options.map((o) => o.label).join(t('vote.listSeparator')) })}</p>
      )}

      {status === 'draft' && (
        <button
          type="button"
          className="btn btn--primary btn--block"
          data-testid={`motion-open-${id}`}
          aria-disabled={blocked || busy}
          aria-busy={busy}
          aria-describedby={blocked ? `motion-blocked-${id}` : undefined}
          onClick={() => !blocked && run(async () => (await openMotion(id)) && onMoved(id))}
        >
          <Icon name="play" size={20} />
          {t('vote.open')}
        </button>
      )}
      {blocked && (
        <p id={`motion-blocked-${id}`} className="hint">
          {t('vote.openBlocked')}
        </p>
      )}

      {status === 'open' && (
        <>
          <Turnout motion={motion} testId={`motion-turnout-${id}`} />
          <Countdown closesAt={motion.closesAt} testId={`motion-countdown-${id}`} />
          {definition.ballot === 'named' ? <NamedChoices motion={motion} /> : <p className="hint">{t('vote.secretModeratorNote')}</p>}
          <CloseMotion motion={motion} busy={busy} onConfirm={() => run(async () => (await closeMotion(id)) && onMoved(id))} />
        </>
      )}

      {status === 'closed' && motion.result && (
        <>
          <ResultHeadline motion={motion} />
          <ResultDetails motion={motion} result={motion.result} />
          {definition.ballot === 'named' && <NamedChoices motion={motion} />}
        </>
      )}
    </li>
  );
}

/**
 * 结束表决 asks first, naming the turnout: who has not voted yet loses the chance. The question
 * opens in place (no modal, so it works by touch and keyboard alike); Escape or 继续表决 takes it back.
 */
function CloseMotion({ motion, busy, onConfirm }: { motion: MotionView; busy: boolean; onConfirm: () => void }) {
  const t = useT();
  const id = motion.definition.id;
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const questionId = `motion-close-question-${id}`;
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  const cancel = () => {
    setAsking(false);
    window.setTimeout(() => closeRef.current?.focus(), 0);
  };
  if (!asking) {
    return (
      <button ref={closeRef} type="button" className="btn btn--danger btn--block" data-testid={`motion-close-${id}`} onClick={() => setAsking(true)}>
        <Icon name="stop" size={20} />
        {t('vote.close')}
      </button>
    );
  }
  const { voted, eligible } = motion.turnout;
  const missing = Math.max(eligible - voted, 0);
  return (
    <div
      className="vote-confirm"
      role="group"
      aria-labelledby={questionId}
      data-testid={`motion-close-confirm-${id}`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <p id={questionId} className="vote-confirm__question" aria-live="polite">
        {missing > 0 ? t('vote.closeQuestion', { voted, eligible, missing }) : t('vote.closeQuestionAll', { voted, eligible })}
      </p>
      <div className="vote-confirm__actions">
        <button ref={confirmRef} type="button" className="btn btn--danger" data-testid={`motion-close-yes-${id}`} aria-busy={busy} onClick={onConfirm}>
          {t('vote.closeConfirm')}
        </button>
        <button type="button" className="btn" data-testid={`motion-close-no-${id}`} onClick={cancel}>
          {t('vote.closeCancel')}
        </button>
      </div>
    </div>
  );
}

function ResultHeadline({ motion }: { motion: MotionView }) {
  const t = useT();
  if (!motion.result) return null;
  const wording = describeResult(t, motion.definition, motion.result);
  return (
    <p className={`vote-item__headline vote-item__headline--${wording.verdict}`} data-passed={wording.passed}>
      <Icon name={wording.passed ? 'check' : 'close'} size={20} />
      {wording.headline}
    </p>
  );
}

/**
 * A named ballot's roll call for the chair, live: each member present (or who voted) with
 * their choice, or "not voted yet". Names come from the participant list.
 */
function NamedChoices({ motion }: { motion: MotionView }) {
  const t = useT();
  const id = motion.definition.id;
  const named = useStore((s) => s.voting.named[id]);
  const participants = useStore((s) => s.participants);
  const loaded = named !== undefined;

  useEffect(() => {
    if (!loaded) refreshNamed(id);
  }, [loaded, id]);

  const rows = useMemo(() => {
    const choices = named ?? {};
    // Members here now, then anyone who voted and has left meanwhile.
    const present =
      motion.status === 'open'
        ? orderParticipants(Object.values(participants))
            .filter((p) => can(p.role, 'motion.vote'))
            .map((p) => p.id)
        : [];
    const ids = [...present, ...Object.keys(choices).filter((pid) => !present.includes(pid))];
    return ids.map((pid) => ({ pid, choices: choices[pid] ?? null }));
  }, [named, participants, motion.status]);

  return (
    <table className="stats-table vote-named" data-testid={`named-choices-${id}`}>
      <caption className="stats-table__caption">{t('vote.namedTitle')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('floor.statsName')}</th>
          <th scope="col">{t('floor.statsSite')}</th>
          <th scope="col">{t('vote.namedChoice')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={3} className="stats-table__row--none">
              {t('vote.namedEmpty')}
            </td>
          </tr>
        ) : (
          rows.map((row) => <NamedRow key={row.pid} motion={motion} participantId={row.pid} choices={row.choices} />)
        )}
      </tbody>
    </table>
  );
}

function NamedRow({ motion, participantId, choices }: { motion: MotionView; participantId: string; choices: string[] | null }) {
  const t = useT();
  const name = useStore((s) => selectName(s, participantId)) ?? t('floor.unknownPerson');
  const site = useStore((s) => selectSiteName(s, selectSiteId(s, participantId)));
  const single = choices?.length === 1 ? choices[0] : undefined;
  return (
    <tr data-participant-id={participantId} data-choices={choices?.join(',') ?? ''}>
      <th scope="row">{name}</th>
      <td>{site ?? ''}</td>
      <td>
        {choices === null ? (
          <span className="vote-choice vote-choice--none">{t('vote.notVoted')}</span>
        ) : (
          <span className={`vote-choice vote-choice--${motion.definition.kind === 'decision' && single ? single : 'chosen'}`}>
            {choicesLabel(t, motion.definition, choices)}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Everyone else's 表决 tab: each motion with its turnout or result, and a voter's own ballot check. */
function MotionList() {
  const t = useT();
  const motions = useMotions();
  const visible = motions.filter((m) => m.status !== 'draft');
  return (
    <div className="floor-panel vote-panel" data-testid="motion-list">
      <h3 className="floor-section__title">{t('vote.listTitle', { count: visible.length })}</h3>
      {visible.length === 0 ? (
        <p className="hint">{t('vote.listEmpty')}</p>
      ) : (
        <ul className="vote-list">
          {visible.map((motion) => (
            <li
              key={motion.definition.id}
              className={`vote-item vote-item--${motion.status}`}
              data-testid={`motion-item-${motion.definition.id}`}
              data-status={motion.status}
            >
              <div className="vote-item__head">
                <h4 className="vote-item__title">{motion.definition.title}</h4>
                <StatusTag motion={motion} />
              </div>
              <MotionSummary definition={motion.definition} />
              {motion.status === 'open' && (
                <>
                  <Turnout motion={motion} testId={`motion-turnout-${motion.definition.id}`} />
                  <Countdown closesAt={motion.closesAt} />
                </>
              )}
              {motion.status === 'closed' && motion.result && (
                <>
                  <ResultHeadline motion={motion} />
                  <BallotCheck motion={motion} />
                  <ResultDetails motion={motion} result={motion.result} />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
