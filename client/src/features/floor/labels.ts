import type { AgendaItem, FloorRequestType } from '@consult/shared';
import { useStore } from '../../store';
import { useT, type MessageKey } from '../../i18n';

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
