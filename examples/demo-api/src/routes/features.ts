import type { FastifyAuth } from '@gatehouse/resource-server';
import type { FastifyInstance } from 'fastify';
import { demoUuid, digest, personName } from '../demo-data.ts';
import { companyOf, sendJsonError } from '../errors.ts';
import { PunchStore } from '../punch-store.ts';

const DAY_MS = 86_400_000;
const WEEK_START = Date.UTC(2024, 0, 1);

/**
 * Endpoints for a few catalog features (Connecteam's feature scopes), so the demo exercises
 * `<feature>.read|write` alongside users: the schedule's shifts, time-clock punches and
 * form submissions, each over the company the request reaches.
 */
export function featureRoutes(app: FastifyInstance, opts: { auth: FastifyAuth }): void {
  const { auth } = opts;
  const punches = new PunchStore();

  app.get(
    '/schedule/v1/shifts',
    { preHandler: auth.require({ scopes: ['schedule.read'], company: true }) },
    async (request) => {
      const companyId = companyOf(auth, request);
      const d = digest(`shifts:${companyId}`);
      const shifts = Array.from({ length: 7 }, (_, i) => {
        const start = WEEK_START + i * DAY_MS + (8 + ((d[i] ?? 0) % 4)) * 3_600_000;
        return {
          id: demoUuid(`shift:${companyId}:${i}`),
          assignee: personName(`company:${companyId}`, i % 5),
          start: new Date(start).toISOString(),
          end: new Date(start + 8 * 3_600_000).toISOString(),
        };
      });
      return { data: { shifts }, paging: { total: shifts.length } };
    },
  );

  app.post(
    '/time-clock/v1/punches',
    { preHandler: auth.require({ scopes: ['time_clock.write'], company: true }) },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> | null;
      const userId = body?.user_id;
      const type = body?.type;
      if (
        typeof body !== 'object' ||
        body === null ||
        typeof userId !== 'number' ||
        !Number.isSafeInteger(userId) ||
        userId < 1 ||
        (type !== 'clock_in' && type !== 'clock_out')
      )
        return reply.code(400).header('Cache-Control', 'no-store').send({
          error: 'invalid_request',
          error_description: 'send {"user_id": <positive integer>, "type": "clock_in" | "clock_out"}',
        });
      const punch = punches.add(companyOf(auth, request), userId, type);
      if (!punch)
        return sendJsonError(reply, 422, 'limit_reached', 'a demo company holds at most 1000 punches');
      reply.code(201);
      return { data: { punch } };
    },
  );

  app.get(
    '/forms/v1/submissions',
    { preHandler: auth.require({ scopes: ['forms.read'], company: true }) },
    async (request) => {
      const companyId = companyOf(auth, request);
      const submissions = Array.from({ length: 3 }, (_, i) => ({
        id: demoUuid(`submission:${companyId}:${i}`),
        form: ['Opening checklist', 'Incident report', 'Closing checklist'][i],
        submitted_by: personName(`company:${companyId}`, i),
        submitted_at: new Date(WEEK_START + i * DAY_MS).toISOString(),
      }));
      return { data: { submissions }, paging: { total: submissions.length } };
    },
  );
}
