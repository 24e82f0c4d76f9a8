import { AccountSchema, ConnectionSchema, RetailerProfileSchema, WholesalerSchema } from './data-access/entities';
import { readConfig } from './config';
import type { Actor } from './domain/actor';
import { actorOf } from './use-cases/accounts/issue-session';
import { createAccount } from './use-cases/accounts/create-account';
import { applyForConnection } from './use-cases/connections/apply-for-connection';
import { decideConnection } from './use-cases/connections/decide-connection';
import type { UseCaseContext } from './use-cases/context';
import { updateRetailerProfile } from './use-cases/retailers/update-retailer-profile';
import { updateWholesalerProfile } from './use-cases/wholesalers/update-wholesaler-profile';

/**
 * Demo data for `npm run up`: a retailer with a business profile (printed as 공급받는자), a
 * wholesaler owner with a valid business profile and a staff member, an admin, and a CONFIRMED connection between the retailer and the wholesaler.
 * Idempotent (accounts are found by phone; the connection is made once); runs only with APP_ENV
 * local or test. The demo password is not in git: it comes from DEMO_PASSWORD, which `npm run up`
 * generates once per checkout (.stack/secrets.json). Prints the demo logins to stdout.
 */
const DEMO = {
  admin: { phone: '01000000001', name: '운영자', role: 'ADMIN' as const },
  retailer: { phone: '01011112222', name: '꽃담플라워', role: 'RETAILER' as const },
  owner: { phone: '01098765432', name: '양재꽃상회', role: 'WHOLESALER_OWNER' as const },
  staff: { phone: '01033334444', name: '김직원', role: 'WHOLESALER_STAFF' as const },
};

async function ensureAccount(ctx: UseCaseContext, spec: (typeof DEMO)[keyof typeof DEMO], password: string, ownerId?: string) {
  const existing = await ctx.em.findOne(AccountSchema, { phone: spec.phone });
  return existing ?? createAccount(ctx, { ...spec, password, ...(ownerId ? { ownerId } : {}) });
}

async function main(): Promise<void> {
  const config = readConfig();
  if (config.runtime.appEnv !== 'local' && config.runtime.appEnv !== 'test') {
    throw new Error(`seed-demo runs only with APP_ENV=local or test (not ${config.runtime.appEnv})`);
  }
  if (!config.demoPassword) throw new Error('seed-demo needs DEMO_PASSWORD (npm run up generates one)');
  // A letter and a digit, whatever the random part holds, so the password policy always accepts it.
  const password = `${config.demoPassword}-7a`;
  const { createService } = await import('./service.js');
  const service = await createService({ ...config, runtime: { ...config.runtime, logLevel: 'warn' } });
  try {
    await service.runtime.migrate();
    const ctx = service.context();
    await ensureAccount(ctx, DEMO.admin, password);
    const retailer = await ensureAccount(ctx, DEMO.retailer, password);
    const owner = await ensureAccount(ctx, DEMO.owner, password);
    await ensureAccount(ctx, DEMO.staff, password, owner.id);
    const ownerActor: Actor = actorOf(owner);
    const wholesaler = await ctx.em.fork().findOne(WholesalerSchema, { id: owner.id });
    if (wholesaler && wholesaler.profileVersion === 0) {
      await updateWholesalerProfile(ctx, ownerActor, {
        businessNumber: '220-81-62517',
        companyName: '양재꽃상회',
        representative: '김꽃님',
        address: '서울특별시 서초구 강남대로 27 양재꽃시장 가동 101호',
        phone: '02-579-1234',
        businessType: '도소매',
        businessItem: '화훼',
        bankAccount: '농협 123-4567-8901-23 김꽃님',
        sealImageUrl: null,
      });
    }
    if (!(await ctx.em.fork().findOne(RetailerProfileSchema, { retailerId: retailer.id }))) {
      await updateRetailerProfile(ctx, actorOf(retailer), {
        businessNumber: '120-88-00767',
        companyName: '꽃담플라워',
        representative: '이꽃담',
        address: '서울특별시 서초구 양재대로 12 1층',
        businessType: '소매',
        businessItem: '꽃, 화분',
      });
    }
    const confirmed = await ctx.em.fork().count(ConnectionSchema, { retailerId: retailer.id, wholesalerId: owner.id, status: 'CONFIRMED' });
    if (confirmed === 0) {
      const applied = await applyForConnection(ctx, actorOf(retailer), { wholesalerId: owner.id });
      await decideConnection(ctx, ownerActor, applied.connection.id, 'CONFIRMED');
    }
    const lines = Object.entries(DEMO).map(([who, s]) => `    ${who.padEnd(9)} ${s.phone}   (${s.role}, ${s.name})`);
    process.stdout.write(
      `Demo logins (POST /v1/auth/sign-in with phone + password; every demo account has the same password):\n    password  ${password}\n${lines.join('\n')}\n`,
    );
  } finally {
    await service.runtime.orm.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'ordering', msg: 'seed-demo failed', err: String(error instanceof Error ? error.stack : error) })}\n`);
  process.exit(1);
});
