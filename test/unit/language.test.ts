import { describe, expect, it } from 'vitest';
import { assessEnglish, detectLanguage, ENGLISH_ONLY_NOTICE, extractProse } from '../../server/modules/ticket/language';

const PHP_LOG = [
  '2024-03-01 10:00:01 - PHP Warning:  Undefined array key "payment_method" in /home/shop/public_html/catalog/controller/checkout/confirm.php on line 112',
  '2024-03-01 10:00:01 - PHP Fatal error:  Uncaught Error: Call to a member function getTotal() on null in /home/shop/storage/modification/catalog/controller/checkout/confirm.php:140',
  'Stack trace:',
  '#0 /home/shop/public_html/system/engine/action.php(79): ControllerCheckoutConfirm->index()',
  '#1 /home/shop/public_html/system/engine/loader.php(48): Action->execute(Object(Registry), Array)',
  '#2 {main}',
  '  thrown in /home/shop/storage/modification/catalog/controller/checkout/confirm.php on line 140',
].join('\n');

describe('"All support communication will be handled only in English"', () => {
  it.each([
    ['eng', 'Hello, after upgrading to 3.0.4.0 my admin login page keeps redirecting back to the login form.'],
    ['eng', 'The shipping module does not show up at checkout for customers in Canada.'],
    ['eng', 'Hi there, the order confirmation emails are not sent to customers anymore. Can you check what is wrong with the mail settings?'],
    ['eng', 'Since yesterday the payment page shows an error and customers cannot pay. We did not change anything. Please check it as soon as possible.'],
    // Short technical English that franc alone ranks as Italian / Dutch / Hmong: English wins by margin.
    ['eng', 'How do I add a second language to my store?'],
    ['eng', 'Error when saving product: permission denied on image folder'],
    ['eng', 'Could you look at my store? Thanks'],
  ])('English ticket (%s): %s', async (code, text) => {
    expect(await assessEnglish(text)).toEqual({ english: true, detected: code, notice: null });
  });

  it.each([
    ['deu', 'Hallo, nach dem Update auf Version 3.0.4.0 kann ich mich nicht mehr im Adminbereich anmelden.'],
    [
      'deu',
      'Guten Tag, seit gestern erhalten unsere Kunden keine Bestellbestätigung mehr per E-Mail. Wir haben nichts geändert. Bitte prüfen Sie das dringend.',
    ],
    ['fra', "Bonjour, depuis la mise à jour je ne peux plus me connecter à l'administration de ma boutique."],
    [
      'fra',
      "Bonjour, depuis hier nos clients ne reçoivent plus la confirmation de commande par e-mail. Nous n'avons rien changé. Merci de vérifier rapidement.",
    ],
    ['spa', 'Hola, después de actualizar la tienda no puedo entrar al panel de administración.'],
    [
      'spa',
      'Buenos días, desde ayer nuestros clientes ya no reciben la confirmación del pedido por correo electrónico. No hemos cambiado nada. Por favor, revísenlo urgentemente.',
    ],
    [
      'rus',
      'Здравствуйте! После обновления OpenCart до версии 3.0.4.0 я не могу войти в панель администратора. Страница просто перезагружается. Помогите, пожалуйста, это срочно.',
    ],
    ['rus', 'Добрый день. Модуль доставки Новая Почта не отображается при оформлении заказа, хотя он включён в настройках. Что можно сделать?'],
    ['tur', 'İyi günler. Kargo modülü ayarlarda etkin olmasına rağmen ödeme sayfasında görünmüyor. Ne yapabilirim?'],
    ['tur', 'Yardımcı olabilir misiniz? Sipariş onay e-postaları artık müşterilere gönderilmiyor.'],
  ])('non-English ticket (%s) gets the notice and is not rejected: %s', async (code, text) => {
    const a = await assessEnglish(text);
    expect(a.english).toBe(false);
    expect(a.detected).toBe(code);
    expect(a.notice).toBe(ENGLISH_ONLY_NOTICE);
  });

  it.each([
    // Short Russian / Turkish lines: franc's exact label wavers (bul, mad...), but never English.
    ['Модуль доставки не отображается при оформлении заказа.'],
    ['Помогите, пожалуйста: письма с подтверждением заказа больше не отправляются покупателям.'],
    ['Merhaba, mağazamı 3.0.4.0 sürümüne güncelledikten sonra yönetim paneline giriş yapamıyorum. Sayfa sürekli yeniden yükleniyor.'],
    ['Kargo modülü ödeme sayfasında görünmüyor, lütfen yardım edin.'],
  ])('%s is flagged as not English', async (text) => {
    const a = await assessEnglish(text);
    expect(a.english).toBe(false);
    expect(a.detected).not.toBeNull();
    expect(a.detected).not.toBe('eng');
    expect(a.notice).not.toBeNull();
  });

  it('the notice says plainly: English only, and the ticket is not rejected', () => {
    expect(ENGLISH_ONLY_NOTICE).toMatch(/only in English/);
    expect(ENGLISH_ONLY_NOTICE).toMatch(/not rejected/);
  });
});

