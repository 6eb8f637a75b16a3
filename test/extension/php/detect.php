<?php
// Runs the module's Detector against one fixture tree and prints the result as JSON.
//   php detect.php <fixture dir>
// A fixture carries a port's real signals: admin/index.php defines VERSION, admin/config.php the
// store's constants, joomla.php what a Joomla host defines before OpenCart runs, db.json the
// tables (answered by FakeDb) and request.json the request ($_SERVER, $_GET).
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

require __DIR__ . '/FakeDb.php';
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

$dir = rtrim($argv[1], '/') . '/';

if (is_file($dir . 'joomla.php')) {
	require $dir . 'joomla.php';
}

require $dir . 'admin/index.php';

if (is_file($dir . 'admin/config.php')) {
	require $dir . 'admin/config.php';
}

$fixture = json_decode((string)file_get_contents($dir . 'db.json'), true);
$request = is_file($dir . 'request.json') ? json_decode((string)file_get_contents($dir . 'request.json'), true) : array();
$db = new FakeDb($fixture['tables'], isset($fixture['serverVersion']) ? $fixture['serverVersion'] : '8.0.36');

$detector = new OcSupportDesk\Detector(VERSION, $db, $fixture['prefix'], array(
	'paths' => array(
		'application' => $dir . 'admin/',
		'system' => $dir . 'system/',
		'extension' => $dir . 'extension/',
		'logs' => $dir . 'system/storage/logs/',
	),
	'settings' => isset($fixture['settings']) ? $fixture['settings'] : array(),
	'server' => isset($request['server']) ? $request['server'] : array(),
	'query' => isset($request['query']) ? $request['query'] : array(),
	'storeUrl' => defined('HTTP_CATALOG') ? HTTP_CATALOG : null,
));

echo json_encode(array(
	'platform' => $detector->platform(),
	'environment' => $detector->detect(true),
	'withoutLog' => $detector->detect(false)['errorLogExcerpt'],
), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
