import { useEffect } from 'react';
import { publishes } from '@consult/shared';
import { useStore } from '../store';
import { roleKey, useT } from '../i18n';
import { DeviceCheck, SpeakerSelect } from '../features/media/DeviceCheck';
import { PrejoinToggles } from '../features/media/PrejoinToggles';
import { acquireLocalMedia } from '../features/media/localMedia';
import { ConnBanner } from '../features/session/ConnBanner';
import { joinRoom } from '../features/session/controller';
import { Header } from '../features/ui/Header';

/** Device check before joining: who you are, camera preview, microphone meter, devices, Join. */
export function JoinPage() {
  const t = useT();
  const info = useStore((s) => s.sessionInfo);
  const joining = useStore((s) => s.phase === 'joining');
  const sendsMedia = info ? publishes(info.participant.role) : false;

  useEffect(() => {
    if (sendsMedia) void acquireLocalMedia();
  }, [sendsMedia]);

  if (!info) return null;
  const { participant, consultation } = info;
  const role = t(roleKey(participant.role));

  return (
    <div className="page">
      <Header title={consultation.title} />
      <ConnBanner />
      <main className="join">
        <section className="card join__card" aria-labelledby="join-heading">
          <h2 id="join-heading" className="join__heading">
            {t(sendsMedia ? 'join.heading' : 'join.headingListen')}
          </h2>
          <dl className="join__who">
            <div>
              <dt>{t('join.name')}</dt>
              <dd>{participant.name}</dd>
            </div>
            <div>
              <dt>{t('join.role')}</dt>
              <dd>{role}</dd>
            </div>
            <div>
              <dt>{t('join.site')}</dt>
              <dd>{participant.siteName}</dd>
            </div>
          </dl>
          {sendsMedia ? (
            <>
              <DeviceCheck />
              <PrejoinToggles />
            </>
          ) : (
            <div className="join__listen">
              <p className="note">{t('join.watchOnly', { role })}</p>
              <SpeakerSelect />
            </div>
          )}
          <div className="join__actions">
            <button type="button" className="btn btn--primary btn--big" data-testid="join-button" disabled={joining} aria-busy={joining} onClick={joinRoom}>
              {t(joining ? 'join.joining' : 'join.button')}
            </button>
          </div>
        </section>
      </main>
    </div>
  );
}
