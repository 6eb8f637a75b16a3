import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactCredentials } from '../../server/modules/attachment/redact';

describe('credentials in a text attachment are replaced before it is stored', () => {
  it.each([
    ['password=hunter2secret', 'password=[REDACTED]'],
    ['DB_PASSWORD=hunter2 user=root', 'DB_PASSWORD=[REDACTED] user=root'],
    ['mysql:host=db;dbname=shop;user=oc;password=Sup3rS3cret;', 'mysql:host=db;dbname=shop;user=oc;password=[REDACTED];'],
    ["define('DB_PASSWORD', 'p@ss w0rd');", "define('DB_PASSWORD', '[REDACTED]');"],
    ['define(\'STRIPE_SECRET_KEY\', "sk\\"x");', 'define(\'STRIPE_SECRET_KEY\', "[REDACTED]");'],
    ["define('DB_USERNAME', 'oc'); define('DB_PASSWORD', 'x9');", "define('DB_USERNAME', 'oc'); define('DB_PASSWORD', '[REDACTED]');"],
    ["define('auth_salt', 'x9');", "define('auth_salt', '[REDACTED]');"],
    ["'password' => 'two words',", "'password' => '[REDACTED]',"],
    ['{"api_key": "abcd1234", "user": "dana"}', '{"api_key": "[REDACTED]", "user": "dana"}'],
    ['smtp_pass: mailpass99', 'smtp_pass: [REDACTED]'],
    ['PWD=abc123', 'PWD=[REDACTED]'],
    ['OC_DB_REPLICA_SLAVE_1_PASS=abc123', 'OC_DB_REPLICA_SLAVE_1_PASS=[REDACTED]'],
    ['app.integrations.payment.gateway.merchant.pass=abc123', 'app.integrations.payment.gateway.merchant.pass=[REDACTED]'],
    [
      'com.example.application.configuration.datasource.primary.connection.password=abc123',
      'com.example.application.configuration.datasource.primary.connection.password=[REDACTED]',
    ],
    ['mysqldump --password=abc123 shop', 'mysqldump --password=[REDACTED] shop'],
    ["$_PASS = 'abc123';", "$_PASS = '[REDACTED]';"],
    ['connecting to ftp://shopuser:ftpSecret1@ftp.example.com/public_html', 'connecting to ftp://shopuser:[REDACTED]@ftp.example.com/public_html'],
    ['DSN postgres://app:pgS3cret@10.0.0.5:5432/shop', 'DSN postgres://app:[REDACTED]@10.0.0.5:5432/shop'],
    ['mysqli://root:r00t@localhost/oc', 'mysqli://root:[REDACTED]@localhost/oc'],
    ['Authorization: Bearer ocm_abcdefghijklmnop', 'Authorization: Bearer [REDACTED]'],
    ['stripe key sk_live_51Habcdefghijklmn used', 'stripe key [REDACTED] used'],
    ['aws AKIAIOSFODNN7EXAMPLE', 'aws [REDACTED]'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----'],
  ])('%s', (input, expected) => {
    const { text, count } = redactCredentials(input);
    expect(text).toBe(expected);
    expect(count).toBeGreaterThanOrEqual(1);
  });

  it.each([
    'PHP Warning:  Undefined index: product_id in /var/www/catalog/controller/product/product.php on line 42',
    'tests passed: 5, bypass=1, compass=north',
    'user=dana host=db.example.com port=3306',
    'Access denied for user (using password: YES)',
    "define('DB_USERNAME', 'oc');",
    'https://www.example.com/index.php?route=product/product&product_id=42',
  ])('leaves ordinary log lines alone: %s', (line) => {
    expect(redactCredentials(line)).toEqual({ text: line, count: 0 });
  });

  // A 5 MiB text file (the per-file limit) of one long run without spaces: read once, not once from
  // each of its positions (that was quadratic, hours for these inputs; the test's timeout would end it).
  const FIVE_MIB = 5 * 1024 * 1024;
  const run = (unit: string) => unit.repeat(Math.ceil(FIVE_MIB / unit.length)).slice(0, FIVE_MIB);
  it.each([
    ['one letter', run('a')],
    ['dots', run('.')],
    ['a name of parts', run('a.')],
    ['the word password with no value', run('password-')],
    ['addresses without a host', run('ab://c:')],
    ['base64', randomBytes((FIVE_MIB / 4) * 3).toString('base64')],
    ['a PHP constant whose name has no closing quote', `define('${run('PASS')}`],
    ['names of 255 characters, each followed by "="', run(`${'a'.repeat(255)}= `)],
  ])('reads 5 MiB of %s in one pass, changing nothing', (_name, text) => {
    expect(redactCredentials(text)).toEqual({ text, count: 0 });
  });

  it('still finds a secret after 5 MiB without spaces', () => {
    const { text, count } = redactCredentials(`${run('a')} password=hunter2secret`);
    expect(count).toBe(1);
    expect(text.endsWith(' password=[REDACTED]')).toBe(true);
  });
});
