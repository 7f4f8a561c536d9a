import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../auth/access.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { hashPassword, policyViolation, randomPassword } from '../auth/password.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { cleanText } from '../domain/text.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { PublicUser, RoleSchema } from '../schemas/auth.ts';
import { ErrorResponse, guardedResponses } from '../schemas/common.ts';
import type { Role, UserRecord } from '../store/account-store.ts';
import { publicUser } from './auth.ts';

/** What the admin page sees of an account: what its owner sees, and its state. */
export const AdminUser = Type.Object({
  ...PublicUser.properties,
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()], { description: 'locked after failed sign-ins until then; null when not locked' }),
  createdAt: Type.String(),
});

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) });
const Assignment = {
  unitId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: '责任单位 (role unit)' })),
  gridIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200, description: 'grids (role grid_manager)' })),
};

const guarded = { 400: ErrorResponse, 404: ErrorResponse, ...guardedResponses };

/** Accounts for the admin page (create, change, disable, reset password) and a user's own password change. */
const userRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  const { accounts, townData } = app;
  const now = () => app.now();
  const adminView = (u: UserRecord) => ({
    ...publicUser(u),
    disabled: u.disabled,
    lockedUntil: u.lockedUntil !== null && u.lockedUntil > now() ? toShanghaiIso(u.lockedUntil) : null,
    createdAt: toShanghaiIso(u.createdAt),
  });

  /** Checks that a role's assignment exists in the town: a grid manager needs grids, a unit its unit. */
  function checkAssignment(role: Role, unitId: string | null, gridIds: string[]): void {
    for (const g of gridIds) if (!townData.gridById.has(g)) throw badRequest('gridIds', `未知的网格：${g}`, 'unknown_value');
    if (unitId !== null && !townData.unitById.has(unitId)) throw badRequest('unitId', `未知的责任单位：${unitId}`, 'unknown_value');
    if (role === 'grid_manager' && gridIds.length === 0) throw badRequest('gridIds', '网格员至少要分配一个网格');
    if (role === 'unit' && unitId === null) throw badRequest('unitId', '责任单位账号必须指定所属单位');
  }

  app.get(
    '/api/users',
    {
      config: { access: ['admin'] },
      schema: { tags: ['auth'], summary: '账号列表（仅管理员）', response: { 200: Type.Object({ users: Type.Array(AdminUser) }), ...guarded } },
    },
    async () => ({ users: (await accounts.listUsers()).map(adminView) }),
  );

  app.post(
    '/api/users',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '新建账号（仅管理员；初始密码随机生成，只显示这一次）',
        body: Type.Object(
          {
            username: Type.String({ minLength: 2, maxLength: 32, pattern: '^[a-z0-9_.-]+$', description: '小写字母、数字、_ . -' }),
            displayName: Type.String({ minLength: 1, maxLength: 32 }),
            role: RoleSchema,
            ...Assignment,
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ user: AdminUser, password: Type.String() }), ...guarded, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { username, role } = req.body;
      const displayName = cleanText(req.body.displayName, 'displayName', '姓名');
      const unitId = role === 'unit' ? (req.body.unitId ?? null) : null;
      const gridIds = role === 'grid_manager' ? (req.body.gridIds ?? []) : [];
      checkAssignment(role, unitId, gridIds);
      if (await accounts.userByName(username)) throw new RequestError(409, 'username_taken', 'username', `用户名 ${username} 已存在`);
      const password = randomPassword();
      const user = await accounts.createUser({ username, displayName, role, unitId, gridIds, passwordHash: await hashPassword(password) }, now());
      await app.audit(req, 'user.create', 'user', user.id, { username, role, unitId, gridIds });
      return reply.code(201).send({ user: adminView(user), password });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '修改账号：姓名、角色、网格或单位、停用（仅管理员）',
        params: IdParams,
        body: Type.Object(
          {
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
            role: Type.Optional(RoleSchema),
            disabled: Type.Optional(Type.Boolean()),
            ...Assignment,
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ user: AdminUser }), ...guarded, 409: ErrorResponse },
      },
    },
    async (req) => {
      const user = await accounts.userById(req.params.id);
      if (!user) throw notFound(`账号 ${req.params.id} 不存在`);
      const self = (req.user as UserRecord).id === user.id;
      const role = req.body.role ?? user.role;
      if (self && (role !== 'admin' || req.body.disabled === true)) {
        throw new RequestError(409, 'self_lockout', req.body.disabled ? 'disabled' : 'role', '不能停用自己或取消自己的管理员角色');
      }
      const unitId = role === 'unit' ? (req.body.unitId !== undefined ? req.body.unitId : user.unitId) : null;
      const gridIds = role === 'grid_manager' ? (req.body.gridIds ?? user.gridIds) : [];
      checkAssignment(role, unitId, gridIds);
      const displayName = req.body.displayName === undefined ? undefined : cleanText(req.body.displayName, 'displayName', '姓名');
      const next = await accounts.updateUser(user.id, { displayName, role, unitId, gridIds, disabled: req.body.disabled }, now());
      if (!next) throw notFound(`账号 ${req.params.id} 不存在`);
      // A changed role or a disabled account takes effect at once: its sessions end.
      if (next.role !== user.role || next.disabled) {
        await accounts.deleteSessionsOf(user.id);
        auth.ended({ kind: 'user', userId: user.id });
      }
      await app.audit(req, next.disabled && !user.disabled ? 'user.disable' : 'user.update', 'user', user.id, req.body);
      return { user: adminView(next) };
    },
  );

  app.post(
    '/api/users/:id/password',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '重置密码并解锁（仅管理员；新密码随机生成，只显示这一次）',
        params: IdParams,
        response: { 200: Type.Object({ password: Type.String() }), ...guarded },
      },
    },
    async (req) => {
      const user = await accounts.userById(req.params.id);
      if (!user) throw notFound(`账号 ${req.params.id} 不存在`);
      const password = randomPassword();
      await accounts.setPassword(user.id, await hashPassword(password), now());
      await auth.guard.unlock(user.username);
      auth.ended({ kind: 'user', userId: user.id });
      await app.audit(req, 'user.password_reset', 'user', user.id);
      return { password };
    },
  );

  app.post(
    '/api/users/:id/unlock',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '解除登录锁定（仅管理员；清除该账号在所有地址的失败计数）',
        params: IdParams,
        response: { 200: Type.Object({ user: AdminUser }), ...guarded },
      },
    },
    async (req) => {
      const user = await accounts.userById(req.params.id);
      if (!user) throw notFound(`账号 ${req.params.id} 不存在`);
      await auth.unlock(user);
      await app.audit(req, 'user.unlock', 'user', user.id, { wasLockedUntil: user.lockedUntil === null ? null : toShanghaiIso(user.lockedUntil) });
      return { user: adminView((await accounts.userById(user.id)) ?? user) };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'users' },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码（改后需重新登录）',
        body: Type.Object(
          { current: Type.String({ minLength: 1, maxLength: 128 }), next: Type.String({ minLength: 1, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...guarded },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      // The new password's rules first: a weak one is refused whatever the current one, so the
      // answer never confirms a guess of the current password.
      const violation = policyViolation(req.body.next, auth.policy.password);
      if (violation) throw badRequest('next', violation, 'weak_password');
      const checked = await auth.checkCurrentPassword(user, req.body.current, req.cookies[SESSION_COOKIE] ?? '', req.ip);
      if (checked === 'ended') {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        throw new RequestError(401, 'session_ended', 'current', '当前密码错误次数过多，已退出登录，请重新登录');
      }
      if (checked === 'wrong') throw badRequest('current', '当前密码不正确', 'bad_credentials');
      if (req.body.next === req.body.current) throw badRequest('next', '新密码不能与当前密码相同', 'weak_password');
      await accounts.setPassword(user.id, await hashPassword(req.body.next), now());
      auth.ended({ kind: 'user', userId: user.id });
      await app.audit(req, 'password.change', 'user', user.id);
      return reply.code(204).send(null);
    },
  );
};

export default userRoutes;
