import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PROVISIONAL } from '../copayments/schemas.js';
import { institutionSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../http/problem.js';
import { copaymentQuoteRequestSchema, copaymentQuoteSchema } from './schemas.js';
import type { QuotesService } from './service.js';

const problems = describeProblems([DATED_VALIDATION, ...AUTH_PROBLEMS, [['eligibility_check_not_found'], 'no check by this institution has this checkId']]);

/** Clinic API: 窓口負担 quotes (provisional). Mounted under /clinic/v1 behind the institution token hook. */
export const copaymentQuoteRoutes: FastifyPluginAsyncZod<{ service: QuotesService }> = async (app, { service }) => {
  app.post(
    '/copayment-quotes',
    {
      schema: {
        tags: ['copayment (provisional)'],
        security: institutionSecurity,
        operationId: 'createCopaymentQuote',
        summary: 'Price one visit: what the patient pays at the window, with its trace',
        description:
          `${PROVISIONAL} PMH has published no charging rules either: the rules and their order are our design from the ` +
          'domain notes (docs/copay.md). Prices one visit over the subsidies an earlier eligibility check of this institution ' +
          'returned (`checkId`; a check without consent returned none, so only insurance applies), in the order ' +
          '医療保険 → 高額療養費 → national 公費 → 地単公費 (in the check’s order), each payer on what the previous ones left. ' +
          '**高額療養費 is not modelled** (the trace says so). Each subsidy’s rules are its certificate type’s `copaymentRules` ' +
          '(national: the law defaults of 54/52/15/16/21 overridden; local: the first rule row whose conditions hold for the ' +
          'patient’s age on `serviceDate`, the setting and the 所得区分) with the record’s `maxCopaymentAmount` first; its ' +
          'month-to-date is what every institution recorded for its subsidyRef in the month of `serviceDate` ' +
          '(POST /clinic/v1/copayment-records). A subsidy not valid on `serviceDate`, 償還払い (`isAlwaysReimbursement` "1"), at ' +
          'an institution not designated, or without rules is left out, with a trace step saying why.\n\n' +
          '**A quote records nothing**: record what was charged (`subsidies[].copaymentCharged`) with ' +
          `POST /clinic/v1/copayment-records. ${problems.text}`,
        body: copaymentQuoteRequestSchema,
        response: { 200: copaymentQuoteSchema, ...problems.responses },
      },
    },
    async (req) => service.quote(req.institution, req.body),
  );
};
