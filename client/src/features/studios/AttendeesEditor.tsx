import { useId, useRef, useState, type SubmitEvent } from 'react';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { saveAttendees } from './actions';
import { selectAttendees } from './slice';

/** The server's limits (SetAttendeesRequest). */
const NAME_MAX = 60;
const LIST_MAX = 300;

type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

/**
 * The studio operator's list of who is present at the venue: add a name (Enter), remove one,
 * each change saved at once with studio.setAttendees. An unsaved list stays on screen with a
 * way to save it again.
 */
export function AttendeesEditor() {
  const t = useT();
  const selfId = useStore((s) => s.self?.id ?? '');
  const saved = useStore((s) => selectAttendees(s, selfId));
  const [draft, setDraft] = useState<string[] | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [state, setState] = useState<SaveState>('idle');
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const problemId = useId();
  const list = draft ?? saved;

  const save = async (next: string[]) => {
    setDraft(next);
    setState('saving');
    const kept = await saveAttendees(next);
    if (kept) {
      // A later edit may have been made meanwhile; it has its own save in flight.
      setDraft((current) => (current === next ? null : current));
      setState('saved');
    } else {
      setState('failed');
    }
  };

  const add = (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (!trimmed) return;
    if (list.includes(trimmed)) {
      setProblem(t('studios.attendees.duplicate', { name: trimmed }));
      return;
    }
    if (list.length >= LIST_MAX) {
      setProblem(t('studios.attendees.full', { max: LIST_MAX }));
      return;
    }
    setProblem(null);
    setName('');
    void save([...list, trimmed]);
    inputRef.current?.focus();
  };

  const remove = (index: number) => {
    setProblem(null);
    void save(list.filter((_, i) => i !== index));
    inputRef.current?.focus();
  };

  return (
    <section className="attendees-editor" aria-labelledby={`${inputId}-title`} data-testid="studio-attendees">
      <div className="attendees-editor__head">
        <h2 id={`${inputId}-title`} className="attendees-editor__title">
          {t('studios.attendees.title')}
        </h2>
        <span className="hint">{t('studios.attendees.count', { count: list.length })}</span>
      </div>
      <p className="hint">{t('studios.attendees.hint')}</p>
      <form className="attendees-editor__form" onSubmit={add}>
        <label className="visually-hidden" htmlFor={inputId}>
          {t('studios.attendees.input')}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          className="input"
          data-testid="studio-attendees-input"
          type="text"
          autoComplete="off"
          maxLength={NAME_MAX}
          placeholder={t('studios.attendees.input')}
          value={name}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          onChange={(event) => {
            setName(event.target.value);
            setProblem(null);
          }}
        />
        <button type="submit" className="btn btn--primary" data-testid="studio-attendees-add" disabled={!name.trim()}>
          <Icon name="plus" size={20} />
          {t('studios.attendees.add')}
        </button>
      </form>
      {problem && (
        <p id={problemId} className="hint hint--error" role="alert">
          {problem}
        </p>
      )}
      <p className="attendees-editor__status" aria-live="polite" data-testid="studio-attendees-status" data-state={state}>
        {state === 'saving' ? t('studios.attendees.saving') : state === 'saved' ? t('studios.attendees.saved') : ''}
      </p>
      {state === 'failed' && (
        <p className="note note--warn attendees-editor__failed" role="alert">
          {t('studios.attendees.failed')}
          <button type="button" className="btn btn--small" onClick={() => void save(list)}>
            {t('studios.attendees.retry')}
          </button>
        </p>
      )}
      {list.length === 0 ? <p className="hint attendees-editor__empty">{t('studios.attendees.empty')}</p> : null}
      <ul className="attendees-editor__list" data-testid="studio-attendees-list" aria-label={t('studios.attendees.title')}>
        {list.map((person, index) => (
          <li key={`${index}-${person}`} className="attendees-editor__item">
            <span className="attendees-editor__name">{person}</span>
            <button
              type="button"
              className="icon-btn attendees-editor__remove"
              aria-label={t('studios.attendees.remove', { name: person })}
              title={t('studios.attendees.remove', { name: person })}
              onClick={() => remove(index)}
            >
              <Icon name="close" size={18} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
