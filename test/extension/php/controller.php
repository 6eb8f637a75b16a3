<?php
// Runs the module's real OpenCart controller (3.0 or 4.x) on stand-ins for OpenCart's registry
// objects (user, config, loader, language, settings and event models, request, response, log, url,
// document) and FakeDb,
// and prints what happened as JSON for test/extension/controller.test.ts. One line per process:
// OpenCart's constants (VERSION, DIR_SYSTEM …) cannot be defined twice.
//   php controller.php <3.0|4.x> <mock API base URL>
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require __DIR__ . '/FakeDb.php';

$line = $argv[1];
$api = $argv[2];
$lib = realpath(__DIR__ . '/../../../opencart-extension/lib');
$root = sys_get_temp_dir() . '/ocsd-controller-' . getmypid();

// Where each line's controller looks for the shared library.
if ($line === '3.0') {
	@mkdir($root . '/system/library', 0777, true);
	symlink($lib, $root . '/system/library/oc_support_desk');
	define('VERSION', '3.0.3.8');
	define('DIR_SYSTEM', $root . '/system/');
} else {
	@mkdir($root . '/extension/oc_support_desk/system/library', 0777, true);
	symlink($lib, $root . '/extension/oc_support_desk/system/library/oc_support_desk');
	define('VERSION', '4.0.2.3');
	define('DIR_SYSTEM', $root . '/system/');
	define('DIR_EXTENSION', $root . '/extension/');
}

define('DB_PREFIX', 'oc_');
define('DIR_APPLICATION', $root . '/admin/');
define('DIR_LOGS', $root . '/logs/');
define('HTTP_SERVER', 'https://shop.example.com/admin/');
define('HTTPS_SERVER', 'https://shop.example.com/admin/');
define('HTTP_CATALOG', 'https://shop.example.com/');

register_shutdown_function(function () use ($root, $line) {
	@unlink($line === '3.0' ? $root . '/system/library/oc_support_desk' : $root . '/extension/oc_support_desk/system/library/oc_support_desk');
	exec('rm -rf ' . escapeshellarg($root));
});

class Registry {
	private $data = array();

	public function get($key) {
		return isset($this->data[$key]) ? $this->data[$key] : null;
	}

	public function set($key, $value) {
		$this->data[$key] = $value;
	}
}

if ($line === '3.0') {
	abstract class Controller {
		protected $registry;

		public function __construct($registry) {
			$this->registry = $registry;
		}

		public function __get($key) {
			return $this->registry->get($key);
		}

		public function __set($key, $value) {
			$this->registry->set($key, $value);
		}
	}
} else {
	eval('namespace Opencart\System\Engine; abstract class Controller {
		protected $registry;
		public function __construct($registry) { $this->registry = $registry; }
		public function __get($key) { return $this->registry->get($key); }
		public function __set($key, $value) { $this->registry->set($key, $value); }
	}');
}

// OpenCart's Action: the route an event runs.
if ($line === '3.0') {
	class Action {
		public $route;

		public function __construct($route) {
			$this->route = $route;
		}
	}
} else {
	eval('namespace Opencart\System\Engine; class Action {
		public $route;
		public function __construct(string $route) { $this->route = $route; }
	}');
}

/** OpenCart's event registry: what is registered while a page is built. */
class StubEvent {
	public $registered = array();

	public function register($trigger, $action, $priority = 0) {
		$this->registered[] = array('trigger' => $trigger, 'action' => $action->route);
	}
}

/** OpenCart's cache: get() answers false for nothing kept, as 3.0's file cache does. */
class StubCache {
	public $data = array();

	public function get($key) {
		return isset($this->data[$key]) ? $this->data[$key] : false;
	}

	public function set($key, $value) {
		$this->data[$key] = json_decode(json_encode($value), true);
	}
}

class StubUser {
	public $logged = true;

	public function isLogged() {
		return $this->logged;
	}

	/** @var array|null routes the user may access; null: every route */
	public $access = null;

