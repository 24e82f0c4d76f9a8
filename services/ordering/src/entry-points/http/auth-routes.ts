import { changePassword } from '../../use-cases/accounts/change-password';
import { getMe } from '../../use-cases/accounts/get-account';
import { refreshSession } from '../../use-cases/accounts/refresh-session';
import { requestVerification } from '../../use-cases/accounts/request-verification';
import { resetPassword } from '../../use-cases/accounts/reset-password';
import { signIn } from '../../use-cases/accounts/sign-in';
import { signOut } from '../../use-cases/accounts/sign-out';
import { signUp } from '../../use-cases/accounts/sign-up';
import { route, type RouteSpec } from './route';
import * as S from './schemas';
import { toAccount, toTokens } from './views';

/** Accounts and sessions: the public sign-up/sign-in flow and the caller's own account. */
export function authRoutes(): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/auth/verifications',
      operationId: 'requestVerification',
      summary: 'Send an SMS verification code (sign-up, password reset, or a sign-in that needs one)',
      description:
        'Sends a six-digit code valid for 5 minutes (5 attempts) through the notifier. The answer never tells whether the number has an account: ' +
        'SIGN_UP for a registered number texts its owner that someone tried to sign up instead of a code; PASSWORD_RESET and SIGN_IN for an unknown number send nothing. ' +
        'Limited per client address, per phone (short window and per day) and by a global hourly SMS budget (429 too-many-code-requests / sms-budget-exhausted, with Retry-After).',
      tags: ['auth'],
      auth: 'public',
      body: S.VerificationRequest,
      status: 202,
      response: S.VerificationStarted,
      errors: [429],
      run: ({ ctx, body }) => requestVerification(ctx, body),
      respond: (r) => ({ verificationId: r.verificationId, expiresAt: r.expiresAt.toISOString() }),
    }),
    route({
      method: 'post',
      path: '/v1/auth/sign-up',
      operationId: 'signUp',
      summary: 'Create an account with a verified phone, and sign in',
      description: 'Roles RETAILER, WHOLESALER_OWNER, or WHOLESALER_STAFF with the invitation code its owner created.',
      tags: ['auth'],
      auth: 'public',
      body: S.SignUpRequest,
      status: 201,
      response: S.SignedUp,
      errors: [409],
      run: ({ ctx, body }) => signUp(ctx, body),
      respond: (r) => ({ account: toAccount(r.account), tokens: toTokens(r.session) }),
    }),
    route({
      method: 'post',
      path: '/v1/auth/sign-in',
      operationId: 'signIn',
      summary: 'Sign in with phone and password',
      description:
        'All attempts are limited per client address. Failures from one address for one phone make that address wait longer and longer (429 too-many-sign-in-attempts, Retry-After); ' +
        'after many failures for a phone from anywhere, a password alone is not enough from an address the phone has not signed in from lately (429 sign-in-code-required): ' +
        'request a SIGN_IN code and send it with the password. No lock-out: the owner at another address, or with the code, always gets in.',
      tags: ['auth'],
      auth: 'public',
      body: S.SignInRequest,
      status: 200,
      response: S.Tokens,
      errors: [401, 403, 429],
      run: ({ ctx, body }) => signIn(ctx, body),
      respond: toTokens,
    }),
    route({
      method: 'post',
      path: '/v1/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Rotate the refresh token for a new access token',
      description: 'The presented refresh token is spent. Presenting a spent token again revokes its whole family (every token of that sign-in).',
      tags: ['auth'],
      auth: 'public',
      body: S.RefreshRequest,
      status: 200,
      response: S.Tokens,
      errors: [401, 403],
      run: ({ ctx, body }) => refreshSession(ctx, body),
      respond: toTokens,
    }),
    route({
      method: 'post',
      path: '/v1/auth/sign-out',
      operationId: 'signOut',
      summary: 'Revoke this session (the refresh token’s family)',
      tags: ['auth'],
      auth: 'public',
      body: S.RefreshRequest,
      status: 204,
      run: ({ ctx, body }) => signOut(ctx, body),
    }),
    route({
      method: 'post',
      path: '/v1/auth/password-reset',
      operationId: 'resetPassword',
      summary: 'Set a new password with an SMS code (PASSWORD_RESET verification)',
      tags: ['auth'],
      auth: 'public',
      body: S.PasswordResetRequest,
      status: 204,
      run: ({ ctx, body }) => resetPassword(ctx, body),
    }),
    route({
      method: 'get',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'The caller’s account',
      tags: ['me'],
      auth: 'bearer',
      status: 200,
      response: S.Account,
      run: ({ ctx, actor }) => getMe(ctx, actor),
      respond: (r) => toAccount(r.account, r.wholesaler?.owner.name ?? null),
    }),
    route({
      method: 'post',
      path: '/v1/me/password',
      operationId: 'changePassword',
      summary: 'Change the password (signs every other session out)',
      tags: ['me'],
      auth: 'bearer',
      body: S.PasswordChangeRequest,
      status: 200,
      response: S.Tokens,
      errors: [403],
      run: ({ ctx, actor, body }) => changePassword(ctx, actor, body),
      respond: toTokens,
    }),
  ];
}
