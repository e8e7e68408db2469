/** The district's rules for the hub: regions, catalog, calendar and departments from resources/. */
import { z } from 'zod';
import { createRegionIndex, subdistrictCollectionSchema, communityCollectionSchema } from '../shared/domain/regions';
import { parseCatalog } from '../shared/domain/catalog';
import { createCalendar, holidaysFromData } from '../shared/domain/calendar';
import { dueAfter } from '../shared/domain/deadlines';
import type { Rules } from './commands/context';
import { readResource } from './resources';

const DepartmentsFile = z.object({ items: z.array(z.object({ code: z.string().min(1), name: z.string(), kind: z.string() })) });

export function loadRules(): Rules {
  const regions = createRegionIndex({
    subdistricts: subdistrictCollectionSchema.parse(readResource('district/subdistricts.geojson')),
    communities: communityCollectionSchema.parse(readResource('district/communities.geojson')),
  });
  const catalog = parseCatalog(readResource('catalog/categories.json'));
  const { holidays, workdays } = holidaysFromData(readResource('calendar/holidays.json'));
  const calendar = createCalendar({ holidays, workdays });
  const departments = new Set(DepartmentsFile.parse(readResource('district/departments.json')).items.map((d) => d.code));
  return {
    locate: (point) => regions.locate(point),
    checkCategory(code, urgency) {
      catalog.urgency(code, urgency);
      return { owner: catalog.category(code).owner };
    },
    dispatchDue: (code, urgency, at) => dueAfter(calendar, at, catalog.urgency(code, urgency).dispatch),
    handlingDue: (code, urgency, at) => dueAfter(calendar, at, catalog.urgency(code, urgency).handling),
    extend: (code, urgency, from, hours) => dueAfter(calendar, from, { hours, basis: catalog.urgency(code, urgency).handling.basis }),
    isDepartment: (code) => departments.has(code),
  };
}
