/**
 * Cases the fuzzer finds failing on main today, grouped by the item of issue 10 that fixes them (or the
 * file that must change, where no item covers it yet).
 * THE INTEGRATOR EMPTIES THIS LIST as those fixes land: a case listed here that passes fails the suite
 * ("remove it"), and any failing case not listed here fails it too. Nothing else marks a case as known.
 * Entries are case names, `<METHOD> <path template> <what was changed>`; an entry ending in ` *` names every
 * case that starts with the rest (for one cause behind many cases).
 */
export const KNOWN_FAILURES: string[] = [
  // Item 7 (date and time input): Postgres 22008/22009/22023 reach the one error path as 500s.
  'GET /api/v1/orders query since="0000-01-01T00:00:00Z"',
  'GET /api/v1/orders query since="9999-12-31T23:59:59-23:59"',
  'POST /api/v1/gift-cards body expiresAt="0000-01-01T00:00:00Z"',
  'POST /api/v1/gift-cards body expiresAt="9999-12-31T23:59:59-23:59"',
  'GET /api/v1/reports/daily query date="0000-01-01"',
  'GET /api/v1/reports/daily query tz="US/Pacific-New"',
  'GET /api/v1/reports/daily/range query tz="US/Pacific-New"',
  // Item 8 (a body limit on every route, checked before parsing): admin forms parse a 1 MB body.
  'POST /:tenant/admin/login login body of 1 MB',
  'POST /:tenant/admin/customers customers body of 1 MB',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} add body of 1 MB',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} redeem body of 1 MB',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} adjust body of 1 MB',
  'POST /:tenant/admin/pos/enrol enrol body of 1 MB',
  'POST /:tenant/admin/pos/:id/:action{add|redeem} add body of 1 MB',
  'POST /:tenant/admin/pos/:id/:action{add|redeem} redeem body of 1 MB',
  'POST /:tenant/admin/gift-cards gift-cards body of 1 MB',
  'POST /:tenant/admin/gift-cards/redeem redeem body of 1 MB',
  'POST /:tenant/admin/gift-cards/void void body of 1 MB',
  'POST /:tenant/admin/reconciliation/:id/resolve resolve body of 1 MB',
  'POST /:tenant/admin/keys keys body of 1 MB',
  'POST /:tenant/admin/settings settings body of 1 MB',
  'POST /:tenant/admin/orders/:id/status status body of 1 MB',
  // No item yet: a malformed multipart body makes the admin form parser throw (500). Fix in
  // src/admin/forms.ts formFields and src/admin/signIn.tsx (c.req.parseBody): a body that does not parse is a 400.
  'POST /:tenant/admin/login login content-type multipart, malformed',
  'POST /:tenant/admin/customers customers content-type multipart, malformed',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} add content-type multipart, malformed',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} redeem content-type multipart, malformed',
  'POST /:tenant/admin/customers/:id/points/:action{add|redeem|adjust} adjust content-type multipart, malformed',
  'POST /:tenant/admin/pos/enrol enrol content-type multipart, malformed',
  'POST /:tenant/admin/pos/:id/:action{add|redeem} add content-type multipart, malformed',
  'POST /:tenant/admin/pos/:id/:action{add|redeem} redeem content-type multipart, malformed',
  'POST /:tenant/admin/gift-cards gift-cards content-type multipart, malformed',
  'POST /:tenant/admin/gift-cards/redeem redeem content-type multipart, malformed',
  'POST /:tenant/admin/gift-cards/void void content-type multipart, malformed',
  'POST /:tenant/admin/reconciliation/:id/resolve resolve content-type multipart, malformed',
  'POST /:tenant/admin/keys keys content-type multipart, malformed',
  'POST /:tenant/admin/settings settings content-type multipart, malformed',
  'POST /:tenant/admin/orders/:id/status status content-type multipart, malformed',
  // No item yet: text that is not well-formed Unicode (a lone surrogate) is stored as U+FFFD and the request
  // succeeds, so what is kept is not what was sent. Fix once in src/platform/fields.ts (refuse !isWellFormed()).
  'POST /api/v1/customers/{id}/points/add body reason="\\ud800"',
  'POST /api/v1/customers/{id}/points/add body reason="a\\udc00b"',
  'POST /api/v1/customers/{id}/points/add body orderId="\\ud800"',
  'POST /api/v1/customers/{id}/points/add body orderId="a\\udc00b"',
  'POST /api/v1/customers/{id}/points/redeem body reason="\\ud800"',
  'POST /api/v1/customers/{id}/points/redeem body reason="a\\udc00b"',
  'POST /api/v1/customers/{id}/points/redeem body orderId="\\ud800"',
  'POST /api/v1/customers/{id}/points/redeem body orderId="a\\udc00b"',
  'POST /api/v1/customers/{id}/points/adjust body reason="\\ud800"',
  'POST /api/v1/customers/{id}/points/adjust body reason="a\\udc00b"',
  'POST /api/v1/loyalty/earn body orderId="\\ud800"',
  'POST /api/v1/loyalty/earn body orderId="a\\udc00b"',
  'POST /api/v1/loyalty/earn body name="\\ud800"',
  'POST /api/v1/loyalty/earn body name="a\\udc00b"',
  'POST /api/v1/gift-cards body purchasedBy="\\ud800"',
  'POST /api/v1/gift-cards body purchasedBy="a\\udc00b"',
  'POST /api/v1/gift-cards body recipientName="\\ud800"',
  'POST /api/v1/gift-cards body recipientName="a\\udc00b"',
  'POST /api/v1/gift-cards/{code}/redeem body orderId="\\ud800"',
  'POST /api/v1/gift-cards/{code}/redeem body orderId="a\\udc00b"',
  'POST /api/v1/gift-cards/{code}/void body reason="\\ud800"',
  // No item yet: the admin gift card redeem and void forms answer a refusal about the code (blank, unknown)
  // with 200 and an inline error. Fix in src/admin/giftCards.tsx: the panel keeps the refusal's 4xx status.
  'POST /:tenant/admin/gift-cards/redeem redeem field *',
  'POST /:tenant/admin/gift-cards/void void field *',
];
