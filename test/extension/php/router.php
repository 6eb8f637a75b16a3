<?php
// A stand-in OpenCart admin for the browser tests, run by `php -S 127.0.0.1:<port> router.php`:
//   /admin/index.php?route=extension/module/oc_support_desk&user_token=…       the module's shell page
//   /admin/index.php?route=extension/module/oc_support_desk/api&user_token=…   its JSON endpoint
//   /admin/view/javascript/oc_support_desk/support-desk.js                     the built bundle
// It does what the module's 3.0 controller does (token and permission check, then the shared
// library's Endpoint), with the store's tables in a JSON file (FakeDb) instead of MySQL. Like
// OpenCart's admin, every page carries <base href="http://…/admin/"> in its header, and any admin
// address without the session's user_token (a link that lost it, /admin/ itself) answers with the
// login page, so a link that leaves the module's page shows up as it does in a real store.
// Environment: OCSD_STATE (folder for db.json and settings.json), OCSD_TOKEN, OCSD_MODIFY (1/0),
// OCSD_TIMEZONE, OCSD_VERSION (VERSION), OCSD_LOGS (folder with error.log, optional),
// OCSD_LOGIN_SECURITY (the 4.x setting that is on, e.g. config_security; optional).
require __DIR__ . '/FakeDb.php';
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

$root = realpath(__DIR__ . '/../../../opencart-extension/oc3');
$state = getenv('OCSD_STATE');
$token = getenv('OCSD_TOKEN');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$route = isset($_GET['route']) ? (string)$_GET['route'] : '';

date_default_timezone_set(getenv('OCSD_TIMEZONE') ?: 'UTC');

if ($path === '/admin/view/javascript/oc_support_desk/support-desk.js') {
	header('Content-Type: text/javascript; charset=utf-8');
	readfile($root . '/admin/view/javascript/oc_support_desk/support-desk.js');

	return true;
}

if ($path === '/admin/view/stylesheet/bootstrap.css') {
	// OpenCart 3.0's admin is styled by Bootstrap 3: the module's markup is laid out by the same rules here.
	header('Content-Type: text/css; charset=utf-8');
	readfile(__DIR__ . '/../../../node_modules/bootstrap/dist/css/bootstrap.min.css');

	return true;
}

if ($path !== '/admin/index.php' && $path !== '/admin/') {
	http_response_code(404);
	echo 'Not found';

	return true;
}

$givenToken = isset($_GET['user_token']) ? (string)$_GET['user_token'] : '';

function json_out($status, array $body) {
	http_response_code($status);
	header('Content-Type: application/json; charset=utf-8');
	header('Cache-Control: no-store');
	echo json_encode($body);
}

if ($route === 'extension/module/oc_support_desk/api') {
	if (!hash_equals($token, $givenToken)) {
		json_out(401, array('ok' => false, 'error' => array('code' => 'TOKEN', 'message' => 'Your admin session has expired. Please reload the page and log in again.')));

		return true;
	}

	if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
		json_out(405, array('ok' => false, 'error' => array('code' => 'METHOD', 'message' => 'POST only.')));

		return true;
	}

	// One request at a time: the tables live in one JSON file.
	$lock = fopen($state . '/lock', 'c');
	flock($lock, LOCK_EX);

	$db = FakeDb::fromFile($state . '/db.json');
	$settingsFile = $state . '/settings.json';
	$settings = is_file($settingsFile) ? json_decode((string)file_get_contents($settingsFile), true) : array();
	$version = getenv('OCSD_VERSION') ?: '3.0.4.0';

	$endpoint = new OcSupportDesk\Endpoint(array(
		'line' => '3.0',
		'version' => $version,
		'db' => $db,
		'prefix' => 'oc_',
		'settings' => $settings,
		'saveSettings' => function ($new) use ($settingsFile) {
			file_put_contents($settingsFile . '.tmp', json_encode($new, JSON_PRETTY_PRINT));
			rename($settingsFile . '.tmp', $settingsFile);
		},
		'canModify' => getenv('OCSD_MODIFY') !== '0',
		'adminUrl' => 'http://' . $_SERVER['HTTP_HOST'] . '/admin/',
		'timezone' => date_default_timezone_get(),
		'operations' => OcSupportDesk\Operations::all(),
		'timeout' => 10,
		'loginSecurity' => (string)getenv('OCSD_LOGIN_SECURITY'),
		'detector' => array(
			'paths' => array('application' => $root . '/admin/', 'logs' => getenv('OCSD_LOGS') ?: null),
			'settings' => array('config_url' => 'http://' . $_SERVER['HTTP_HOST'] . '/', 'config_error_filename' => 'error.log'),
			'server' => array('SERVER_SOFTWARE' => 'Apache/2.4.62 (Debian)'),
			'query' => $_GET,
			'adminLanguage' => 'en-gb',
		),
	));

	$input = json_decode((string)file_get_contents('php://input'), true);
	$result = $endpoint->handle(isset($_GET['action']) ? (string)$_GET['action'] : '', is_array($input) ? $input : array());
	$db->save();
	flock($lock, LOCK_UN);

	json_out($result['status'], $result['body']);

	return true;
}

