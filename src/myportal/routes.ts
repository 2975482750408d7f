import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DEFAULT_PIN, PIN_TRIES } from '../cards/schemas.js';
import { PROVISIONAL } from '../copayments/schemas.js';
import { describeProblems } from '../http/problem.js';
import { myPortalRequestSchema, myPortalResponseSchema } from './schemas.js';
import type { MyPortalService } from './service.js';

const problems = describeProblems([
  'validation_failed',
  [['unknown_certificate_serial'], 'no card has this serial'],
  [['pin_incorrect'], `wrong PIN: detail and errors[0].message say how many of the ${PIN_TRIES} tries are left`],
  [['card_locked'], `${PIN_TRIES} wrong PINs in a row (the answer to the locking try too; a right PIN does not unlock it)`],
  [['certificate_expired', 'certificate_revoked'], 'the card’s 電子証明書 is expired or revoked (checked once the PIN is right)'],
]);

/** マイナポータル (simulated): the card holder's own view. Public: the card and its PIN are the sign-in. */
export const myPortalRoutes: FastifyPluginAsyncZod<{ service: MyPortalService }> = async (app, { service }) => {
  app.post(
    '/medical-subsidies',
    {
      schema: {
        tags: ['copayment (provisional)'],
        security: [],
        operationId: 'getMyPortalMedicalSubsidies',
        summary: 'The card holder’s own 医療費助成 and this month’s 上限額管理 (マイナポータル, simulated)',
        description:
          'What マイナポータル would show the person signed in with their マイナンバーカード: the card’s 電子証明書 serial number and ' +
          `the 4-digit PIN of its 利用者証明用電子証明書 (default ${DEFAULT_PIN}; set on POST /sandbox/v1/cards). Each wrong PIN counts; ` +
          `${PIN_TRIES} in a row lock the card, as on a real card, until POST /sandbox/v1/cards/{certificateSerialNumber}/pin-reset ` +
          '(a right PIN resets the count).\n\n' +
          'Answers every registered history row of the holder’s 受給者証, as the municipalities registered them and with the ' +
          'municipality that registered each, never the 個人番号. **不開示 records are shown to their holder**, marked ' +
          '`isNotDisclosed: true`: the flag withholds a record from clinics (their checks do not return it), not from the person ' +
          'it is about, who signed in with their own card and PIN.\n\n' +
          `${PROVISIONAL} Per certificate, \`copaymentLimitManageFormCode\` (the 法別 of its 上限額管理票, "00" none) and, on the row ` +
          'valid today of a certificate with a monthly cap, this month’s (JST, sandbox clock) `copaymentLimit` and `lines` across ' +
          'every institution, from the lines clinics recorded with POST /clinic/v1/copayment-records. The cap is the one the ' +
          `eligibility answers use. ${problems.text}`,
        body: myPortalRequestSchema,
        response: { 200: myPortalResponseSchema, ...problems.responses },
      },
    },
    async (req) => service.medicalSubsidies(req.body),
  );
};
