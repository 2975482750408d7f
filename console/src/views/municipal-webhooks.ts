/**
 * Webhooks (sandbox-only): the municipality's endpoints (list, create — the signing secret shown once —,
 * delete), one endpoint's deliveries with their attempts and last status, and redelivery.
 */
import { api, type Schemas } from '../api.js';
import { h } from '../dom.js';
import { card, failure, field, fieldErrors, jst, labelText, ok, ProblemError, table } from './municipal-common.js';
import { problemView } from './problem.js';

type Endpoint = Schemas['WebhookEndpoint'];
type Delivery = Schemas['WebhookDelivery'];

const DELIVERY_STATUS: Record<Delivery['status'], string> = { pending: '送信待ち', succeeded: '成功', failed: '失敗' };

export function webhooksView(): { el: HTMLElement; stop: () => void } {
  const errors = fieldErrors();
  const url = h('input', { type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'http://127.0.0.1:8080/pmh/webhooks' });
  const description = h('input', { type: 'text', autocomplete: 'off', maxlength: 500 });
  const createResult = h('div', { 'aria-live': 'polite' });
  const list = h('div', { 'aria-live': 'polite' });
  const deliveries = h('div');
  let stopped = false;
  let shown: Endpoint | null = null;

  async function create(ev: Event) {
    ev.preventDefault();
    errors.clear();
    try {
      const body: Schemas['CreateWebhookEndpointInput'] = {
        url: url.value.trim(),
        ...(description.value.trim() ? { description: description.value.trim() } : {}),
      };
      const created = await ok(api.POST('/municipal/v1/webhook-endpoints', { body }));
      url.value = '';
      description.value = '';
      createResult.replaceChildren(
        h(
          'div',
          { class: 'secret', role: 'status' },
          h('p', {}, `${created.url} を登録しました。署名の秘密鍵（secret）は今回しか表示されません。控えてください。`),
          h('p', {}, h('code', {}, created.secret)),
        ),
      );
      void load();
    } catch (err) {
      if (err instanceof ProblemError) {
        errors.show(err.problem);
        createResult.replaceChildren(problemView(err.problem));
      } else createResult.replaceChildren(failure(err));
    }
  }

  async function remove(e: Endpoint) {
    try {
      await ok(api.DELETE('/municipal/v1/webhook-endpoints/{endpointId}', { params: { path: { endpointId: e.id } } }));
      createResult.replaceChildren(h('p', { class: 'ok', role: 'status' }, `${e.url} を削除しました。`));
      if (shown?.id === e.id) deliveries.replaceChildren();
      void load();
    } catch (err) {
      createResult.replaceChildren(failure(err));
    }
  }

  async function redeliver(e: Endpoint, d: Delivery, message: HTMLElement) {
    try {
      const again = await ok(
        api.POST('/municipal/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/redeliver', {
          params: { path: { endpointId: e.id, deliveryId: d.id } },
        }),
      );
      message.replaceChildren(h('p', { class: 'ok', role: 'status' }, `再送しました（新しい配信 ${again.id}）。`));
      void showDeliveries(e, message);
    } catch (err) {
      message.replaceChildren(failure(err));
    }
  }

  async function showDeliveries(e: Endpoint, message: HTMLElement = h('div', { 'aria-live': 'polite' })) {
    shown = e;
    try {
      const page = await ok(
        api.GET('/municipal/v1/webhook-endpoints/{endpointId}/deliveries', { params: { path: { endpointId: e.id }, query: { limit: 100 } } }),
      );
      if (stopped) return;
      const rows = page.items.map((d) =>
        h(
          'tr',
          {},
          h('td', {}, jst(d.createdAt)),
          h('td', {}, d.eventType),
          h('td', {}, d.taskId ?? '—'),
          h('td', {}, DELIVERY_STATUS[d.status]),
          h('td', { class: 'num' }, d.attempts),
          h('td', {}, d.lastStatusCode ?? '—'),
          h('td', {}, d.lastError ?? '—'),
          h('td', {}, d.status === 'pending' ? jst(d.nextAttemptAt) : '—'),
          h('td', {}, jst(d.deliveredAt)),
          h(
            'td',
            {},
            h('button', { type: 'button', class: 'secondary', 'aria-label': `配信 ${d.id} を再送`, onclick: () => void redeliver(e, d, message) }, '再送'),
          ),
        ),
      );
      const headers: [string, string][] = [
        ['作成日時', 'createdAt'],
        ['イベント', 'eventType'],
        ['タスク', 'taskId'],
        ['状態', 'status'],
        ['試行回数', 'attempts'],
        ['最終ステータス', 'lastStatusCode'],
        ['最終エラー', 'lastError'],
        ['次回試行', 'nextAttemptAt'],
        ['配信日時', 'deliveredAt'],
      ];
      deliveries.replaceChildren(
        card(
          `配信履歴: ${e.url}`,
          h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => void showDeliveries(e, message) }, '配信履歴を更新')),
          message,
          rows.length
            ? table(
                [...headers.map(([ja, en]) => h('span', {}, ja, h('br'), h('code', { class: 'api' }, en))), h('span', { class: 'visually-hidden' }, '操作')],
                rows,
                { class: 'deliveries' },
              )
            : h('p', { class: 'empty' }, 'まだ配信はありません。登録タスクが終わると registration_task.finished が送られます。'),
        ),
      );
    } catch (err) {
      deliveries.replaceChildren(failure(err));
    }
  }

  async function load() {
    try {
      const { items } = await ok(api.GET('/municipal/v1/webhook-endpoints'));
      if (stopped) return;
      if (!items.length) return void list.replaceChildren(h('p', { class: 'empty' }, 'Webhook のエンドポイントはありません。'));
      list.replaceChildren(
        table(
          [
            h('span', {}, 'URL ', h('code', { class: 'api' }, 'url')),
            h('span', {}, '説明 ', h('code', { class: 'api' }, 'description')),
            '作成日時',
            h('span', { class: 'visually-hidden' }, '操作'),
          ],
          items.map((e) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, e.url)),
              h('td', {}, e.description ?? ''),
              h('td', {}, jst(e.createdAt)),
              h(
                'td',
                { class: 'actions' },
                h('button', { type: 'button', class: 'secondary', 'aria-label': `${e.url} の配信履歴`, onclick: () => void showDeliveries(e) }, '配信履歴'),
                h('button', { type: 'button', class: 'secondary', 'aria-label': `${e.url} を削除`, onclick: () => void remove(e) }, '削除'),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      list.replaceChildren(failure(err));
    }
  }

  const el = h(
    'div',
    {},
    card(
      'Webhook エンドポイント',
      h('p', { class: 'muted' }, 'サンドボックス独自の機能です（PMH にはありません）。登録タスクが終わるたびに、登録した URL へ署名付きで POST します。'),
      list,
      h(
        'form',
        { onsubmit: (ev: Event) => void create(ev), novalidate: true },
        h('h3', {}, 'エンドポイントの追加'),
        h(
          'div',
          { class: 'row' },
          field(labelText('送信先 URL', 'url'), url, { errors, path: 'url' }),
          field(labelText('説明', 'description'), description, { errors, path: 'description' }),
          h('div', { class: 'field' }, h('button', { type: 'submit' }, 'エンドポイントを追加')),
        ),
        createResult,
      ),
    ),
    deliveries,
  );
  void load();
  return { el, stop: () => (stopped = true) };
}
