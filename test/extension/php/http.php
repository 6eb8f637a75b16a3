<?php
// Runs OcSupportDesk\Http with one transport against the URLs given, and prints what happened.
// Usage: php http.php <curl|stream> <url> [<url> ...]
require __DIR__ . '/../../../opencart-extension/lib/autoload.php';

$transport = $argv[1];
if ($transport === 'curl' && !function_exists('curl_init')) {
	echo json_encode(array('skipped' => 'no curl extension'));
	exit(0);
}
$http = new OcSupportDesk\Http($transport === 'curl');
$results = array();
foreach (array_slice($argv, 2) as $url) {
	$started = microtime(true);
	try {
		$response = $http->post($url, array('Content-Type: application/json', 'Authorization: Bearer key-good'), '{"query":"{ viewer { kind } }","operationName":"Viewer"}', 1);
		$results[] = array('url' => $url, 'status' => $response['status'], 'body' => $response['body']);
	} catch (OcSupportDesk\HttpException $e) {
		$results[] = array('url' => $url, 'error' => $e->kind, 'seconds' => round(microtime(true) - $started, 1));
	}
}
echo json_encode($results);
