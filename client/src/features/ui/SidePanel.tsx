import { useEffect, useRef, type KeyboardEvent } from 'react';
import { can } from '@consult/shared';
import { useStore } from '../../store';
import { useT } from '../../i18n';
import { FloorPanel } from '../floor/FloorPanel';
import { ParticipantList } from '../participants/ParticipantList';
import { VotingPanel } from '../voting/VotingPanel';
import { MinutesTab, MinutesTabLabel, selectMinutesTab } from '../transcript/MinutesTab';
import { SitesPanel, SitesTabLabel } from '../studios/SitesPanel';
import { selectOpenMotion } from '../voting/slice';
import { Icon } from './Icon';

export type SideTab = 'floor' | 'voting' | 'minutes' | 'sites' | 'people';
const TABS: SideTab[] = ['floor', 'voting', 'minutes', 'sites', 'people'];

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
  const minutesTab = useStore(selectMinutesTab);
  // The 纪要 tab is the moderator's (the clerk has the transcript and the minutes as the main area).
  // 会场 (sites, studio feeds, the public stream) is the moderator's.
  const tabs = TABS.filter((which) => which !== 'minutes' || minutesTab).filter((which) => which !== 'sites' || moderates);
  const tabRefs = useRef<Record<SideTab, HTMLButtonElement | null>>({ floor: null, voting: null, minutes: null, sites: null, people: null });

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
    const index = tabs.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? tabs[(index + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(index + tabs.length - 1) % tabs.length]
          : event.key === 'Home'
            ? tabs[0]
            : event.key === 'End'
              ? tabs[tabs.length - 1]
              : undefined;
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
    ) : which === 'sites' ? (
      <SitesTabLabel />
    ) : which === 'minutes' ? (
      <MinutesTabLabel />
    ) : (
      t('room.participants', { count })
    );

  return (
    <aside
      id="side-panel"
      className={['side', open ? 'side--open' : '', moderates ? 'side--wide' : ''].filter(Boolean).join(' ')}
      aria-label={t('room.sidePanel')}
    >
      <div className="side__head">
        <div className="side__tabs" role="tablist" aria-label={t('room.sidePanel')}>
          {tabs.map((which) => (
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
      {tabs.map((which) => (
        <div key={which} role="tabpanel" id={`side-panel-${which}`} className="side__body" aria-labelledby={`side-tab-${which}`} hidden={tab !== which}>
          {which === 'floor' ? (
            <FloorPanel />
          ) : which === 'voting' ? (
            <VotingPanel />
          ) : which === 'minutes' ? (
            <MinutesTab />
          ) : which === 'sites' ? (
            <SitesPanel />
          ) : (
            <ParticipantList />
          )}
        </div>
      ))}
    </aside>
  );
}
