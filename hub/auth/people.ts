/**
 * The people directory over HTTP, `Authorization: Bearer <token>` (a login session):
 *
 *   GET /api/people → { people: [{ id, displayName, role, departmentCode }] }
 *
 * Timelines and operation command logs name people by user id; the directory lets a window say
 * who that is. Every role may read it, on purpose: each role already sees these names on the
 * cases and operations it shares with others, and the directory carries nothing more — no
 * username (half of a login), no password hash or salt, no subdistrict scope, no lockout state.
 * The answer is parsed with the shared schema before it leaves, so a column added to `users`
 * later cannot leak through here.
 */
import type { HubCore } from '../core';
import { bearer, send, type Route } from '../transport/http';
import { DomainError } from '../../shared/domain/errors';
import { PEOPLE_MAX, PeopleResponseSchema, type PeopleResponse } from '../../shared/protocol';

export async function peopleDirectory(core: HubCore): Promise<PeopleResponse> {
  const users = await core.users.list(PEOPLE_MAX);
  return PeopleResponseSchema.parse({ people: users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role, departmentCode: u.departmentCode })) });
}

export function peopleRoutes(core: HubCore): Map<string, Route> {
  const routes = new Map<string, Route>();
  routes.set('GET /api/people', async (req, res, url) => {
    // Any signed-in role (see above); no session, no names.
    const user = await core.users.authenticate(bearer(req));
    if (!user) throw new DomainError('unauthenticated', 'a valid session token is required (Authorization: Bearer <token>)');
    if ([...url.searchParams.keys()].length) throw new DomainError('invalid_input', 'GET /api/people takes no parameters');
    send(res, 200, await peopleDirectory(core));
  });
  return routes;
}
