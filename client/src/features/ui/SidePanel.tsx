import { useEffect, useRef, type KeyboardEvent } from 'react';
import { can } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { FloorPanel } from '../floor/FloorPanel';
import { ParticipantList } from '../participants/ParticipantList';
import { VotingPanel } from '../voting/VotingPanel';
import { selectOpenMotion } from '../voting/slice';
import { Icon } from './Icon';

export type SideTab = 'floor' | 'voting' | 'people';
const TABS: SideTab[] = ['floor', 'voting', 'people'];

/**
 * The room's side panel with three tabs, the floor, voting and the participants: a sidebar on wide
 * screens, a drawer opened from the controls bar on narrow ones. Tabs follow the WAI-ARIA
 * pattern (arrow keys move between them).
 */
export function SidePanel({ open, tab, onTab, onClose }: { open: boolean; tab: SideTab; onTab: (tab: SideTab) => void; onClose: () => void }) {
  const t = useT();
  const moderates = useStore((s) => (s.self ? can(s.self.role, 'consultation.moderate') : false));
  const count = useStore((s) => Object.keys(s.participants).length);
  const queueLength = useStore((s) => s.floor?.queue.length ?? 0);
  const voting = useStore((s) => selectOpenMotion(s) !== null);
  const tabRefs = useRef<Record<SideTab, HTMLButtonElement | null>>({ floor: null, voting: null, people: null });

  useEffect(() => {
    if (!open) return;
    tabRefs.current[tab]?.focus();
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
    // Focus moves into the drawer when it opens, not on every tab change: `tab` is left out on purpose.
  }, [open, onClose]);

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight' ? TABS[(index + 1) % TABS.length] : event.key === 'ArrowLeft' ? TABS[(index + TABS.length - 1) % TABS.length] : event.key === 'Home' ? TABS[0] : event.key === 'End' ? TABS[TABS.length - 1] : undefined;
    if (!next) return;
    event.preventDefault();
    onTab(next);
    tabRefs.current[next]?.focus();
  };

  const label = (which: SideTab) =>
    which === 'floor' ? (
      <>
        {t(moderates ? 'floor.tabModerate' : 'floor.tab')}
        {queueLength > 0 && <span className="side__count">{queueLength}</span>}
      </>
    ) : which === 'voting' ? (
      <>
        {t('vote.tab')}
        {voting && (
          <span className="side__live" title={t('vote.tabLive')}>
            <span className="visually-hidden">{t('vote.tabLive')}</span>
          </span>
        )}
      </>
    ) : (
      t('room.participants', { count })
    );

  return (
    <aside id="side-panel" className={['side', open ? 'side--open' : '', moderates ? 'side--wide' : ''].filter(Boolean).join(' ')} aria-label={t('room.sidePanel')}>
      <div className="side__head">
        <div className="side__tabs" role="tablist" aria-label={t('room.sidePanel')}>
          {TABS.map((which) => (
            <button
              key={which}
              type="button"
              role="tab"
              id={`side-tab-${which}`}
              className="side__tab"
              data-testid={`tab-${which}`}
              aria-selected={tab === which}
              aria-controls={`side-panel-${which}`}
              tabIndex={tab === which ? 0 : -1}
              ref={(element) => {
                tabRefs.current[which] = element;
              }}
              onClick={() => onTab(which)}
              onKeyDown={onTabKey}
            >
              {label(which)}
            </button>
          ))}
        </div>
        <button type="button" className="icon-btn side__close" aria-label={t('room.sideClose')} title={t('room.sideClose')} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {TABS.map((which) => (
        <div key={which} role="tabpanel" id={`side-panel-${which}`} className="side__body" aria-labelledby={`side-tab-${which}`} hidden={tab !== which}>
          {which === 'floor' ? <FloorPanel /> : which === 'voting' ? <VotingPanel /> : <ParticipantList />}
        </div>
      ))}
    </aside>
  );
}
