import { z } from 'zod';

/** What a caller may do. `admin` implies every other scope. */
export const Scope = z.enum([
  'agents:read',
  'agents:write',
  'sessions:create',
  'simulations:write',
  'admin',
]);
export type Scope = z.infer<typeof Scope>;

/** End users signed in through Supabase get everything but `admin`. */
export const END_USER_SCOPES: readonly Scope[] = [
  'agents:read',
  'agents:write',
  'sessions:create',
  'simulations:write',
];

export const ALL_SCOPES: readonly Scope[] = Scope.options;
