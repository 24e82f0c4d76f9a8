import { changePassword } from '../../use-cases/accounts/change-password';
import { getMe } from '../../use-cases/accounts/get-account';
import { refreshSession } from '../../use-cases/accounts/refresh-session';
import { requestVerification } from '../../use-cases/accounts/request-verification';
import { resetPassword } from '../../use-cases/accounts/reset-password';
import { signIn } from '../../use-cases/accounts/sign-in';
import { signOut } from '../../use-cases/accounts/sign-out';
import { signUp } from '../../use-cases/accounts/sign-up';
import { route, type RouteSpec } from './route';
import * as S from './auth-schemas';
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
        'Sends a six-digit code valid for 5 minutes (5 attempts) through the notifier; `phone` is normalised to 01XXXXXXXXX. The answer never tells whether the number has an account: ' +
        'SIGN_UP for a registered number texts its owner that someone tried to sign up instead of a code; PASSWORD_RESET and SIGN_IN for an unknown number send nothing. ' +
        'Limited per client address, per phone (short window and per day) and by a global hourly SMS budget (429 too-many-code-requests / sms-budget-exhausted, with Retry-After).',
      examples: {
        signUp: { summary: 'A florist starts signing up', value: { phone: '010-1234-5678', purpose: 'SIGN_UP' } },
        passwordReset: { summary: 'Forgot the password', value: { phone: '01012345678', purpose: 'PASSWORD_RESET' } },
        signIn: { summary: 'A sign-in that asked for a code (429 sign-in-code-required)', value: { phone: '01012345678', purpose: 'SIGN_IN' } },
      },
      links: {
        SignUp: { operationId: 'signUp', description: 'Sign up with the code the SMS brought.' },
        ResetPassword: { operationId: 'resetPassword', description: 'Or set a new password with it (PASSWORD_RESET).' },
        SignIn: { operationId: 'signIn', description: 'Or sign in with it and the password (SIGN_IN).' },
      },
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
      description: 'Creates the account with a phone proved by a SIGN_UP verification (the same phone, unexpired, within its attempts; else 400 verification-failed) and signs in. Roles RETAILER and WHOLESALER_OWNER; WHOLESALER_STAFF needs `invitationCode`, the unused, unexpired code its owner created (missing: 400 at invitationCode; wrong: 400 invitation-invalid). The password: 8–128 characters with at least one letter (Latin or Hangul) and one digit, no whitespace, and it must not contain the phone number’s eight digits after 01X (400 validation-failed at the password field). A phone with an account: 409 phone-already-registered.',
      location: () => '/v1/me',
      examples: { florist: { summary: 'A florist (retailer)', value: { verificationId: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', code: '123456', phone: '010-1234-5678', name: '꽃담플라워', password: 'rose-garden-2026', role: 'RETAILER' } }, staff: { summary: 'A wholesaler’s staff member with the owner’s invitation code', value: { verificationId: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', code: '654321', phone: '010-5555-1234', name: '김직원', password: 'dawn-market-7', role: 'WHOLESALER_STAFF', invitationCode: 'K7Q2-M9XD' } } },
      links: { GetMe: { operationId: 'getMe', description: 'The account just created (send the access token from `tokens`).' } },
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
        'Answers the same 401 invalid-credentials for an unknown phone and a wrong password; a disabled account gets 403 account-disabled. All attempts are limited per client address. ' +
        'Failures from one address for one phone make that address wait longer and longer (429 too-many-sign-in-attempts, Retry-After); ' +
        'after many failures for a phone from anywhere, a password alone is not enough from an address the phone has not signed in from lately (429 sign-in-code-required): ' +
        'request a SIGN_IN code and send it with the password. No lock-out: the owner at another address, or with the code, always gets in.',
      examples: {
        florist: { summary: 'Phone and password', value: { phone: '010-1234-5678', password: 'rose-garden-2026' } },
        withCode: {
          summary: 'After 429 sign-in-code-required: with a SIGN_IN code',
          value: { phone: '010-1234-5678', password: 'rose-garden-2026', verificationId: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', code: '123456' },
        },
      },
      links: { GetMe: { operationId: 'getMe', description: 'Who signed in (send `accessToken` as the bearer token).' }, Refresh: { operationId: 'refreshSession', description: 'Rotate `refreshToken` before the access token expires.' } },
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
      description: 'The presented refresh token is spent and a new pair is returned. Presenting a spent token again revokes its whole family (every token of that sign-in): 401 invalid-refresh-token. A disabled account gets 403 account-disabled.',
      examples: { rotate: { summary: 'The refresh token from sign-in', value: { refreshToken: 'rt_3q2Vx0d9QmE1c8b7aZk5Yw' } } },
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
      description: 'Revokes the refresh token’s family (this device’s session); other devices stay signed in. Answers 204 whether or not the token was known. Access tokens already issued stay valid until they expire.',
      examples: { signOut: { summary: 'The refresh token of this device', value: { refreshToken: 'rt_3q2Vx0d9QmE1c8b7aZk5Yw' } } },
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
      description: 'Needs a PASSWORD_RESET verification of this phone (unexpired, within its attempts; else 400 verification-failed). The password: 8–128 characters with at least one letter (Latin or Hangul) and one digit, no whitespace, and it must not contain the phone number’s eight digits after 01X (400 validation-failed at the password field). Every session of the account is signed out.',
      examples: { reset: { summary: 'The code from the SMS and a new password', value: { verificationId: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b', code: '123456', phone: '010-1234-5678', newPassword: 'new-bouquet-88' } } },
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
      description: 'The account behind the access token; for owners and staff also the wholesaler they act for.',
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
      description: 'Needs the current password (403 wrong-password). The new password: 8–128 characters with at least one letter (Latin or Hangul) and one digit, no whitespace, and it must not contain the phone number’s eight digits after 01X (400 validation-failed at the password field). Signs every other session out and returns a fresh session for this one.',
      examples: { change: { summary: 'Current and new password', value: { currentPassword: 'rose-garden-2026', newPassword: 'peony-season-9' } } },
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