	public function hasPermission($type, $route) {
		return $this->access === null || in_array($route, $this->access, true);
	}

	public function getId() {
		return 1;
	}
}

class StubConfig {
	public $data = array();

	public function get($key) {
		return isset($this->data[$key]) ? $this->data[$key] : null;
	}
}

/** model_setting_setting: settings by code, like OpenCart's oc_setting. */
class StubSettings {
	public $codes = array();
	public $edits = 0;
	/** Makes getSetting() fail, as it does when OpenCart's DB does. */
	public $fail = false;

	public function getSetting($code) {
		if ($this->fail) {
			throw new \Exception('Error: MySQL server has gone away<br />Error No: 2006<br />SELECT * FROM `oc_setting`');
		}

		return isset($this->codes[$code]) ? $this->codes[$code] : array();
	}

	public function editSetting($code, $data) {
		$this->codes[$code] = $data;
		$this->edits++;
	}
}

class StubEvents {
	public $events = array();

	public function addEvent($code, $description = '', $trigger = '', $action = '', $status = 1, $sortOrder = 0) {
		// 3.0 ($code, $trigger, $action, …), 4.0.0.0 positional with a description, 4.0.1+ one array.
		$this->events[] = is_array($code) ? $code : (VERSION[0] === '3' ? array('code' => $code, 'trigger' => $description, 'action' => $trigger) : array('code' => $code, 'trigger' => $trigger, 'action' => $action));
	}

	public function deleteEventByCode($code) {
		$this->events = array_values(array_filter($this->events, function ($event) use ($code) {
			return $event['code'] !== $code;
		}));
	}
}

class StubLoader {
	private $registry;
	private $models;

	/** @var array the data of the last template rendered */
	public $viewData = null;

	public function __construct($registry, array $models) {
		$this->registry = $registry;
		$this->models = $models;
	}

	public function language($route, $prefix = '', $code = '') {
		return $this->registry->get('language')->load($route, $prefix, $code);
	}

	public function model($route) {
		$this->registry->set('model_' . str_replace('/', '_', $route), $this->models[$route]);
	}

	public function controller($route) {
		return '';
	}

	/** Templates also receive every loaded text (OpenCart's view/*\/before language event). */
	public function view($route, $data = array()) {
		$this->viewData = $data + $this->registry->get('language')->all();

		return '';
	}
}

class StubLog {
	public $lines = array();

	public function write($message) {
		$this->lines[] = (string)$message;
	}
}

class StubResponse {
	public $output = '';

	public function addHeader($header) {
	}

	public function setOutput($output) {
		$this->output = $output;
	}
}

class StubRequest {
	public $get = array();
	public $post = array();
	public $cookie = array();
	public $server = array('REQUEST_METHOD' => 'POST', 'SERVER_SOFTWARE' => 'Apache');
}

/**
 * The module's own language files, read the way each line reads them: 3.0 loads en-gb first and the
 * admin language over it; 4.x loads only the language asked for (the admin's unless $code is given).
 */
class StubLanguage {
	public $code = 'en-gb';
	private $line;
	private $dir;
	private $data = array();

	public function __construct($line, $dir) {
		$this->line = $line;
		$this->dir = $dir;
	}

	public function get($key) {
		return isset($this->data[$key]) ? $this->data[$key] : $key;
	}

	public function set($key, $value) {
		$this->data[$key] = $value;
	}

	public function all($prefix = '') {
		if ($prefix === '') {
			return $this->data;
		}

		$picked = array();

		foreach ($this->data as $key => $value) {
			if (strpos($key, $prefix . '_') === 0) {
				$picked[substr($key, strlen($prefix) + 1)] = $value;
			}
		}

		return $picked;
	}

	public function clear() {
		$this->data = array();
	}

