import { Type } from 'typebox';
import { ROLES } from '../store/account-store.ts';

/** Who is signed in; the client takes its types from these. */

export const RoleSchema = Type.Enum(ROLES, { description: 'admin 创文办 · leader 领导 · grid_manager 网格员 · unit 责任单位 · display 大屏' });

export const PublicUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  unitId: Type.Union([Type.String(), Type.Null()]),
  gridIds: Type.Array(Type.String()),
});

export const Me = Type.Object({
  user: Type.Union([PublicUser, Type.Null()], { description: 'the signed-in user; null for a display device' }),
  display: Type.Union([Type.Object({ name: Type.String() }), Type.Null()], { description: 'a wall screen: reads aggregated data only' }),
});
