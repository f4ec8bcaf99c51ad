import { useMemo } from 'react';
import { publishes, type PresentParticipant, type Site } from '@consult/shared';
import { useStore } from '../../store';
import { roleKey, useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { selectProducer } from '../media/slice';
import { orderParticipants } from './slice';
import { useShallow } from 'zustand/react/shallow';
import { AttendeesInline } from '../studios/AttendeesInline';
import { selectFeedOnly } from '../studios/slice';

const NO_SITES: Site[] = [];

interface SiteGroup {
  id: string;
  name: string | null;
  people: PresentParticipant[];
}

/** Everyone present, grouped by site in the consultation's site order (a tab of the side panel). */
export function ParticipantList() {
  const t = useT();
  const participants = useStore((s) => s.participants);
  const feedOnly = useStore(useShallow(selectFeedOnly));
  const sites = useStore((s) => s.consultation?.sites ?? NO_SITES);

  const groups = useMemo(() => {
    // Studios that take part through their broadcast feed alone are listed with their site too.
    const ordered = orderParticipants([...Object.values(participants), ...feedOnly]);
    const known = new Set(sites.map((site) => site.id));
    const result: SiteGroup[] = sites.map((site) => ({ id: site.id, name: site.name, people: ordered.filter((p) => p.siteId === site.id) }));
    result.push({ id: '', name: null, people: ordered.filter((p) => !known.has(p.siteId)) });
    return result.filter((group) => group.people.length > 0);
  }, [participants, feedOnly, sites]);

  return (
    <section className="plist" data-testid="participant-list" aria-label={t('room.participants', { count: Object.keys(participants).length })}>
      {groups.map((group) => (
        <section key={group.id} className="plist__site" aria-label={group.name ?? t('room.otherSite')}>
          <h3 className="plist__site-name">{group.name ?? t('room.otherSite')}</h3>
          <ul className="plist__people">
            {group.people.map((p) => (
              <ParticipantRow key={p.id} participant={p} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function ParticipantRow({ participant }: { participant: PresentParticipant }) {
  const t = useT();
  const isSelf = useStore((s) => s.self?.id === participant.id);
  const mic = useStore((s) => selectProducer(s, participant.id, 'mic'));
  const selfMicOn = useStore((s) => s.local.micOn && s.ownProducerIds.mic !== undefined);
  const feedOnly = useStore((s) => !(participant.id in s.participants));
  const feedAudio = useStore((s) => selectProducer(s, participant.id, 'ingest-audio'));
  // A studio heard through its feed is not muted for lacking a browser microphone.
  const muted = publishes(participant.role) && (isSelf ? !selfMicOn : (!mic || mic.paused) && !(feedAudio && !feedAudio.paused));
  const reconnecting = participant.status === 'reconnecting';
  const holdsFloor = useStore((s) => s.floor?.speech?.participantId === participant.id);
  const queuePosition = useStore((s) => (s.floor?.queue.findIndex((e) => e.participantId === participant.id) ?? -1) + 1);
  return (
    <li className="plist__row" data-testid={`participant-${participant.id}`} data-status={participant.status} data-feed-only={feedOnly ? 'true' : 'false'}>
      <span className="plist__name">
        {participant.name}
        {isSelf && <span className="plist__you">{t('room.you')}</span>}
      </span>
      <span className={`role-tag role-tag--${participant.role}`}>{t(roleKey(participant.role))}</span>
      <AttendeesInline participantId={participant.id} className="plist__attendees" />
      {feedOnly && <span className="badge">{t('studios.feedOnly')}</span>}
      {holdsFloor && <span className="badge badge--floor">{t('floor.holder')}</span>}
      {queuePosition > 0 && (
        <span className="badge badge--hand" data-testid={`participant-hand-${participant.id}`}>
          <Icon name="hand" size={14} />
          {t('floor.queued', { position: queuePosition })}
        </span>
      )}
      {reconnecting && (
        <span className="badge badge--warn">
          <Icon name="signal" size={14} />
          {t('room.statusReconnecting')}
        </span>
      )}
      {muted && (
        <span className="plist__mark" role="img" aria-label={t('room.muted')} title={t('room.muted')}>
          <Icon name="micOff" size={16} />
        </span>
      )}
    </li>
  );
}