	public function load($route, $prefix = '', $code = '') {
		// 4.x finds an extension's files under its own folder: extension/<code>/<path> → <path>.
		$path = $this->line === '3.0' ? $route : preg_replace('#^extension/oc_support_desk/#', '', $route);
		$codes = $this->line === '3.0' ? array_unique(array('en-gb', $this->code)) : array($code !== '' ? $code : $this->code);
		$texts = array();

		foreach ($codes as $language) {
			$file = $this->dir . '/' . $language . '/' . $path . '.php';

			if (is_file($file)) {
				$_ = array();
				require $file;
				$texts = array_merge($texts, $_);
			}
		}

		foreach ($texts as $key => $value) {
			$this->data[$prefix !== '' ? $prefix . '_' . $key : $key] = $value;
		}

		return $this->data;
	}
}

class StubUrl {
	public function link($route, $args = '', $secure = false) {
		return 'https://shop.example.com/admin/index.php?route=' . $route . ($args !== '' ? '&amp;' . $args : '');
	}
}

class StubDocument {
	public $title = null;

	public function setTitle($title) {
		$this->title = $title;
	}

	public function addScript($href) {
	}
}

$db = new FakeDb(array(
	'oc_user' => array(array('user_id' => '1', 'user_group_id' => '1', 'username' => 'admin', 'status' => '1')),
	'oc_user_group' => array(array('user_group_id' => '1', 'name' => 'Administrator', 'permission' => '{"access":[],"modify":[]}')),
	'oc_setting' => array(),
));
$settings = new StubSettings();
$events = new StubEvents();
$language = new StubLanguage($line, realpath(__DIR__ . '/../../../opencart-extension/' . ($line === '3.0' ? 'oc3' : 'oc4') . '/admin/language'));
$document = new StubDocument();
$config = new StubConfig();
$log = new StubLog();
$user = new StubUser();
$registry = new Registry();

$loader = new StubLoader($registry, array('setting/setting' => $settings, 'setting/event' => $events));

foreach (array(
	'db' => $db,
	'config' => $config,
	'log' => $log,
	'user' => $user,
	'load' => $loader,
	'request' => new StubRequest(),
	'response' => new StubResponse(),
	'session' => (object)array('data' => array('user_token' => 'tok')),
	'language' => $language,
	'url' => new StubUrl(),
	'document' => $document,
	'event' => new StubEvent(),
	'cache' => new StubCache(),
) as $key => $value) {
	$registry->set($key, $value);
}

if ($line === '3.0') {
	require __DIR__ . '/../../../opencart-extension/oc3/admin/controller/extension/module/oc_support_desk.php';
	$controller = new ControllerExtensionModuleOcSupportDesk($registry);
} else {
	require __DIR__ . '/../../../opencart-extension/oc4/admin/controller/module/oc_support_desk.php';
	$controller = new Opencart\Admin\Controller\Extension\OcSupportDesk\Module\OcSupportDesk($registry);
}

$code = 'module_oc_support_desk';
$prefix = $line === '3.0' ? 'C3' : 'C4';
$out = array();

function bootstrap($controller, $registry) {
	$registry->get('request')->get = array('user_token' => 'tok', 'action' => 'bootstrap');
	$controller->api();

	return json_decode($registry->get('response')->output, true);
}

function userStatuses(FakeDb $db) {
	return array_map(function ($row) {
		return $row['username'] . ':' . $row['status'];
	}, $db->tables['oc_user']);
}

// Install: the table, the event, and the module switched off (as OpenCart leaves it).
$controller->install();
$out['install'] = array(
	'table' => isset($db->tables['oc_oc_support_desk_access']),
	'events' => $events->events,
	'settings' => $settings->getSetting($code),
);

// The merchant enters the endpoint and key but never ticks "Enabled".
$stored = array($code . '_status' => '0', $code . '_endpoint' => $api . '/graphql', $code . '_api_key' => 'key-good-controller');
$settings->codes[$code] = $stored;
$config->data = $stored;

$manager = new OcSupportDesk\AccessManager($db, 'oc_', VERSION);
$manager->createTemporaryAdmin($prefix . '-DONE', 'OC-1', 'dedicated');

