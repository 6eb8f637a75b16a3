<?php
// The module's safety rules, each exercised in one PHP process, printed as JSON for
// test/extension/safety.test.ts: where the API key may go, when temporary admin users are disabled
// (module off, ticket replaced, gone or too old, uninstall), login security, error-log redaction.
//   php safety.php <mock API base URL> <closed port URL>
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require __DIR__ . '/FakeDb.php';
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

use OcSupportDesk\AccessManager;
use OcSupportDesk\Endpoint;
use OcSupportDesk\Http;
use OcSupportDesk\Redactor;

// Every access form carries FTP access: the module refuses one without it before anything happens.
const FTP = array('protocol' => 'SFTP', 'host' => 'sftp.example.com', 'username' => 'support', 'password' => 'sftp-password-1');

$api = $argv[1];
$closed = $argv[2];
$out = array();

/** Records every request and answers from canned GraphQL data, without a network. */
class RecordingHttp extends Http {
	public $calls = array();
	private $answers;

	public function __construct(array $answers = array()) {
		parent::__construct(false);
		$this->answers = $answers;
	}

	public function post($url, array $headers, $body, $timeout) {
		$request = json_decode($body, true);
		$authorization = '';

		foreach ($headers as $header) {
			if (stripos($header, 'Authorization:') === 0) {
				$authorization = trim(substr($header, 14));
			}
		}

		$name = $request['operationName'];
		$this->calls[] = array('url' => $url, 'authorization' => $authorization, 'operation' => $name, 'variables' => $request['variables'], 'timeout' => $timeout);
		$data = isset($this->answers[$name]) ? call_user_func($this->answers[$name], $request['variables']) : null;

		return array('status' => 200, 'body' => json_encode(array('data' => $data)));
	}
}

function store() {
	return new FakeDb(array(
		'oc_user' => array(array('user_id' => '1', 'user_group_id' => '1', 'username' => 'admin', 'status' => '1')),
		'oc_user_group' => array(array('user_group_id' => '1', 'name' => 'Administrator', 'permission' => '{"access":[],"modify":[]}')),
		'oc_setting' => array(),
	));
}

/** An Endpoint on its own settings; $state['settings'] follows what it saves. */
function endpoint(FakeDb $db, array &$state, array $overrides = array()) {
	return new Endpoint($overrides + array(
		'line' => '3.0',
		'version' => '3.0.4.0',
		'db' => $db,
		'prefix' => 'oc_',
		'settings' => $state['settings'],
		'saveSettings' => function ($new) use (&$state) {
			$state['settings'] = $new;
		},
		'canModify' => true,
		'adminUrl' => 'https://shop.example.com/admin/',
		'timezone' => 'UTC',
		'operations' => OcSupportDesk\Operations::all(),
		'http' => new Http(false),
		'timeout' => 5,
		'detector' => array('server' => array('SERVER_SOFTWARE' => 'Apache'), 'storeUrl' => 'https://shop.example.com/', 'adminLanguage' => 'en-gb'),
	));
}

function users(FakeDb $db) {
	return array_map(function ($row) {
		return $row['username'] . ':' . $row['status'];
	}, $db->tables['oc_user']);
}

function accessRows(FakeDb $db) {
	return isset($db->tables['oc_oc_support_desk_access']) ? $db->tables['oc_oc_support_desk_access'] : null;
}

/** A temporary user as an earlier request (or an earlier month) left it. */
function seedAccess(FakeDb $db, $ticketId, $createdAt, $version = '3.0.4.0') {
	$manager = new AccessManager($db, 'oc_', $version);
	$created = $manager->createTemporaryAdmin($ticketId, 'OC-' . $ticketId, 'dedicated');

	foreach ($db->tables['oc_oc_support_desk_access'] as $i => $row) {
		if ((int)$row['access_id'] === $created['access_id']) {
			$db->tables['oc_oc_support_desk_access'][$i]['created_at'] = $createdAt;
		}
	}

	return $created;
}

