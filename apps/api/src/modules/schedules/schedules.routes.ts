import { scheduleEndpoints } from '@slipway/contracts';
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../../lib/route.ts';
import { actorOf } from '../../plugins/authentication.ts';
import type { SchedulesService } from './schedules.service.ts';

export function registerScheduleRoutes(app: FastifyInstance, deps: { schedules: SchedulesService }): void {
  const { schedules } = deps;
  const e = scheduleEndpoints;
  registerEndpoint(app, e.list, (r) => schedules.list(actorOf(r), r.params));
  registerEndpoint(app, e.create, (r) => schedules.create(actorOf(r), r.params, r.body));
  registerEndpoint(app, e.get, (r) => schedules.get(actorOf(r), r.params, r.params.id));
  registerEndpoint(app, e.update, (r) => schedules.update(actorOf(r), r.params, r.params.id, r.body));
  registerEndpoint(app, e.delete, (r) => schedules.delete(actorOf(r), r.params, r.params.id));
}