if (!hash_equals($token, $givenToken) || $route === '' || $route === 'common/login') {
	// OpenCart 3.0 sends such a request to its login page ("Invalid token session" when a token was given).
	header('Content-Type: text/html; charset=utf-8');
	echo '<!DOCTYPE html><html><head><title>Administration</title><base href="http://' . $_SERVER['HTTP_HOST'] . '/admin/"></head><body>'
		. '<form action="index.php?route=common/login" method="post" id="login"><h1>Please enter your login details.</h1>'
		. ($givenToken !== '' ? '<div class="alert alert-danger">Invalid token session. Please login again.</div>' : '')
		. '<input name="username"><input name="password" type="password"><button type="submit">Login</button></form></body></html>';

	return true;
}

if ($route === 'extension/module/oc_support_desk') {
	// The real shell template, rendered with the few Twig forms it uses.
	$base = 'index.php?route=';
	$data = array(
		'heading_title' => 'OpenCart Support Desk',
		'text_loading' => 'Loading the support desk…',
		'text_noscript' => 'The support desk needs JavaScript.',
		'endpoint' => $base . 'extension/module/oc_support_desk/api&user_token=' . $token,
		'back' => $base . 'marketplace/extension&amp;user_token=' . $token . '&amp;type=module',
		'timezone' => date_default_timezone_get(),
		'line' => '3.0',
		'breadcrumbs' => array(
			array('text' => 'Home', 'href' => $base . 'common/dashboard&amp;user_token=' . $token),
			array('text' => 'Extensions', 'href' => $base . 'marketplace/extension&amp;user_token=' . $token . '&amp;type=module'),
			array('text' => 'OpenCart Support Desk', 'href' => $base . 'extension/module/oc_support_desk&amp;user_token=' . $token),
		),
		'header' => '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>OpenCart Support Desk</title>'
			. '<base href="http://' . $_SERVER['HTTP_HOST'] . '/admin/">'
			. '<link href="view/stylesheet/bootstrap.css" type="text/css" rel="stylesheet">'
			. '<style>body{font-family:"Open Sans",Arial,sans-serif;font-size:13px;color:#333;margin:0;background:#fff}#header{background:#1e91cf;color:#fff;padding:10px 20px;font-weight:600}'
			. '#content{padding:0 20px 40px}.page-header{border-bottom:1px solid #eee;margin-bottom:15px}.page-header h1{font-size:26px;font-weight:300;margin:15px 0 5px}'
			. '.breadcrumb{list-style:none;padding:0;margin:0 0 10px;display:flex;gap:8px}.breadcrumb li+li:before{content:"/ ";color:#999}'
			. '.btn{display:inline-block;padding:6px 12px;border:1px solid #ccc;border-radius:3px;background:#f5f5f5;cursor:pointer;font-size:13px;text-decoration:none;color:#333}'
			. '.btn-primary{background:#1e91cf;border-color:#1978ab;color:#fff}.btn-warning{background:#f38733;color:#fff}.btn-success{background:#8fbb6c;color:#fff}.btn-danger{background:#f56b6b;color:#fff}.btn-sm{padding:2px 8px}'
			. '.form-control{display:block;width:100%;box-sizing:border-box;padding:6px 10px;border:1px solid #ccc;border-radius:2px;font-size:13px}.form-group{margin-bottom:12px}.control-label{font-weight:600;display:block;margin-bottom:4px}'
			. '.table{width:100%;border-collapse:collapse}.table td,.table th{border:1px solid #ddd;padding:8px;text-align:left;vertical-align:top}.table th{background:#f5f5f5}'
			. '.alert{padding:10px 15px;border-radius:3px;margin-bottom:12px;border:1px solid}.alert-success{background:#dff0d8;border-color:#d6e9c6}.alert-warning{background:#fcf8e3;border-color:#faebcc}.alert-danger{background:#f2dede;border-color:#ebccd1}.alert-info{background:#d9edf7;border-color:#bce8f1}'
			. '.text-center{text-align:center}</style>'
			. '<script src="view/javascript/oc_support_desk/support-desk.js"></script></head><body><div id="header">OpenCart admin (test harness)</div>',
		'column_left' => '',
		'footer' => '</body></html>',
	);

	$twig = (string)file_get_contents($root . '/admin/view/template/extension/module/oc_support_desk.twig');
	$twig = preg_replace_callback('/\{% for (\w+) in (\w+) %\}(.*?)\{% endfor %\}/s', function ($m) use ($data) {
		$out = '';

		foreach ($data[$m[2]] as $item) {
			$out .= preg_replace_callback('/\{\{ ' . $m[1] . '\.(\w+) \}\}/', function ($n) use ($item) {
				return $item[$n[1]];
			}, $m[3]);
		}

		return $out;
	}, $twig);
	$twig = preg_replace_callback("/\{\{ (\w+)(\|e\('html_attr'\))? \}\}/", function ($m) use ($data) {
		$value = (string)$data[$m[1]];

		return isset($m[2]) && $m[2] !== '' ? htmlspecialchars($value, ENT_QUOTES, 'UTF-8') : $value;
	}, $twig);

	header('Content-Type: text/html; charset=utf-8');
	echo $twig;

	return true;
}

http_response_code(404);
echo 'Unknown route';

return true;
