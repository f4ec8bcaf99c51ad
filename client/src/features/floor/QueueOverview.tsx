import type { QueueEntry } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { typeKey, usePerson } from './labels';

const NO_QUEUE: QueueEntry[] = [];

/** The queue as everyone may see it: who waits, from where, for what (the moderator's own list has the controls). */
export function QueueOverview() {
  const t = useT();
  const queue = useStore((s) => s.floor?.queue ?? NO_QUEUE);
  return (
    <section className="queue-overview" aria-labelledby="queue-overview-title">
      <h3 id="queue-overview-title" className="floor-section__title">
        {t('floor.queueTitle', { count: queue.length })}
      </h3>
      {queue.length === 0 ? (
        <p className="hint">{t('floor.queueEmpty')}</p>
      ) : (
        <ol className="queue-overview__list">
          {queue.map((entry, index) => (
            <OverviewRow key={entry.id} entry={entry} position={index + 1} />
          ))}
        </ol>
      )}
    </section>
  );
}

function OverviewRow({ entry, position }: { entry: QueueEntry; position: number }) {
  const t = useT();
  const { name, siteName } = usePerson(entry.participantId);
  const isSelf = useStore((s) => s.self?.id === entry.participantId);
  return (
    <li
      className={isSelf ? 'queue-overview__row queue-overview__row--self' : 'queue-overview__row'}
      data-testid="floor-queue-item"
      data-participant-id={entry.participantId}
    >
      <span className="qentry__pos" aria-hidden="true">
        {position}
      </span>
      <span className="qentry__who">
        <span className="qentry__name">
          {name}
          {isSelf && <span className="plist__you">{t('room.you')}</span>}
        </span>
        {siteName && <span className="qentry__site">{siteName}</span>}
      </span>
      <span className={`type-tag type-tag--${entry.type}`}>{t(typeKey(entry.type))}</span>
    </li>
  );
}
