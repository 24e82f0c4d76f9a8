import { getOwnRetailer } from '../../use-cases/retailers/get-retailer';
import { updateRetailerProfile } from '../../use-cases/retailers/update-retailer-profile';
import { route, type RouteSpec } from './route';
import * as S from './schemas';
import { toRetailer } from './views';

const RETAILER = ['RETAILER'] as const;

/** A retailer's own shop and business profile (what statements print as 공급받는자). */
export function retailerRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/retailer',
      operationId: 'getOwnRetailer',
      summary: 'The caller’s shop and business profile (retailers)',
      description: 'The profile is null until the retailer saves one; statements then name the retailer only.',
      tags: ['me'],
      auth: 'bearer',
      roles: RETAILER,
      status: 200,
      response: S.Retailer,
      run: ({ ctx, actor }) => getOwnRetailer(ctx, actor),
      respond: (r) => toRetailer(r.account, r.profile),
    }),
    route({
      method: 'put',
      path: '/v1/retailer/profile',
      operationId: 'updateRetailerProfile',
      summary: 'Create or replace the retailer’s business profile',
      description:
        'The business registration number must be checksum-valid (400 validation-failed otherwise). Publishes retailer.profile.updated: billing prints 등록번호, 상호, 대표자 and 사업장 주소 (and 업태/종목 when given) as 공급받는자 on the retailer’s next statements.',
      examples: { profile: { summary: 'A flower shop as printed on statements (공급받는자)', value: { businessNumber: '214-81-09384', companyName: '주식회사 꿀벌원예 양재본점', representative: '이꽃집', address: '서울특별시 서초구 양재대로 123 꿀벌빌딩 1층', businessType: '소매', businessItem: '화초 및 산식물' } } },
      tags: ['me'],
      auth: 'bearer',
      roles: RETAILER,
      body: S.RetailerProfileInput,
      status: 200,
      response: S.Retailer,
      run: ({ ctx, actor, body }) => updateRetailerProfile(ctx, actor, body),
      respond: (r) => toRetailer(r.account, r.profile),
    }),
  ];
}
