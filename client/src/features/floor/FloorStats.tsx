import { useMemo } from 'react';
import { useStore } from '../../store';
import { roleKey, useT } from '../../i18n';
import { Icon } from '../ui/Icon';
import { refreshReport } from './actions';
import { formatClock } from './time';

/**
 * How often and how long each site and each person has spoken in this consultation,
 * so the chair can keep the floor fair between the city and the counties.
 */
export function FloorStats() {
  const t = useT();
  const report = useStore((s) => s.floorReport);
  const sites = useStore((s) => s.consultation?.sites);
  const siteName = useMemo(() => new Map((sites ?? []).map((site) => [site.id, site.name])), [sites]);
  const maxSiteMs = Math.max(1, ...(report?.bySite.map((site) => site.totalMs) ?? [0]));

  return (
    <section className="floor-section floor-stats" data-testid="floor-stats" aria-labelledby="floor-stats-title">
      <div className="floor-section__head">
        <h3 id="floor-stats-title" className="floor-section__title">
          {t('floor.stats')}
        </h3>
        <button
          type="button"
          className="icon-btn icon-btn--bordered"
          aria-label={t('floor.statsRefresh')}
          title={t('floor.statsRefresh')}
          onClick={refreshReport}
        >
          <Icon name="refresh" size={18} />
        </button>
      </div>
      {!report ? (
        <p className="hint">{t('floor.statsEmpty')}</p>
      ) : (
        <>
          <table className="stats-table" data-testid="floor-stats-sites">
            <caption className="stats-table__caption">{t('floor.statsBySite')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('floor.statsSite')}</th>
                <th scope="col" className="num">
                  {t('floor.statsCount')}
                </th>
                <th scope="col" className="num">
                  {t('floor.statsTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.bySite.map((site) => (
                <tr key={site.siteId} data-site-id={site.siteId}>
                  <th scope="row">
                    {site.name}
                    <span className="stats-bar" aria-hidden="true">
                      <span className="stats-bar__fill" style={{ width: `${(site.totalMs / maxSiteMs) * 100}%` }} />
                    </span>
                  </th>
                  <td className="num">{site.count}</td>
                  <td className="num">{formatClock(site.totalMs, 'down')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="stats-table" data-testid="floor-stats-people">
            <caption className="stats-table__caption">{t('floor.statsByPerson')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('floor.statsName')}</th>
                <th scope="col">{t('floor.statsSite')}</th>
                <th scope="col" className="num">
                  {t('floor.statsCount')}
                </th>
                <th scope="col" className="num">
                  {t('floor.statsTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {report.byParticipant.map((person) => (
                <tr key={person.participantId} data-participant-id={person.participantId} className={person.count === 0 ? 'stats-table__row--none' : undefined}>
                  <th scope="row">
                    {person.name}
                    {person.role === 'studio' && <span className="visually-hidden">{t(roleKey('studio'))}</span>}
                  </th>
                  <td>{siteName.get(person.siteId) ?? ''}</td>
                  <td className="num">{person.count}</td>
                  <td className="num">{formatClock(person.totalMs, 'down')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
