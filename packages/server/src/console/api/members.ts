import { Type } from '@sinclair/typebox';
import { membershipJson } from '../../users/wire.ts';
import { type ApiRoute, route } from './route.ts';
import { DateTime, Id } from './schemas.ts';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')], {
  description: 'admin (grants access, manages apps) or member (reads)',
});
const MembershipView = Type.Object(
  { user_id: Type.String(), company_id: Type.String(), role: Type.String(), created_at: DateTime },
  { description: 'A user’s role in a company' },
);
const CompanyParams = Type.Object({ id: Id('the company id') }, { additionalProperties: false });
const MemberParams = Type.Object(
  { id: Id('the company id'), userId: Id('the user id') },
  { additionalProperties: false },
);
const TAG = 'operator: memberships';

export const memberRoutes: ApiRoute[] = [
  route({
    method: 'GET',
    url: '/companies/:id/members',
    operationId: 'listMembers',
    summary: "A company's members with their roles, oldest first (operator key)",
    tag: TAG,
    operator: true,
    schema: {
      params: CompanyParams,
      response: { 200: Type.Object({ items: Type.Array(MembershipView) }) },
    },
    errors: [400, 403, 404],
    async handler({ gh, params }) {
      return { items: (await gh.memberships.list(params.id)).map(membershipJson) };
    },
  }),
  route({
    method: 'POST',
    url: '/companies/:id/members',
    operationId: 'addMember',
    summary: 'Add a user to a company with a role; 409 if they already belong to it (operator key)',
    tag: TAG,
    operator: true,
    schema: {
      params: CompanyParams,
      body: Type.Object({ user_id: Id('the user id'), role: Role }, { additionalProperties: false }),
      response: { 201: MembershipView },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body, reply }) {
      const m = await gh.memberships.add(body.user_id, params.id, body.role, caller.actor);
      reply.code(201);
      return membershipJson(m);
    },
  }),
  route({
    method: 'PATCH',
    url: '/companies/:id/members/:userId',
    operationId: 'setMemberRole',
    summary:
      "Change a member's role: a demoted admin loses admin rights at once; the last admin cannot be demoted (409)",
    tag: TAG,
    operator: true,
    schema: {
      params: MemberParams,
      body: Type.Object({ role: Role }, { additionalProperties: false }),
      response: { 200: MembershipView },
    },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, body }) {
      return membershipJson(await gh.memberships.setRole(params.userId, params.id, body.role, caller.actor));
    },
  }),
  route({
    method: 'DELETE',
    url: '/companies/:id/members/:userId',
    operationId: 'removeMember',
    summary:
      'Remove a user from a company: what the role allowed ends at once, their tokens for it are revoked; never the last admin (409)',
    tag: TAG,
    operator: true,
    schema: { params: MemberParams, response: { 204: null } },
    errors: [400, 403, 404, 409],
    async handler({ gh, caller, params, reply }) {
      await gh.memberships.remove(params.userId, params.id, caller.actor);
      reply.code(204);
      return null;
    },
  }),
];