// ------------------------------------------------------------------ 1. where the stored API key may go
$storedKey = 'stored-key-0123456789abcdef';
$recorder = new RecordingHttp(array('Viewer' => function () {
	return array('viewer' => array('kind' => 'CUSTOMER', 'customer' => null));
}));
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => $storedKey, Endpoint::KEY_STATUS => '1'));
$key = array();
// A user with access permission only, endpoint chosen by the browser.
$key['testWithoutModify'] = endpoint($db, $state, array('canModify' => false, 'http' => $recorder))->handle('settings.test', array('endpoint' => 'https://attacker.example/x'));
$key['testOtherEndpointNoKey'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.test', array('endpoint' => 'https://attacker.example/x'));
$key['testOtherEndpointTypedKey'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.test', array('endpoint' => 'https://other.example/graphql', 'apiKey' => 'typed-key-for-other'));
$key['testStoredEndpoint'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.test', array('endpoint' => 'https://support.example.com/graphql'));
$key['testPlainHttp'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.test', array('endpoint' => 'http://support.example.com/graphql', 'apiKey' => 'typed'));
$key['savePlainHttp'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.save', array('endpoint' => 'http://support.example.com/graphql', 'status' => true));
$key['saveLocalHttp'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.save', array('endpoint' => 'http://127.0.0.1:4000/graphql', 'apiKey' => $storedKey, 'status' => true));
$key['keyAfterLocalSave'] = $state['settings'][Endpoint::KEY_API_KEY];
$key['saveSameEndpoint'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.save', array('endpoint' => 'http://127.0.0.1:4000/graphql', 'status' => true));
$key['keyAfterSameSave'] = $state['settings'][Endpoint::KEY_API_KEY];
$key['saveOtherEndpoint'] = endpoint($db, $state, array('http' => $recorder))->handle('settings.save', array('endpoint' => 'https://attacker.example/x', 'status' => true));
$key['keyAfterOtherSave'] = $state['settings'][Endpoint::KEY_API_KEY];
$key['viewerAfterOtherSave'] = endpoint($db, $state, array('http' => $recorder))->handle('graphql', array('operation' => 'Viewer'));
$key['calls'] = $recorder->calls;
$out['key'] = $key;

// ------------------------------------------------------------------ 2. clean-up whatever the module's status
// Module status 0 (not enabled), and the ticket is resolved.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'S-DONE', date('Y-m-d H:i:s'));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-sweep', Endpoint::KEY_STATUS => '0'));
$out['disabledModule'] = array(
	'visit' => endpoint($db, $state)->adminVisit(),
	'users' => users($db),
	'secondVisit' => endpoint($db, $state)->adminVisit(),
);

// No API configured at all: nothing to ask, but old users still go.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'S-NOAPI-OLD', date('Y-m-d H:i:s', time() - 31 * 86400));
seedAccess($db, 'S-NOAPI-NEW', date('Y-m-d H:i:s'));
$state = array('settings' => array(Endpoint::KEY_STATUS => '0'));
$out['noApi'] = array('visit' => endpoint($db, $state)->adminVisit(), 'users' => users($db));

// Nothing to do: no query to the API, no settings written.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$recorder = new RecordingHttp();
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '0'));
$out['idle'] = array('visit' => endpoint($db, $state, array('http' => $recorder))->adminVisit(), 'calls' => count($recorder->calls), 'lastSweep' => isset($state['settings'][Endpoint::KEY_LAST_SWEEP]));

// ------------------------------------------------------------------ 3. one temporary user per ticket
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-replace', Endpoint::KEY_STATUS => '1'));
$replace = array();
$replace['first'] = endpoint($db, $state)->handle('access.provide', array('ticketId' => 'R-1', 'ticketNumber' => 'OC-101', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
$replace['second'] = endpoint($db, $state)->handle('access.provide', array('ticketId' => 'R-1', 'ticketNumber' => 'OC-101', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
$replace['afterSecond'] = accessRows($db);
$replace['ownLogin'] = endpoint($db, $state)->handle('access.provide', array('ticketId' => 'R-1', 'ticketNumber' => 'OC-101', 'storeAdmin' => array('username' => 'owner', 'password' => 'owner-pass'), 'fileAccess' => FTP));
$replace['afterOwnLogin'] = accessRows($db);
$replace['users'] = users($db);
// A replayed form (same idempotency key): the API answers with the ticket it already filed.
$form = array('subject' => 'Blank page', 'description' => 'The checkout is blank.', 'category' => 'BUG_FIX', 'idempotencyKey' => 'idem-replay-0001', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => FTP, 'userGroup' => 'dedicated'));
$replace['create'] = endpoint($db, $state)->handle('ticket.create', $form);
$replace['replay'] = endpoint($db, $state)->handle('ticket.create', $form);
$replace['replayRows'] = array_values(array_filter(accessRows($db), function ($row) {
	return $row['ticket_id'] === 'R-REPLAY';
}));
$replace['usersAfterReplay'] = users($db);
$out['replace'] = $replace;

// ------------------------------------------------------------------ 4. fail closed: too old, or gone from the API
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'A-OLD', date('Y-m-d H:i:s', time() - 31 * 86400));
seedAccess($db, 'A-YOUNG', date('Y-m-d H:i:s', time() - 29 * 86400));
seedAccess($db, 'A-GONE', date('Y-m-d H:i:s'));
seedAccess($db, 'A-NOTFOUND', date('Y-m-d H:i:s'));
seedAccess($db, 'A-BROKEN', date('Y-m-d H:i:s'));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-age', Endpoint::KEY_STATUS => '1'));
$sweep = endpoint($db, $state)->handle('access.sweep', array('force' => true));
// The next sweep: a confirmation the API refused is not sent again.
$again = endpoint($db, $state)->handle('access.sweep', array('force' => true));
$status = array();

foreach (accessRows($db) as $row) {
	$status[$row['ticket_id']] = array('disabled' => isset($row['disabled_at']), 'confirmed' => isset($row['confirmed_at']), 'refused' => isset($row['confirm_refused']) ? $row['confirm_refused'] : null);
}

$out['failClosed'] = array('sweep' => $sweep, 'again' => $again, 'rows' => $status);

// A temporary user made for a ticket that was never filed (PHP stopped between creating it and the
// API's answer): deleted after 10 minutes; one being filed right now stays, and neither is asked about.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$abandoned = seedAccess($db, '', date('Y-m-d H:i:s', time() - 11 * 60));
$filing = seedAccess($db, '', date('Y-m-d H:i:s', time() - 60));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-abandoned', Endpoint::KEY_STATUS => '1'));
$out['abandoned'] = array(
	'sweep' => endpoint($db, $state)->handle('access.sweep', array('force' => true)),
	'users' => users($db),
	'rows' => array_map(function ($row) {
		return $row['username'];
	}, accessRows($db)),
	'abandoned' => $abandoned['username'],
	'filing' => $filing['username'],
);

// The key was revoked (the API refuses it): old users still go, young ones wait.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'K-OLD', date('Y-m-d H:i:s', time() - 40 * 86400));
seedAccess($db, 'K-NEW', date('Y-m-d H:i:s'));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'revoked-key', Endpoint::KEY_STATUS => '1'));
$out['revokedKey'] = array('sweep' => endpoint($db, $state)->handle('access.sweep', array('force' => true)), 'users' => users($db));

// The API is gone (nothing listens): the same.
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'U-OLD', date('Y-m-d H:i:s', time() - 40 * 86400));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $closed . '/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$out['apiGone'] = array('sweep' => endpoint($db, $state)->adminVisit(), 'users' => users($db));

// ------------------------------------------------------------------ 5. uninstall leaves nothing behind
foreach (array('3.0.4.0', '4.0.2.3') as $version) {
	$db = store();
	$db->tables['oc_user_login'] = array(array('user_login_id' => '1', 'user_id' => '1', 'ip' => '10.0.0.1'));
	$db->tables['oc_user_authorize'] = array();
	$manager = new AccessManager($db, 'oc_', $version);
	$manager->install();
	$done = seedAccess($db, 'N-DONE-' . $version, date('Y-m-d H:i:s'), $version);
	$open = seedAccess($db, 'N-OPEN-' . $version, date('Y-m-d H:i:s'), $version);
	$admin = $manager->createTemporaryAdmin('N-ADMIN-' . $version, 'OC-9', 'admin');
	$manager->disable('N-DONE-' . $version);

	// Someone enabled the disabled user again by hand; another admin happens to have a similar name.
	foreach ($db->tables['oc_user'] as $i => $row) {
		if ((int)$row['user_id'] === $done['user_id']) {
			$db->tables['oc_user'][$i]['status'] = '1';
		}
	}

	$db->tables['oc_user'][] = array('user_id' => '77', 'user_group_id' => '1', 'username' => 'ocsupport_friend', 'status' => '1');
	// The temporary users logged in once (4.x keeps a row per login).
	$db->tables['oc_user_login'][] = array('user_login_id' => '2', 'user_id' => (string)$done['user_id'], 'ip' => '10.0.0.2');
	$db->tables['oc_user_authorize'][] = array('user_authorize_id' => '1', 'user_id' => (string)$open['user_id'], 'token' => 't');
	$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-uninstall', Endpoint::KEY_STATUS => '0'));
	$result = endpoint($db, $state, array('version' => $version))->uninstall();
	$out['uninstall'][$version] = array(
		'result' => $result,
		'users' => users($db),
		'groups' => array_map(function ($row) {
			return $row['name'];
		}, $db->tables['oc_user_group']),
		'userLogin' => array_map(function ($row) {
			return $row['user_id'];
		}, $db->tables['oc_user_login']),
		'userAuthorize' => count($db->tables['oc_user_authorize']),
		'tableDropped' => accessRows($db) === null,
	);
}

// A user the merchant moved into the dedicated group keeps it; the API cannot be reached: quick anyway.
$db = store();
$manager = new AccessManager($db, 'oc_', '3.0.4.0');
$manager->install();
$temporary = seedAccess($db, 'N-KEEP', date('Y-m-d H:i:s'));
$db->tables['oc_user'][] = array('user_id' => '50', 'user_group_id' => (string)$temporary['user_group_id'], 'username' => 'helper', 'status' => '1');
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $closed . '/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$started = microtime(true);
$result = endpoint($db, $state)->uninstall();
$out['uninstallOffline'] = array(
	'result' => $result,
	'seconds' => round(microtime(true) - $started, 2),
	'users' => users($db),
	'groups' => array_map(function ($row) {
		return $row['name'];
	}, $db->tables['oc_user_group']),
);

// ------------------------------------------------------------------ 6. error-log redaction
// Secrets in error-log lines, quoted, in URLs and in define() calls.
$redactor = new Redactor();
$out['redact'] = array();

foreach (array(
	"2024-01-01 PHP Notice: x in /a.php; 'password' => 'my secret phrase'",
	'request: {"apiKey":"abc def ghi"}',
	'request: {"password":"a \\"quoted\\" phrase","user":"bob"}',
	'https://user:p@ss@host/x',
	'ftp://admin:s3cr%40t@ftp.example.com/public_html',
	"define('DB_PASSWORD', 'x');",
	"define('DB_PASSWORD', 'two words');",
	'define("API_SECRET_KEY", "k e y");',
	"define('OC_TOKEN', 'abc');",
	"DB_PASSWORD', 'hunter2xyz'",
	"define('DB_USERNAME', 'shopuser');",
	"'password' => 'cut short by the log line",
	'smtp_password=plain',
	'Authorization: Bearer abc.def.ghi',
	'Error: Could not make a database link using root@localhost',
	'See https://shop.example.com/index.php?route=product&path=1',
) as $line) {
	$out['redact'][$line] = $redactor->redact($line);
}

// ------------------------------------------------------------------ 7. login security: no temporary user
$db = store();
(new AccessManager($db, 'oc_', '4.0.2.3'))->install();
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-security', Endpoint::KEY_STATUS => '1'));
$secure = array('line' => '4.x', 'version' => '4.0.2.3', 'loginSecurity' => 'config_security');
$out['loginSecurity'] = array(
	'bootstrap' => endpoint($db, $state, $secure)->handle('bootstrap', array())['body']['temporaryAdmin'],
	'bootstrapOff' => endpoint($db, $state, array('line' => '4.x', 'version' => '4.0.2.3'))->handle('bootstrap', array())['body']['temporaryAdmin'],
	'create' => endpoint($db, $state, $secure)->handle('ticket.create', array('subject' => 'Login security on', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => FTP))),
	'provide' => endpoint($db, $state, $secure)->handle('access.provide', array('ticketId' => 'L-1', 'ticketNumber' => 'OC-1', 'createTemporaryAdmin' => true, 'fileAccess' => FTP)),
	'provideOwnLogin' => endpoint($db, $state, $secure)->handle('access.provide', array('ticketId' => 'L-1', 'ticketNumber' => 'OC-1', 'storeAdmin' => array('username' => 'owner', 'password' => 'pw'), 'fileAccess' => FTP)),
	'twoFactor' => endpoint($db, $state, array('loginSecurity' => 'config_user_2fa') + $secure)->handle('access.provide', array('ticketId' => 'L-1', 'createTemporaryAdmin' => true, 'fileAccess' => FTP)),
	'users' => users($db),
);

// ------------------------------------------------------------------ 8. filing fails: the temporary user is deleted
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => $api . '/graphql', Endpoint::KEY_API_KEY => 'key-good-filed', Endpoint::KEY_STATUS => '1'));
$out['accessFails'] = array(
	'create' => endpoint($db, $state)->handle('ticket.create', array('subject' => 'Access fails', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'idempotencyKey' => 'idem-access-down', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => FTP))),
	'rows' => accessRows($db),
	'users' => users($db),
);