// Any admin page: the header event.
$route = 'common/header';
$args = array();
$controller->onAdminVisit($route, $args);
$out['visit'] = array('users' => userStatuses($db), 'log' => $log->lines, 'rows' => $db->tables['oc_oc_support_desk_access']);

// Login security, as each line stores it.
$out['bootstrap'] = array();

foreach (array('off' => array(), 'config_security' => array('config_security' => '1'), 'config_user_2fa' => array('config_user_2fa' => '1')) as $name => $extra) {
	$config->data = $stored + $extra;
	$body = bootstrap($controller, $registry);
	$out['bootstrap'][$name] = isset($body['temporaryAdmin']) ? $body['temporaryAdmin'] : $body;
}

$config->data = $stored;

// The admin menu. The header event registers the menu event for the rest of the page.
require_once $lib . '/autoload.php';

/** Http that records the timeout of each request it passes on. */
class RecordingHttp extends OcSupportDesk\Http {
	public $timeouts = array();

	public function post($url, array $headers, $body, $timeout) {
		$this->timeouts[] = $timeout;

		return parent::post($url, $headers, $body, $timeout);
	}
}

$out['menuEvent'] = $registry->get('event')->registered;
$cache = $registry->get('cache');
// Each line's own key, so that the test tells the two processes' calls apart.
$menuKey = 'key-good-menu-' . $prefix;
$menuSettings = function ($status, $endpoint = null, $key = null) use ($code, $api, $menuKey) {
	return array($code . '_status' => $status, $code . '_endpoint' => $endpoint !== null ? $endpoint : $api . '/graphql', $code . '_api_key' => $key !== null ? $key : $menuKey);
};
$menu = function () use ($controller) {
	$route = 'common/column_left';
	$data = array('menus' => array(
		array('id' => 'menu-dashboard', 'icon' => 'x', 'name' => 'Dashboard', 'href' => 'd', 'children' => array()),
		array('id' => 'menu-catalog', 'icon' => 'x', 'name' => 'Catalog', 'href' => '', 'children' => array()),
	));
	$controller->onMenu($route, $data);

	return array_map(function ($item) {
		return $item['id'] === 'menu-oc-support-desk' ? $item : $item['id'];
	}, $data['menus']);
};
$pageEndpoint = function (array $deps = array()) use ($db, $settings, $code, $cache) {
	return new OcSupportDesk\Endpoint($deps + array('line' => '3.0', 'version' => VERSION, 'db' => $db, 'prefix' => 'oc_', 'settings' => $settings->codes[$code], 'operations' => OcSupportDesk\Operations::all(), 'cache' => $cache));
};
$log->lines = array();
$settings->codes[$code] = $menuSettings('0');
$menuOut = array('disabled' => $menu());
$settings->codes[$code] = $menuSettings('1');
$menuOut['enabled'] = $menu();
$menuOut['again'] = $menu();
$user->access = array();
$menuOut['noAccess'] = $menu();
$user->access = null;
// The merchant opens a ticket: its notifications are read, and the count the API gives back is kept.
// Through the endpoint the controller builds for its JSON actions (php://input cannot be given here).
$controllerEndpoint = new ReflectionMethod($controller, 'endpoint');
$controllerEndpoint->setAccessible(true);
$menuOut['read'] = $controllerEndpoint->invoke($controller)->handle('notifications.readTicket', array('ticketId' => $prefix . '-T1'));
$menuOut['afterRead'] = $menu();
// The tickets list is shown: the notices about the account rather than a ticket are shown and read,
// and the count the API gives back is kept.
$menuOut['account'] = $controllerEndpoint->invoke($controller)->handle('notifications.account', array());
$menuOut['afterAccount'] = $menu();
// Another key: what was kept for the old one is not shown.
$settings->codes[$code] = $menuSettings('1', null, $menuKey . '-new');
$menuOut['otherKey'] = $menu();
// An API that refuses the key, one that fails, one that cannot be reached, one that does not answer
// in time: the menu without a count, nothing logged, and no second attempt on the next page.
foreach (array(
	'refused' => $menuSettings('1', null, 'key-revoked'),
	'failing' => $menuSettings('1', $api . '/down/graphql'),
	'unreachable' => $menuSettings('1', $argv[3] . '/graphql'),
	// Answers after 3 s: the page stops waiting after 2.
	'slow' => $menuSettings('1', $api . '/slow'),
) as $name => $stored) {
	$cache->data = array();
	$settings->codes[$code] = $stored;
	$menuOut[$name] = array($menu(), $menu());
}
// How long an admin page waits for the count at most, and how long a count (30 s) or a failure
// (60 s) is kept before the API is asked again.
$clock = 1000000;
$now = function () use (&$clock) {
	return $clock;
};
foreach (array('counted' => $menuSettings('1', null, $menuKey . '-clock'), 'failed' => $menuSettings('1', $api . '/down/graphql', $menuKey . '-clock')) as $name => $stored) {
	$http = new RecordingHttp();
	$cache->data = array();
	$settings->codes[$code] = $stored;
	$asked = array();
	foreach (array(0, 29, 30, 59, 60, 90) as $at) {
		$clock = 1000000 + $at;
		$before = count($http->timeouts);
		$count = $pageEndpoint(array('http' => $http, 'now' => $now))->unreadCount();
		$asked[] = array('at' => $at, 'count' => $count, 'asked' => count($http->timeouts) > $before);
	}
	$menuOut['clock'][$name] = array('asked' => $asked, 'timeouts' => $http->timeouts);
}
$menuOut['log'] = $log->lines;
$out['menu'] = $menuOut;
$cache->data = array();
$settings->codes[$code] = array($code . '_status' => '0', $code . '_endpoint' => $api . '/graphql', $code . '_api_key' => 'key-good-controller');
$stored = $settings->codes[$code];
$config->data = $stored;

