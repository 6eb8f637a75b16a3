<?php
// Exercises the module's shared library in one PHP process and prints what happened as JSON,
// for test/extension/library.test.ts to check.
//   php library.php <mock API base URL> <closed port URL>
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require __DIR__ . '/FakeDb.php';
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

use OcSupportDesk\AccessManager;
use OcSupportDesk\ApiClient;
use OcSupportDesk\ApiException;
use OcSupportDesk\Endpoint;
use OcSupportDesk\Http;

$api = $argv[1];
$closed = $argv[2];
$out = array();

/** A store whose `user` table has that OpenCart version's columns (MySQL refuses any other). */
function store($version) {
	return new FakeDb(array(
		'oc_user' => array(
			array('user_id' => '1', 'user_group_id' => '1', 'username' => 'admin', 'status' => '1'),
		),
		'oc_user_group' => array(
			array('user_group_id' => '1', 'name' => 'Administrator', 'permission' => '{"access":["catalog/product"],"modify":["catalog/product"]}'),
			array('user_group_id' => '10', 'name' => 'Demonstration', 'permission' => '{}'),
		),
		'oc_setting' => array(),
	), '10.11.6-MariaDB-0+deb12u1', array('oc_user' => FakeDb::userColumns($version)));
}

function userRow(FakeDb $db, $id) {
	foreach ($db->tables['oc_user'] as $row) {
		if ((int)$row['user_id'] === (int)$id) {
			return $row;
		}
	}

	return null;
}

// ------------------------------------------------------------------ AccessManager, per line
foreach (array('3.0.2.0', '4.0.2.3', '4.1.0.4') as $version) {
	$db = store($version);
	$access = new AccessManager($db, 'oc_', $version);
	$access->install();

	try {
		$dedicated = $access->createTemporaryAdmin('VGlja2V0OjE=', 'OC-000042', 'dedicated');
	} catch (Exception $e) {
		$out['access'][$version] = array('error' => $e->getMessage());

		continue;
	}

	$again = $access->createTemporaryAdmin('VGlja2V0OjI=', 'OC-000043', 'dedicated');
	$admin = $access->createTemporaryAdmin('VGlja2V0OjM=', 'OC-000044', 'admin');
	$user = userRow($db, $dedicated['user_id']);

	$loginWorks = $version[0] === '4'
		? password_verify($dedicated['password'], $user['password'])
		: $user['password'] === sha1($user['salt'] . sha1($user['salt'] . sha1($dedicated['password'])));

	$groups = array();

	foreach ($db->tables['oc_user_group'] as $group) {
		$groups[$group['name']] = $group;
	}

	$disabledCount = $access->disable('VGlja2V0OjE=');
	$after = userRow($db, $dedicated['user_id']);
	$stillWorks = $version[0] === '4'
		? password_verify($dedicated['password'], $after['password'])
		: $after['password'] === sha1($after['salt'] . sha1($after['salt'] . sha1($dedicated['password'])));

	$access->uninstall();

	$out['access'][$version] = array(
		'username' => $dedicated['username'],
		'password' => $dedicated['password'],
		'passwords' => array($dedicated['password'], $again['password'], $admin['password']),
		'user' => array('firstname' => $user['firstname'], 'lastname' => $user['lastname'], 'status' => $user['status'], 'user_group_id' => $user['user_group_id'], 'hasSalt' => isset($user['salt'])),
		'loginWorks' => $loginWorks,
		'dedicatedGroup' => isset($groups[AccessManager::GROUP_NAME]) ? $groups[AccessManager::GROUP_NAME]['permission'] : null,
		'sameDedicatedGroup' => $dedicated['user_group_id'] === $again['user_group_id'],
		'adminGroupId' => $admin['user_group_id'],
		'disabledCount' => $disabledCount,
		'afterDisable' => array('status' => $after['status'], 'oldPasswordWorks' => $stillWorks),
		'afterUninstall' => array(
			'statuses' => array_map(function ($row) {
				return $row['username'] . ':' . $row['status'];
			}, $db->tables['oc_user']),
			'tableDropped' => !isset($db->tables['oc_oc_support_desk_access']),
			'groupNames' => array_map(function ($row) {
				return $row['name'];
			}, $db->tables['oc_user_group']),
		),
	);
}