// ------------------------------------------------------------------ 9. the admin-visit event waits 3 s at most per call
$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
seedAccess($db, 'W-1', date('Y-m-d H:i:s'));
seedAccess($db, 'W-2', date('Y-m-d H:i:s'));
$recorder = new RecordingHttp(array(
	'TicketState' => function ($v) {
		return array('node' => array('id' => $v['id'], 'status' => 'RESOLVED', 'disableAccessRequested' => false));
	},
	'TicketAccessDisabledConfirm' => function ($v) {
		return array('ticketAccessDisabledConfirm' => array('ticket' => array('id' => $v['input']['ticketId'], 'accessDisabledAt' => '2026-01-01T00:00:00Z'), 'userErrors' => array()));
	},
));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$visit = endpoint($db, $state, array('http' => $recorder, 'timeout' => 15))->adminVisit();
$visitTimeouts = array_map(function ($c) {
	return $c['timeout'];
}, $recorder->calls);
seedAccess($db, 'W-3', date('Y-m-d H:i:s'));
$recorder->calls = array();
endpoint($db, $state, array('http' => $recorder, 'timeout' => 15))->handle('access.sweep', array('force' => true));
$out['timeouts'] = array(
	'visit' => $visit['body']['sweep'],
	'visitTimeouts' => $visitTimeouts,
	'pageTimeouts' => array_map(function ($c) {
		return $c['timeout'];
	}, $recorder->calls),
);

