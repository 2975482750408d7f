import type { Problem } from '../api.js';
import { h } from '../dom.js';

/**
 * Japanese headings for the problems a console user meets most; the API's own title (English with PMH terms)
 * is shown beside it, and any other code shows the API's title alone.
 */
const JA_TITLES: Record<string, string> = {
  validation_failed: '入力内容に誤りがあります',
  unauthenticated: 'トークンが送られていません',
  invalid_token: 'トークンが無効です（未発行・失効・リセット済み）',
  wrong_token_kind: 'この操作には別の種類のトークンが必要です',
  invalid_cursor: 'ページ送りの位置が不正です',
  unknown_certificate_serial: 'このシリアル番号のカードはありません',
  certificate_expired: '電子証明書の有効期限が切れています',
  certificate_revoked: '電子証明書は失効しています',
  eligibility_check_not_found: 'この資格確認の記録はありません',
  pmh_maintenance: 'PMHはメンテナンス中です',
  service_unavailable: 'サービスを一時的に利用できません',
  municipality_not_found: 'この地方公共団体コードはありません',
  invalid_local_gov_code: '地方公共団体コードが正しくありません',
  invalid_medical_institution_code: '医療機関コードが正しくありません',
  institution_kind_mismatch: '医療機関の種類がコードと合いません',
  conflicting_reset_scope: 'リセットの範囲が矛盾しています',
  reset_busy: 'リセットできませんでした（処理中のデータがあります）',
  invalid_maintenance_window: 'メンテナンスの期間が正しくありません',
  maintenance_window_in_past: 'メンテナンスの終了日時が過去です',
  expires_in_past: '期限が過去です',
  too_many_faults: '障害の数が上限に達しています',
  fault_not_found: 'この障害はありません',
  route_not_found: 'このAPIはありません',
  rate_limited: 'リクエストが多すぎます',
  internal_error: 'サーバー内部のエラーです',
  network_error: '通信エラー',
};

/** A problem as a person reads it: a Japanese heading where known, the API's title and detail, the code for the integrator, field errors if any. */
export function problemView(p: Problem): HTMLElement {
  const ja = JA_TITLES[p.code];
  return h(
    'div',
    { class: 'problem', role: 'alert' },
    h('h3', {}, ja ?? p.title),
    ja && ja !== p.title ? h('p', { class: 'api-title' }, p.title) : null,
    p.detail ? h('p', {}, p.detail) : null,
    h('p', { class: 'muted' }, `HTTP ${p.status} ・ code: ${p.code}`),
    p.errors?.length
      ? h(
          'table',
          { class: 'field-errors' },
          h('caption', { class: 'muted' }, `項目ごとのエラー（${p.errors.length} 件）`),
          h('thead', {}, h('tr', {}, ...['項目 (field)', 'コード (code)', 'メッセージ'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            ...p.errors.map((e) =>
              h('tr', {}, h('td', {}, e.index !== undefined ? `[${e.index}] ${e.field}` : e.field), h('td', {}, e.code), h('td', {}, e.message)),
            ),
          ),
        )
      : null,
  );
}