describe("don't flag what you can't judge: short texts and code/log dumps count as English", () => {
  it.each([
    ['empty', ''],
    ['short', 'ok thanks'],
    ['short German', 'Danke schön!'], // < 20 letters: not judged
    ['short Russian', 'Спасибо большое'],
    ['only a URL', 'https://www.example-shop.com/index.php?route=checkout/checkout'],
    ['only a path', '/home/shop/public_html/admin/controller/extension/module/featured.php'],
    ['only a PHP log', PHP_LOG],
    ['only code', "```php\n$this->load->model('setting/setting');\n$data['x'] = $this->config->get('config_name');\n```"],
    ['unfenced code', "$this->load->model('setting/setting');\nif ($status) {\n  $json['error'] = $this->language->get('error_permission');\n}"],
  ])('%s → english, nothing detected, no notice', async (_label, text) => {
    expect(await assessEnglish(text)).toEqual({ english: true, detected: null, notice: null });
    expect(await detectLanguage(text)).toBe('und');
  });

  it('a mostly-log English ticket is English', async () => {
    const text = `Hi, checkout fails after I enabled the new payment module, here is the log:\n\n${PHP_LOG}`;
    expect(await assessEnglish(text)).toEqual({ english: true, detected: 'eng', notice: null });
  });

  it('a German ticket with an English PHP log is German: the log is not prose', async () => {
    const text = `Hallo, seit dem Update funktioniert der Checkout nicht mehr. Hier ist das Log:\n\`\`\`\n${PHP_LOG}\n\`\`\`\nKönnen Sie das bitte schnell beheben?`;
    const a = await assessEnglish(text);
    expect(a.english).toBe(false);
    expect(a.detected).toBe('deu');
  });

  it('a short English line plus a long log: judged on the prose only', async () => {
    const text = `Please fix:\n${PHP_LOG}\n${PHP_LOG}`;
    expect((await assessEnglish(text)).english).toBe(true);
  });
});

describe('extractProse removes code blocks, URLs, file paths and PHP error lines', () => {
  it.each([
    ['fenced code', 'See this:\n```\n$x = 1;\n```\nthanks', ['See this:', 'thanks'], ['$x']],
    ['inline code', 'Set `config_seo_url` to 1 please', ['Set', 'please'], ['config_seo_url']],
    ['URL', 'My store https://shop.example.com/index.php?route=a is down', ['My store', 'is down'], ['https', 'example']],
    ['www URL', 'Open www.example.com now', ['Open', 'now'], ['example']],
    ['Unix path', 'The file /var/www/html/config.php is missing', ['The file', 'is missing'], ['/var/www']],
    ['relative path', 'I edited admin/controller/extension/module/featured.php yesterday', ['I edited', 'yesterday'], ['admin/controller']],
    ['relative folder', 'Check the catalog/view/theme/default/template folder', ['Check the', 'folder'], ['catalog/view', 'theme']],
    ['Windows path', 'It is in C:\\xampp\\htdocs\\shop today', ['It is in', 'today'], ['xampp']],
    ['email', 'Write to admin@example.com please', ['Write to', 'please'], ['admin@']],
    [
      'PHP error line',
      'Broken page\nWarning: Undefined variable $order in /home/x/catalog/model/a.php on line 5\nHelp',
      ['Broken page', 'Help'],
      ['Undefined'],
    ],
    ['PHP log line', 'Log:\n[01-Mar-2024 10:00:00 UTC] PHP Notice: Undefined index: foo\nend', ['Log:', 'end'], ['Undefined']],
    ['stack frame', 'Trace\n#0 /x/system/engine/action.php(79): Foo->bar()\ndone', ['Trace', 'done'], ['action']],
    ['SQL error', 'Error: Unknown column\nError No: 1054\nSELECT * FROM oc_product\nok', ['ok'], ['SELECT', 'Unknown column']],
  ])('%s', (_label, input, kept, removed) => {
    const prose = extractProse(input);
    for (const k of kept) expect(prose).toContain(k);
    for (const r of removed) expect(prose).not.toContain(r);
  });
});

describe('"All support communication will be handled only in English": short English is not flagged', () => {
  it.each([
    ['Same submission\n\nBlank page after checkout.'],
    ['Blank page after checkout\n\nCheckout page is blank after payment.'],
    ['Shipping rates wrong\n\nThe flat rate shipping shows 0.00 for every order since Monday.'],
  ])('%j is English', async (text) => {
    expect(await assessEnglish(text)).toMatchObject({ english: true, notice: null });
  });

  it.each([
    ['deu', 'Seite leer\n\nDie Seite ist nach dem Bezahlen leer.'],
    ['fra', 'Page vide\n\nLa page est vide après le paiement.'],
    ['spa', 'Página en blanco\n\nLa página está en blanco después del pago.'],
  ])('two short %s lines are still flagged', async (_code, text) => {
    expect(await assessEnglish(text)).toMatchObject({ english: false, notice: ENGLISH_ONLY_NOTICE });
  });
});