// ------------------------------------------------------------------ 10. a late confirmation never costs the access given since
/** A support desk whose ticket is open until $state['status'] says otherwise; it accepts any access. */
function desk(array &$desk) {
	return new RecordingHttp(array(
		'TicketAccessProvide' => function ($v) {
			return array('ticketAccessProvide' => array('ticket' => array('id' => $v['input']['ticketId'], 'status' => 'OPEN', 'accessState' => 'PROVIDED'), 'userErrors' => array()));
		},
		'TicketState' => function ($v) use (&$desk) {
			return array('node' => array('id' => $v['id'], 'status' => $desk['status'], 'disableAccessRequested' => false));
		},
		'TicketAccessDisabledConfirm' => function ($v) {
			return array('ticketAccessDisabledConfirm' => array('ticket' => array('id' => $v['input']['ticketId'], 'accessDisabledAt' => '2026-01-06T00:00:00Z'), 'userErrors' => array()));
		},
	));
}

function confirmations(RecordingHttp $http) {
	return count(array_filter($http->calls, function ($call) {
		return $call['operation'] === 'TicketAccessDisabledConfirm';
	}));
}

function rowStates(FakeDb $db) {
	return array_map(function ($row) {
		return array('disabled' => isset($row['disabled_at']), 'confirmed' => isset($row['confirmed_at']));
	}, accessRows($db));
}