// ------------------------------------------------------------------ ApiClient: transport failures
function attempt($client, $operation, array $variables = array()) {
	try {
		$response = $client->execute($operation, $variables);

		return array('ok' => true, 'response' => $response);
	} catch (ApiException $e) {
		return array('ok' => false, 'kind' => $e->kind, 'message' => $e->getMessage());
	}
}

$operations = array();

foreach (OcSupportDesk\Operations::all() as $name => $operation) {
	$operations[$name] = $operation['document'];
}

$started = microtime(true);
$out['client'] = array(
	'ok' => attempt(new ApiClient($api . '/graphql', 'key-good', $operations, new Http(false), 5), 'Viewer'),
	'unknownOperation' => attempt(new ApiClient($api . '/graphql', 'key-good', $operations, new Http(false), 5), 'IntrospectionQuery'),
	'notConfigured' => attempt(new ApiClient('', '', $operations, new Http(false), 5), 'Viewer'),
	'badScheme' => attempt(new ApiClient('ftp://example.com/graphql', 'key', $operations, new Http(false), 5), 'Viewer'),
	'plainHttpRemote' => attempt(new ApiClient('http://support.example.com/graphql', 'key', $operations, new Http(false), 5), 'Viewer'),
	'unreachable' => attempt(new ApiClient($closed . '/graphql', 'key-good', $operations, new Http(false), 2), 'Viewer'),
	'timeout' => attempt(new ApiClient($api . '/slow', 'key-good', $operations, new Http(false), 1), 'Viewer'),
	'unauthenticated' => attempt(new ApiClient($api . '/graphql', 'key-bad', $operations, new Http(false), 5), 'Viewer'),
	'banned' => attempt(new ApiClient($api . '/graphql', 'key-banned', $operations, new Http(false), 5), 'Viewer'),
	'notGraphql' => attempt(new ApiClient($api . '/html', 'key-good', $operations, new Http(false), 5), 'Viewer'),
	'http500' => attempt(new ApiClient($api . '/broken', 'key-good', $operations, new Http(false), 5), 'Viewer'),
);
$out['client']['timeoutSeconds'] = round(microtime(true) - $started, 1);
$out['client']['validEndpoint'] = array();

foreach (array('https://support.example.com/graphql', 'http://localhost:4000/graphql', 'http://127.0.0.1:4000/graphql', 'http://[::1]:4000/graphql', 'http://support.example.com/graphql', 'http://localhost.evil.example/graphql', 'http://127.0.0.1@evil.example/graphql', 'https://user:pw@support.example.com/graphql', 'ftp://example.com/graphql') as $url) {
	$out['client']['validEndpoint'][$url] = ApiClient::validEndpoint($url);
}

// ------------------------------------------------------------------ Endpoint
$db = store('3.0.4.0');
(new AccessManager($db, 'oc_', '3.0.4.0'))->install();
$saved = array();
$settings = array(
	Endpoint::KEY_ENDPOINT => $api . '/graphql',
	Endpoint::KEY_API_KEY => 'key-good-0123456789abcdef',
	Endpoint::KEY_STATUS => '1',
);

$make = function ($canModify, array $overrides = array()) use (&$settings, &$saved, $db) {
	return new Endpoint($overrides + array(
		'line' => '3.0',
		'version' => '3.0.4.0',
		'db' => $db,
		'prefix' => 'oc_',
		'settings' => $settings,
		'saveSettings' => function ($new) use (&$settings, &$saved) {
			$settings = $new;
			$saved[] = $new;
		},
		'canModify' => $canModify,
		'adminUrl' => 'https://shop.example.com/admin/',
		'timezone' => 'Europe/Berlin',
		'operations' => OcSupportDesk\Operations::all(),
		'http' => new Http(false),
		'timeout' => 5,
		'detector' => array('server' => array('SERVER_SOFTWARE' => 'Apache'), 'storeUrl' => 'https://shop.example.com/', 'adminLanguage' => 'en-gb'),
	));
};

