import type { AgendaItem, FloorRequestType } from '@consult/shared';
import { useStore } from '../../store';
import { useT, type MessageKey } from '../../i18n';
import { selectName, selectSiteId, selectSiteName } from './slice';

const NO_AGENDA: AgendaItem[] = [];

/** The catalogue key naming a request type (发言 / 插话 / 程序性发言). */
export function typeKey(type: FloorRequestType): MessageKey {
  return `floor.type.${type}`;
}

/** The current agenda item as "议题 1/2：title" (or "自由讨论" without an agenda). */
export function useAgendaLabel(): string {
  const t = useT();
  const agenda = useStore((s) => s.consultation?.agenda ?? NO_AGENDA);
  const current = useStore((s) => s.floor?.agendaItemId ?? null);
  const index = agenda.findIndex((item) => item.id === current);
  const item = agenda[index];
  return item ? t('floor.agendaOf', { n: index + 1, total: agenda.length, title: item.title }) : t('floor.agendaGeneral');
}

/** A participant's name and site for the floor's lists, also after they left. */
export function usePerson(participantId: string): { name: string; siteName: string | null } {
  const t = useT();
  const name = useStore((s) => selectName(s, participantId));
  const siteName = useStore((s) => selectSiteName(s, selectSiteId(s, participantId)));
  return { name: name ?? t('floor.unknownPerson'), siteName };
}