// Uninstall: OpenCart has already deleted the module's settings; the config still holds them.
$manager->createTemporaryAdmin($prefix . '-OPEN', 'OC-2', 'dedicated');
unset($settings->codes[$code]);
$controller->uninstall();
$out['uninstall'] = array(
	'users' => userStatuses($db),
	'tableDropped' => !isset($db->tables['oc_oc_support_desk_access']),
	'events' => $events->events,
	'groups' => array_map(function ($row) {
		return $row['name'];
	}, $db->tables['oc_user_group']),
	'log' => $log->lines,
);

// The store's own errors: answered as JSON, with the details in OpenCart's log.
$log->lines = array();
$manager->install();
$db->failOn = '/oc_support_desk_access/';
$dbError = bootstrap($controller, $registry);
$db->failOn = null;
$settings->fail = true;
$setupError = bootstrap($controller, $registry);
$settings->fail = false;
$out['storeErrors'] = array(
	'db' => array('status' => http_response_code(), 'body' => $dbError),
	'setup' => array('status' => http_response_code(), 'body' => $setupError),
	'log' => $log->lines,
);

// An admin language the module has no texts for: the page and the endpoint's messages in English.
$language->code = 'de-de';
$language->clear();
$config->data['config_admin_language'] = 'de-de';
$config->data['config_language_admin'] = 'de-de';
$controller->index();
$page = $loader->viewData;
$registry->get('request')->get = array('user_token' => 'expired', 'action' => 'bootstrap');
$controller->api();
$out['otherLanguage'] = array(
	'title' => $document->title,
	// OpenCart's Twig shows a missing variable as an empty string.
	'heading' => isset($page['heading_title']) ? $page['heading_title'] : '',
	'loading' => isset($page['text_loading']) ? $page['text_loading'] : '',
	'breadcrumbs' => array_map(function ($crumb) {
		return $crumb['text'];
	}, $page['breadcrumbs']),
	'expired' => json_decode($registry->get('response')->output, true),
);

echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
