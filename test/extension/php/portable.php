<?php
// The parts of the module's library that need no network, run on whatever PHP runs this file,
// printed as JSON for test/extension/php-versions.test.ts to compare across PHP versions:
// temporary admin users (created, able to log in the OpenCart way, locked out once disabled)
// and error-log redaction.
//   php portable.php <OpenCart version>...
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require __DIR__ . '/FakeDb.php';
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

use OcSupportDesk\AccessManager;
use OcSupportDesk\Redactor;

$out = array('access' => array(), 'redact' => array());

/** Whether OpenCart's login would accept the password for this stored user row. */
function logsIn($version, array $user, $password) {
	return $version[0] === '4'
		? password_verify($password, $user['password'])
		: $user['password'] === sha1($user['salt'] . sha1($user['salt'] . sha1($password)));
}

function userRow(FakeDb $db, $id) {
	foreach ($db->tables['oc_user'] as $row) {
		if ((int)$row['user_id'] === (int)$id) {
			return $row;
		}
	}

	return null;
}

foreach (array_slice($argv, 1) as $version) {
	$db = new FakeDb(array(
		'oc_user' => array(array('user_id' => '1', 'user_group_id' => '1', 'username' => 'admin', 'status' => '1')),
		'oc_user_group' => array(array('user_group_id' => '1', 'name' => 'Administrator', 'permission' => '{"access":[],"modify":[]}')),
		'oc_setting' => array(),
	), '10.11.6-MariaDB-0+deb12u1', array('oc_user' => FakeDb::userColumns($version)));
	$access = new AccessManager($db, 'oc_', $version);
	$access->install();
	$created = $access->createTemporaryAdmin('VGlja2V0OjE=', 'OC-000042', 'dedicated');
	$before = userRow($db, $created['user_id']);
	$access->disable('VGlja2V0OjE=');
	$after = userRow($db, $created['user_id']);

	$out['access'][$version] = array(
		'usernameLooksRight' => (bool)preg_match('/^ocsupport_42_[0-9a-f]{4}$/', $created['username']),
		'passwordLength' => strlen($created['password']),
		'logsIn' => logsIn($version, $before, $created['password']),
		'statusAfterDisable' => $after['status'],
		'logsInAfterDisable' => logsIn($version, $after, $created['password']),
		'adminUntouched' => userRow($db, 1)['status'] === '1',
	);
}

$redactor = new Redactor();

foreach (array(
	"2024-01-01 PHP Notice: x in /a.php; 'password' => 'my secret phrase'",
	'request: {"password":"a \\"quoted\\" phrase","user":"bob"}',
	'ftp://admin:s3cr%40t@ftp.example.com/public_html',
	"define('DB_PASSWORD', 'two words');",
	'Authorization: Bearer abc.def.ghi',
	'See https://shop.example.com/index.php?route=product&path=1',
) as $line) {
	$out['redact'][$line] = $redactor->redact($line);
}

echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