$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$desk = array('status' => 'OPEN');
$http = desk($desk);
$online = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$offline = array('settings' => array(Endpoint::KEY_ENDPOINT => $closed . '/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$late = array();
$late['first'] = endpoint($db, $online, array('http' => $http))->handle('access.provide', array('ticketId' => 'D-1', 'ticketNumber' => 'OC-201', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
// "Disable now" while the support desk cannot be reached: its confirmation is still due...
$late['disable'] = endpoint($db, $offline)->handle('access.disable', array('ticketId' => 'D-1'));
// ... when the merchant gives support a new temporary user for the same ticket.
$late['second'] = endpoint($db, $online, array('http' => $http))->handle('access.provide', array('ticketId' => 'D-1', 'ticketNumber' => 'OC-201', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
$late['sweep'] = endpoint($db, $online, array('http' => $http))->handle('access.sweep', array('force' => true));
$late['confirmationsWhileOpen'] = confirmations($http);
$late['rowsWhileOpen'] = rowStates($db);
$desk['status'] = 'RESOLVED';
$late['resolved'] = endpoint($db, $online, array('http' => $http))->handle('access.sweep', array('force' => true));
$late['confirmationsAfter'] = confirmations($http);
$late['rowsAfter'] = rowStates($db);
$late['users'] = users($db);
$out['lateConfirmation'] = $late;

// The same, with the confirmation already on its way (a sweep read it just before the new user was
// accepted): it may settle the disabled user, never the new one support still has to hear about.
$db = store();
$manager = new AccessManager($db, 'oc_', '3.0.4.0');
$manager->install();
$desk = array('status' => 'OPEN');
$http = desk($desk);
$manager->createTemporaryAdmin('D-2', 'OC-202', 'dedicated');
$manager->disable('D-2');
$manager->createTemporaryAdmin('D-2', 'OC-202', 'dedicated');
$race = array();
$race['sweep'] = endpoint($db, $online, array('http' => $http))->handle('access.sweep', array('force' => true));
$race['rowsWhileOpen'] = rowStates($db);
$desk['status'] = 'RESOLVED';
$race['resolved'] = endpoint($db, $online, array('http' => $http))->handle('access.sweep', array('force' => true));
$race['confirmations'] = confirmations($http);
$race['rowsAfter'] = rowStates($db);
// Each confirmation names the user it is about (the API keeps access that logs in as another one).
$race['named'] = array_values(array_map(function ($call) {
	return isset($call['variables']['input']['storeAdminUsername']) ? $call['variables']['input']['storeAdminUsername'] : null;
}, array_filter($http->calls, function ($call) {
	return $call['operation'] === 'TicketAccessDisabledConfirm';
})));
$race['users'] = array_map(function ($row) {
	return $row['username'];
}, accessRows($db));
$out['raceConfirmation'] = $race;

// The answer to "here is the new temporary user" is lost (timeout): the API may have stored it.
// The user is disabled at once, and its confirmation, naming it, is still sent later.
class LosingHttp extends RecordingHttp {
	public function post($url, array $headers, $body, $timeout) {
		$result = parent::post($url, $headers, $body, $timeout);
		$request = json_decode($body, true);

		if ($request['operationName'] === 'TicketAccessProvide') {
			throw new OcSupportDesk\HttpException('TIMEOUT', 'Operation timed out after 5000 milliseconds');
		}

		return $result;
	}
}

$db = store();
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$desk = array('status' => 'RESOLVED');
$http = new LosingHttp(array(
	'TicketState' => function ($v) use (&$desk) {
		return array('node' => array('id' => $v['id'], 'status' => $desk['status'], 'disableAccessRequested' => false));
	},
	'TicketAccessDisabledConfirm' => function ($v) {
		return array('ticketAccessDisabledConfirm' => array('ticket' => array('id' => $v['input']['ticketId'], 'accessDisabledAt' => '2026-01-06T00:00:00Z'), 'userErrors' => array()));
	},
));
$lost = array();
$lost['provide'] = endpoint($db, $online, array('http' => $http))->handle('access.provide', array('ticketId' => 'L-1', 'ticketNumber' => 'OC-301', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
$lost['rows'] = rowStates($db);
$lost['users'] = users($db);
$lost['sweep'] = endpoint($db, $online, array('http' => $http))->handle('access.sweep', array('force' => true));
$lost['named'] = array_values(array_map(function ($call) {
	return $call['variables']['input'];
}, array_filter($http->calls, function ($call) {
	return $call['operation'] === 'TicketAccessDisabledConfirm';
})));
$lost['username'] = accessRows($db)[0]['username'];
$lost['rowsAfter'] = rowStates($db);
$out['lostAnswer'] = $lost;

// ------------------------------------------------------------------ 11. a deleted temporary user's ID, now a real admin's
$db = store();
$db->tables['oc_user_login'] = array();
$db->tables['oc_user_authorize'] = array();
$manager = new AccessManager($db, 'oc_', '4.0.2.3');
$manager->install();
$gone = seedAccess($db, 'X-OLD', date('Y-m-d H:i:s', time() - 40 * 86400), '4.0.2.3');
// The merchant deleted the temporary user in OpenCart; the next admin created got the same ID.
$db->tables['oc_user'] = array_values(array_filter($db->tables['oc_user'], function ($row) use ($gone) {
	return (int)$row['user_id'] !== $gone['user_id'];
}));
// Created after the temporary user: its date_added cannot be the one recorded.
$db->tables['oc_user'][] = array('user_id' => (string)$gone['user_id'], 'user_group_id' => '1', 'username' => 'mary', 'password' => 'marys-hash', 'status' => '1', 'date_added' => date('Y-m-d H:i:s', time() + 3600));
$db->tables['oc_user_login'][] = array('user_login_id' => '1', 'user_id' => (string)$gone['user_id'], 'ip' => '10.0.0.9');
$db->tables['oc_user_authorize'][] = array('user_authorize_id' => '1', 'user_id' => (string)$gone['user_id'], 'token' => 't');
$state = array('settings' => array(Endpoint::KEY_STATUS => '1'));
$reused = array('visit' => endpoint($db, $state, array('version' => '4.0.2.3', 'line' => '4.x'))->adminVisit());
$reused['afterVisit'] = array_values(array_filter($db->tables['oc_user'], function ($row) {
	return $row['username'] === 'mary';
}));
$reused['uninstall'] = endpoint($db, $state, array('version' => '4.0.2.3', 'line' => '4.x'))->uninstall();
$reused['users'] = users($db);
$reused['userLogin'] = count($db->tables['oc_user_login']);
$reused['userAuthorize'] = count($db->tables['oc_user_authorize']);
$out['reusedId'] = $reused;

// ------------------------------------------------------------------ 12. a table created by an earlier build
/** Counts the statements matching $pattern that $run sends. */
function statements(FakeDb $db, $pattern, callable $run) {
	$from = count($db->log);
	$result = $run();

	return array($result, count(preg_grep($pattern, array_slice($db->log, $from))));
}

$db = store();
// The earlier build's CREATE TABLE, word for word: no confirm_refused, no user_date_added.
$db->query("CREATE TABLE IF NOT EXISTS `oc_oc_support_desk_access` (
			`access_id` INT(11) NOT NULL AUTO_INCREMENT,
			`ticket_id` VARCHAR(128) NOT NULL,
			`ticket_number` VARCHAR(32) NOT NULL,
			`user_id` INT(11) NOT NULL,
			`username` VARCHAR(40) NOT NULL,
			`user_group_id` INT(11) NOT NULL,
			`created_at` DATETIME NOT NULL,
			`disabled_at` DATETIME NULL,
			`confirmed_at` DATETIME NULL,
			PRIMARY KEY (`access_id`),
			KEY `ticket_id` (`ticket_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
// Temporary users that build created: one too old, one whose ticket the API has since deleted.
$db->tables['oc_user'][] = array('user_id' => '2', 'user_group_id' => '1', 'username' => 'ocsupport_401_aaaa', 'password' => 'p', 'salt' => 's', 'status' => '1', 'date_added' => date('Y-m-d H:i:s', time() - 40 * 86400));
$db->tables['oc_user'][] = array('user_id' => '3', 'user_group_id' => '1', 'username' => 'ocsupport_402_bbbb', 'password' => 'p', 'salt' => 's', 'status' => '1', 'date_added' => date('Y-m-d H:i:s'));
$db->query("INSERT INTO `oc_oc_support_desk_access` SET `ticket_id` = 'M-OLD', `ticket_number` = 'OC-401', `user_id` = '2', `username` = 'ocsupport_401_aaaa', `user_group_id` = '1', `created_at` = '" . date('Y-m-d H:i:s', time() - 40 * 86400) . "'");
$db->query("INSERT INTO `oc_oc_support_desk_access` SET `ticket_id` = 'M-GONE', `ticket_number` = 'OC-402', `user_id` = '3', `username` = 'ocsupport_402_bbbb', `user_group_id` = '1', `created_at` = NOW()");
$http = new RecordingHttp(array(
	'TicketState' => function ($v) {
		return array('node' => array('id' => $v['id'], 'status' => 'OPEN', 'disableAccessRequested' => false));
	},
	'TicketAccessProvide' => function ($v) {
		return array('ticketAccessProvide' => array('ticket' => array('id' => $v['input']['ticketId'], 'status' => 'OPEN', 'accessState' => 'PROVIDED'), 'userErrors' => array()));
	},
	'TicketAccessDisabledConfirm' => function ($v) {
		if ($v['input']['ticketId'] === 'M-GONE') {
			return array('ticketAccessDisabledConfirm' => array('ticket' => null, 'userErrors' => array(array('field' => array('input', 'ticketId'), 'message' => 'No ticket with this ID.', 'code' => 'NOT_FOUND'))));
		}

		return array('ticketAccessDisabledConfirm' => array('ticket' => null, 'userErrors' => array(array('field' => array('input', 'ticketId'), 'message' => 'Keep the access until the ticket is resolved.', 'code' => 'INVALID_TRANSITION'))));
	},
));
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$earlier = array();
list($earlier['sweep'], $earlier['columnChecks']) = statements($db, '/^SHOW COLUMNS/', function () use ($db, &$state, $http) {
	return endpoint($db, $state, array('http' => $http))->handle('access.sweep', array('force' => true));
});
$earlier['again'] = endpoint($db, $state, array('http' => $http))->handle('access.sweep', array('force' => true));
$earlier['disableNow'] = endpoint($db, $state, array('http' => $http))->handle('access.disable', array('ticketId' => 'M-GONE'));
$earlier['provide'] = endpoint($db, $state, array('http' => $http))->handle('access.provide', array('ticketId' => 'M-NEW', 'ticketNumber' => 'OC-403', 'createTemporaryAdmin' => true, 'fileAccess' => FTP));
$earlier['confirmations'] = count(array_filter($http->calls, function ($call) {
	return $call['operation'] === 'TicketAccessDisabledConfirm';
}));
$earlier['users'] = users($db);
$out['earlierTable'] = $earlier;

// ------------------------------------------------------------------ 13. a temporary user that renamed itself
/** Renames user $id the way OpenCart's user form does (date_added stays). */
function renameUser(FakeDb $db, $id, $username) {
	foreach ($db->tables['oc_user'] as $i => $row) {
		if ((int)$row['user_id'] === (int)$id) {
			$db->tables['oc_user'][$i]['username'] = $username;
		}
	}
}

function userById(FakeDb $db, $id) {
	foreach ($db->tables['oc_user'] as $row) {
		if ((int)$row['user_id'] === (int)$id) {
			return $row;
		}
	}

	return null;
}

$db = store();
$db->tables['oc_user_login'] = array();
$db->tables['oc_user_authorize'] = array();
$manager = new AccessManager($db, 'oc_', '4.0.2.3');
$manager->install();
$renamed = array();
$version = array('version' => '4.0.2.3', 'line' => '4.x');
$state = array('settings' => array(Endpoint::KEY_ENDPOINT => 'https://support.example.com/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1'));
$http = new RecordingHttp(array(
	'TicketState' => function ($v) {
		return array('node' => array('id' => $v['id'], 'status' => 'OPEN', 'disableAccessRequested' => false));
	},
	'TicketAccessDisabledConfirm' => function ($v) {
		return array('ticketAccessDisabledConfirm' => array('ticket' => array('id' => $v['input']['ticketId'], 'accessDisabledAt' => '2026-01-06T00:00:00Z'), 'userErrors' => array()));
	},
));
// "Disable it now" on a temporary user (Administrator rights) that renamed itself.
$now = $manager->createTemporaryAdmin('RN-NOW', 'OC-301', 'admin');
renameUser($db, $now['user_id'], 'helpdesk');
$renamed['disableNow'] = endpoint($db, $state, $version + array('http' => $http))->handle('access.disable', array('ticketId' => 'RN-NOW'));
$renamed['disableNowUser'] = array('status' => userById($db, $now['user_id'])['status'], 'oldPasswordWorks' => password_verify($now['password'], userById($db, $now['user_id'])['password']));
// The 30-day rule, with no API configured.
$old = seedAccess($db, 'RN-OLD', date('Y-m-d H:i:s', time() - 31 * 86400), '4.0.2.3');
renameUser($db, $old['user_id'], 'helpdesk2');
$offline = array('settings' => array(Endpoint::KEY_STATUS => '1'));
$renamed['visit'] = endpoint($db, $offline, $version)->adminVisit();
$renamed['oldUser'] = array('status' => userById($db, $old['user_id'])['status'], 'oldPasswordWorks' => password_verify($old['password'], userById($db, $old['user_id'])['password']));
// Uninstall: the renamed users go, with their logins.
$open = seedAccess($db, 'RN-OPEN', date('Y-m-d H:i:s'), '4.0.2.3');
renameUser($db, $open['user_id'], 'helpdesk3');
$db->tables['oc_user_login'][] = array('user_login_id' => '1', 'user_id' => (string)$open['user_id'], 'ip' => '10.0.0.3');
$db->tables['oc_user_login'][] = array('user_login_id' => '2', 'user_id' => '1', 'ip' => '10.0.0.1');
$db->tables['oc_user_authorize'][] = array('user_authorize_id' => '1', 'user_id' => (string)$open['user_id'], 'token' => 't');
$renamed['usersBeforeUninstall'] = users($db);
$renamed['uninstall'] = endpoint($db, $offline, $version)->uninstall();
$renamed['users'] = users($db);
$renamed['userLogin'] = array_map(function ($row) {
	return $row['user_id'];
}, $db->tables['oc_user_login']);
$renamed['userAuthorize'] = count($db->tables['oc_user_authorize']);
$out['renamed'] = $renamed;

// The store's DB fails while the user is being disabled: the row stays active, to be tried again.
$db = store();
$manager = new AccessManager($db, 'oc_', '3.0.4.0');
$manager->install();
$failing = $manager->createTemporaryAdmin('RN-FAIL', 'OC-302', 'admin');
$db->failOn = '/^UPDATE `oc_user` SET/';
$updateFails = array('disable' => endpoint($db, $state, array('http' => $http))->handle('access.disable', array('ticketId' => 'RN-FAIL')));
$updateFails['active'] = count($manager->activeFor('RN-FAIL'));
$db->failOn = null;
$updateFails['retry'] = endpoint($db, $state, array('http' => $http))->handle('access.disable', array('ticketId' => 'RN-FAIL'));
$updateFails['users'] = users($db);
$out['updateFails'] = $updateFails;

echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
