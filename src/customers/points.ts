import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { atLocation, atLocationOne } from '../locations/where.ts';
import { notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { normalizePhone } from './phone.ts';
import type { EarnRequest, EarnResult, PointsAdjustment, PointsChange, PointsResult } from './schemas.ts';

// Points move only through the SQL functions (points_add, points_redeem, points_adjust, loyalty_earn):
// each locks the customer row, checks the balance under the lock, and writes the ledger row, the
// balance and the loyalty_updated event in the caller's transaction. Both doors call these. Each runs
// at its location (locations/where.ts), which the ledger row and the event record. Add, redeem and
// adjust are one statement each: given the pool (an API request with no Idempotency-Key and no site)
// they run as a lone statement, its own transaction, in one round trip (atLocationOne).

const checkCustomerId = (id: string) => {
  if (!Id.safeParse(id).success) throw notFound('Customer');
};

export async function addPoints(db: Db, caller: Caller, customerId: string, input: PointsChange): Promise<PointsResult> {
  authorize(caller, 'points.add');
  checkCustomerId(customerId);
  return atLocationOne(db, caller, input.locationId, async (tx) => {
    const [{ r }] = await tx`select points_add(${caller.tenantId}, ${customerId}, ${input.points}, ${input.reason ?? null},
      ${input.orderId ?? null}, ${caller.actor}) as r`;
    return r as PointsResult;
  });
}

/** Refused with 409 insufficient_points (`available`, `requested`) when the balance is short. */
export async function redeemPoints(db: Db, caller: Caller, customerId: string, input: PointsChange): Promise<PointsResult> {
  authorize(caller, 'points.redeem');
  checkCustomerId(customerId);
  return atLocationOne(db, caller, input.locationId, async (tx) => {
    const [{ r }] = await tx`select points_redeem(${caller.tenantId}, ${customerId}, ${input.points}, ${input.reason ?? null},
      ${input.orderId ?? null}, ${caller.actor}) as r`;
    return r as PointsResult;
  });
}

/** A signed correction with a reason; refused with 409 insufficient_points if it would go below zero. */
export async function adjustPoints(db: Db, caller: Caller, customerId: string, input: PointsAdjustment): Promise<PointsResult> {
  authorize(caller, 'points.adjust');
  checkCustomerId(customerId);
  return atLocationOne(db, caller, input.locationId, async (tx) => {
    const [{ r }] = await tx`select points_adjust(${caller.tenantId}, ${customerId}, ${input.points}, ${input.reason}, ${caller.actor}) as r`;
    return r as PointsResult;
  });
}

/** Points for an order total under the tenant's earn rule (never chosen by the client); enrols an unknown phone. */
export async function earnPoints(db: Db, caller: Caller, input: EarnRequest): Promise<EarnResult> {
  authorize(caller, 'loyalty.earn');
  const phone = normalizePhone(input.phone, caller.defaultCountry);
  return atLocation(db, caller, input.locationId, async (tx) => {
    const [{ r }] = await tx`select loyalty_earn(${caller.tenantId}, ${phone}, ${input.orderTotalCents},
      ${input.orderId ?? null}, ${input.name ?? null}, ${caller.actor}) as r`;
    return r as EarnResult;
  });
}