$e = array();
$e['bootstrap'] = $make(true)->handle('bootstrap', array());
$e['unknownAction'] = $make(true)->handle('drop.tables', array());
$e['saveWithoutModify'] = $make(false)->handle('settings.save', array('endpoint' => 'http://evil.example/graphql'));
$e['saveBadEndpoint'] = $make(true)->handle('settings.save', array('endpoint' => 'javascript:alert(1)'));
$e['saveKeepsKey'] = $make(true)->handle('settings.save', array('endpoint' => $api . '/graphql', 'apiKey' => '', 'status' => true));
$e['keyAfterSave'] = $settings[Endpoint::KEY_API_KEY];
$e['test'] = $make(true)->handle('settings.test', array());
$e['testBadKey'] = $make(true)->handle('settings.test', array('apiKey' => 'key-bad'));
$e['testWithoutModify'] = $make(false)->handle('settings.test', array());
$e['arbitraryQuery'] = $make(true)->handle('graphql', array('operation' => 'query { __schema { types { name } } }'));
$e['serverOnly'] = $make(true)->handle('graphql', array('operation' => 'TicketCreate', 'variables' => array('input' => array('subject' => 'x'))));
$e['mutationWithoutModify'] = $make(false)->handle('graphql', array('operation' => 'TicketReply', 'variables' => array('input' => array('ticketId' => 'T1', 'body' => 'hi'))));
$e['list'] = $make(false)->handle('graphql', array('operation' => 'TicketList', 'variables' => array('first' => 20)));
$e['environment'] = $make(false)->handle('environment', array('includeErrorLog' => false));
$e['create'] = $make(true)->handle('ticket.create', array(
	'subject' => 'Checkout broken',
	'description' => 'The checkout page shows a blank screen since yesterday.',
	'category' => 'BUG_FIX',
	'idempotencyKey' => 'idem-12345678',
	'access' => array('createTemporaryAdmin' => true, 'userGroup' => 'dedicated', 'fileAccess' => array('protocol' => 'SFTP', 'host' => 'ftp.example.com', 'port' => '22', 'username' => 'u', 'password' => 'p')),
));
$e['userAfterCreate'] = array_values(array_filter($db->tables['oc_user'], function ($row) {
	return strpos($row['username'], 'ocsupport_') === 0;
}));
$ftp = array('protocol' => 'FTP', 'host' => 'ftp.example.com', 'username' => 'u', 'password' => 'ftp-password-1');
$temporaryUsers = function () use ($db) {
	return count(array_filter($db->tables['oc_user'], function ($row) {
		return strpos($row['username'], 'ocsupport_') === 0;
	}));
};
$usersBefore = $temporaryUsers();
// Incomplete: a temporary user but no FTP access. Refused before anything is created or sent.
$e['createIncomplete'] = $make(true)->handle('ticket.create', array('subject' => 'No FTP', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'access' => array('createTemporaryAdmin' => true)));
$e['createShort'] = $make(true)->handle('ticket.create', array('subject' => 'Hi', 'description' => 'Broken.', 'category' => 'BUG_FIX', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => $ftp)));
$e['createIncompleteUsers'] = $temporaryUsers() - $usersBefore;
// The API refuses the access (userError on a field), or the whole request (a GraphQL error that
// quotes the variables, passwords included): nothing filed, the temporary user deleted at once.
$e['createRefused'] = $make(true)->handle('ticket.create', array('subject' => 'Refuse access', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => $ftp)));
$e['createEcho'] = $make(true)->handle('ticket.create', array('subject' => 'Echo variables', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'access' => array('storeAdmin' => array('username' => 'owner', 'password' => 'owner-password-9'), 'fileAccess' => $ftp)));
$e['createRefusedUsers'] = $temporaryUsers() - $usersBefore;
$e['createRefusedRows'] = count($db->tables['oc_oc_support_desk_access']);
$e['createRejectedAccess'] = $make(true)->handle('access.provide', array('ticketId' => 'T-REJECT', 'ticketNumber' => 'OC-9', 'createTemporaryAdmin' => true, 'fileAccess' => $ftp));
$e['rejectedUsers'] = $temporaryUsers() - $usersBefore;
$e['provideDone'] = $make(true)->handle('access.provide', array('ticketId' => 'T-DONE', 'ticketNumber' => 'OC-7', 'createTemporaryAdmin' => true, 'userGroup' => 'admin', 'fileAccess' => $ftp));
$e['accessesBeforeSweep'] = $make(true)->handle('bootstrap', array())['body']['accesses'];
$e['sweepThrottledFirst'] = $make(false)->handle('access.sweep', array());
$e['sweepThrottledSecond'] = $make(false)->handle('access.sweep', array());
// Support resolves a ticket within the minute the admin-visit clean-up waits: the ticket page that
// shows the resolution disables its temporary user first (even for an admin without "modify").
$make(true)->handle('access.provide', array('ticketId' => 'T-FINISHED', 'ticketNumber' => 'OC-8', 'createTemporaryAdmin' => true, 'fileAccess' => $ftp));
$e['detailFinished'] = $make(false)->handle('graphql', array('operation' => 'TicketDetail', 'variables' => array('id' => 'T-FINISHED', 'messages' => 10)));
$e['detailFinishedAgain'] = $make(false)->handle('graphql', array('operation' => 'TicketDetail', 'variables' => array('id' => 'T-FINISHED', 'messages' => 10)));
$e['detailOpen'] = $make(false)->handle('graphql', array('operation' => 'TicketDetail', 'variables' => array('id' => 'T-OPEN', 'messages' => 10)));
$e['disableNow'] = $make(true)->handle('access.disable', array('ticketId' => 'T-OPEN'));
$e['usersAfter'] = array_map(function ($row) {
	return $row['username'] . ':' . $row['status'];
}, $db->tables['oc_user']);
$e['unreachable'] = $make(true, array('settings' => array(Endpoint::KEY_ENDPOINT => $closed . '/graphql', Endpoint::KEY_API_KEY => 'k', Endpoint::KEY_STATUS => '1')))->handle('graphql', array('operation' => 'Viewer'));
$e['notConfigured'] = $make(true, array('settings' => array()))->handle('graphql', array('operation' => 'Viewer'));
$out['endpoint'] = $e;
$out['savedSettings'] = $saved;

