<?php
// OpenCart Support Desk: loads the shared library (the same files in the 3.0 and the 4.x package).
require_once __DIR__ . '/Redactor.php';
require_once __DIR__ . '/Detector.php';
require_once __DIR__ . '/Http.php';
require_once __DIR__ . '/ApiClient.php';
require_once __DIR__ . '/ApiMessages.php';
require_once __DIR__ . '/AccessManager.php';
require_once __DIR__ . '/UnreadBadge.php';
require_once __DIR__ . '/MenuEntry.php';
require_once __DIR__ . '/Endpoint.php';
require_once __DIR__ . '/operations.php';