// ------------------------------------------------------------------ Endpoint: the store's own errors
// OpenCart's DB driver throws a plain Exception (with the SQL in its message) when a query fails.
$logged = array();
$logger = array('log' => function ($message) use (&$logged) {
	$logged[] = $message;
});
$db->failOn = '/^INSERT INTO `oc_user`/';
$failures = array(
	'provide' => $make(true, $logger)->handle('access.provide', array('ticketId' => 'T-DBFAIL', 'ticketNumber' => 'OC-11', 'createTemporaryAdmin' => true, 'fileAccess' => $ftp)),
	'create' => $make(true, $logger)->handle('ticket.create', array('subject' => 'Store fails', 'description' => 'The checkout page is blank.', 'category' => 'BUG_FIX', 'idempotencyKey' => 'idem-dbfail', 'access' => array('createTemporaryAdmin' => true, 'fileAccess' => $ftp))),
);
$db->failOn = '/oc_support_desk_access/';
$failures['disable'] = $make(true, $logger)->handle('access.disable', array('ticketId' => 'T-OPEN'));
$db->failOn = null;
$failures['log'] = $logged;
$out['storeErrors'] = $failures;

// ------------------------------------------------------------------ Detector helpers
$out['clip'] = array(
	'utf8' => OcSupportDesk\Detector::clip('äöüß-Ω', 3),
	'ascii' => OcSupportDesk\Detector::clip('3.0.4.0-with-a-very-long-suffix-that-goes-on', 32),
	'invalid' => OcSupportDesk\Detector::clip("bad \xff\xfe bytes", 40),
	'jsonSafe' => json_encode(OcSupportDesk\Detector::validUtf8("log \xc3\x28 line")) !== false,
);

echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
